"""Chunked request bodies are read as bodies (and held to the same 16 KiB limit)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from tests.http.client import LedgerProcess, bad_request_closed, call, exchange


def _connect(server: LedgerProcess) -> http.client.HTTPConnection:
    parts = urlsplit(server.base)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)


def _send_chunked(
    connection: http.client.HTTPConnection, method: str, path: str, chunks: Iterable[bytes]
) -> tuple[int, dict[str, object]]:
    connection.request(method, path, body=iter(chunks), encode_chunked=True)
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_a_chunked_body_is_read_and_the_connection_stays_usable(server: LedgerProcess) -> None:
    connection = _connect(server)
    try:
        chunks = [b'{"plan"', b': "Ba', b'sic"}']
        status, body = _send_chunked(connection, "PUT", "/orgs/chunk-ok/plan", chunks)
        assert (status, body["plan"]) == (200, "Basic")
        connection.request("GET", "/orgs/chunk-ok")  # the same connection
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["plan"] == "Basic"
    finally:
        connection.close()


def test_a_chunked_body_over_the_limit_is_413_and_stores_nothing(server: LedgerProcess) -> None:
    note = b"x" * 20_000
    chunks = [b'{"plan": "Basic", "note": "', *[note[i : i + 4096] for i in range(0, 20_000, 4096)]]
    connection = _connect(server)
    try:
        status, body = _send_chunked(connection, "PUT", "/orgs/chunk-big/plan", [*chunks, b'"}'])
    finally:
        connection.close()
    assert status == 413 and body["error"]["code"] == "PAYLOAD_TOO_LARGE"  # type: ignore[index]
    assert call(server.base, "GET", "/orgs/chunk-big").status == 404


def test_chunk_extensions_and_trailers_are_passed_over(server: LedgerProcess) -> None:
    request = (
        b"PUT /orgs/chunk-ext/plan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n"
        b"8;name=value\r\n" + b'{"plan":' + b"\r\n9\r\n" + b' "Basic"}' + b"\r\n"
        b"0\r\nX-Trailer: 1\r\n\r\n"
    )
    head, body = exchange(server.base, request)
    assert head.startswith(b"HTTP/1.1 200 "), head + body
    assert json.loads(body)["plan"] == "Basic"


def test_a_malformed_chunk_is_400_and_closes_the_connection(server: LedgerProcess) -> None:
    request = (
        b"PUT /orgs/chunk-bad/plan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\n{}\r\n0\r\n\r\n"
    )
    bad_request_closed(server.base, request)
    assert call(server.base, "GET", "/orgs/chunk-bad").status == 404


def test_another_transfer_coding_is_501(server: LedgerProcess) -> None:
    request = (
        b"PUT /orgs/chunk-gzip/plan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
        b"\r\n0\r\n\r\n"
    )
    head, body = exchange(server.base, request)
    assert head.startswith(b"HTTP/1.1 501 ") and b"Connection: close" in head
    assert json.loads(body)["error"]["code"] == "NOT_IMPLEMENTED"
