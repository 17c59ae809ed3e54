"""`ledger serve`: HTTP on loopback, fed to the same resolver that API Gateway calls."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any

from handlers.errors import MAX_BODY_BYTES, error_body
from handlers.observability import logger
from localmode.chunked import TooLarge, read_chunked
from localmode.errors import CommandError
from localmode.gateway import flat_headers, handle, proxy_event
from localmode.shutdown import IN_FLIGHT

DRAIN_LIMIT = 10 * 1024 * 1024  # API Gateway's own cap on a request body
TOO_LARGE = f"the body is over {MAX_BODY_BYTES} bytes"
ALLOWED_METHODS = "GET, PUT, POST"  # those of the routes; others reach the resolver (404) or 405
# Codes of the errors the HTTP server answers before any route (others: the status's name).
_PROTOCOL_CODES = {414: "URI_TOO_LONG", 431: "HEADERS_TOO_LARGE"}


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "credit-ledger"
    # Headers and body go out in two writes: with Nagle's algorithm on, a
    # keep-alive client's delayed ACK holds the body back about 40 ms.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._dispatch()

    do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _dispatch(self) -> None:
        raw = self._read_body()
        if raw is None:
            return
        try:
            body = raw.decode("utf-8") if raw else None
        except UnicodeDecodeError:
            return self._error(400, "BAD_REQUEST", "the body is not UTF-8")
        headers = {name: value for name, value in self.headers.items()}
        if not IN_FLIGHT.enter():
            self.close_connection = True
            return self._error(503, "BUSY", "the ledger is shutting down; try again")
        try:
            result = handle(proxy_event(self.command, self.path, headers, body))
        finally:
            IN_FLIGHT.leave()
        self._send(result["statusCode"], flat_headers(result), result.get("body") or "")

    def _read_body(self) -> bytes | None:
        """The request body, or None once a refusal of it has been answered."""
        if "Transfer-Encoding" in self.headers:
            return self._read_chunked()
        lengths = {value.strip() for value in self.headers.get_all("Content-Length", ["0"])}
        text = lengths.pop()
        if lengths or not (text.isascii() and text.isdigit()):
            self.close_connection = True  # where the body ends is unknown
            self._error(400, "BAD_REQUEST", "Content-Length is not one number")
            return None
        length = int(text)
        if length > MAX_BODY_BYTES:
            self._discard(length)
            self._error(413, "PAYLOAD_TOO_LARGE", TOO_LARGE)
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes | None:
        # A refused or malformed body leaves the stream out of step: the connection
        # closes after the answer. So does one that also has a Content-Length (RFC 9112
        # 6.3: Transfer-Encoding wins, but a proxy in front may have read it otherwise).
        self.close_connection = self.close_connection or "Content-Length" in self.headers
        if self.headers["Transfer-Encoding"].strip().lower() != "chunked":
            self.close_connection = True
            message = "the only Transfer-Encoding taken is chunked"
            self._error(501, "NOT_IMPLEMENTED", message)
            return None
        try:
            return read_chunked(self.rfile, MAX_BODY_BYTES, drain=DRAIN_LIMIT)
        except TooLarge:
            status, code, message = 413, "PAYLOAD_TOO_LARGE", TOO_LARGE
        except ValueError as error:
            status, code, message = 400, "BAD_REQUEST", f"the chunked body is malformed: {error}"
        self.close_connection = True
        self._error(status, code, message)
        return None

    def _discard(self, length: int) -> None:
        """Reads an oversized body away (up to a cap) so the client sees the answer."""
        if length > DRAIN_LIMIT:
            self.close_connection = True
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The server's own refusals (a method no route has, an over-long URL or header, an
        unreadable request line) in the JSON error body, on a connection then closed."""
        self.log_error("code %d, message %s", code, message)
        headers: dict[str, str] = {}
        if code == HTTPStatus.NOT_IMPLEMENTED:  # no do_<method>: no route has the method
            code, message = 405, f"no route has the method {self.command}"
            headers["Allow"] = ALLOWED_METHODS
        self.close_connection = True
        self.request_version = self.protocol_version  # a status line even for an unreadable one
        name = _PROTOCOL_CODES.get(code) or HTTPStatus(code).name
        self._error(code, name, (message or HTTPStatus(code).phrase)[:200], **headers)

    def _error(self, status: int, code: str, message: str, **extra: str) -> None:
        headers = {"Content-Type": "application/json", **extra}
        if status == 503:
            headers["Retry-After"] = "1"
        self._send(status, headers, error_body(code, message))

    def _send(self, status: int, headers: dict[str, str], body: str) -> None:
        payload = body.encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("http %s", format % args)


class LedgerServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def make_server(host: str, port: int) -> LedgerServer:
    try:
        return LedgerServer((host, port), RequestHandler)
    except OSError as error:  # the port in use, a host that does not resolve, ...
        reason = error.strerror or str(error)
        raise CommandError(f"cannot listen on {host}:{port}: {reason}") from None


def describe(server: LedgerServer) -> str:
    host, port = server.server_address[:2]
    return json.dumps({"listening": f"http://{host!s}:{port}"})


def serve_until_stopped(
    server: LedgerServer, close: Callable[[], None], started: Callable[[], None] = lambda: None
) -> None:
    """Says where it listens (then calls `started`), serves until SIGTERM or Ctrl-C,
    then closes the socket and calls `close`."""

    def stop(signum: int, _: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(describe(server), flush=True)
    started()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        close()
