"""A tiny HTTP client and a `ledger serve` process for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def code(self) -> str | None:
        try:
            return str(self.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            return None


def call(base: str, method: str, path: str, body: Any = None, raw: bytes | None = None) -> Reply:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read().decode())


def exchange(base: str, request: bytes) -> tuple[bytes, bytes]:
    """Sends bytes as they are; the head and body of what comes back until the server closes."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body


def bad_request_closed(base: str, request: bytes) -> bytes:
    """Sends a request the server must refuse with 400 on a connection it then
    closes (exchange returns only once it has); the error body."""
    head, body = exchange(base, request)
    assert head.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in head, head
    assert json.loads(body)["error"]["code"] == "BAD_REQUEST"
    return body


def run_ledger(
    *args: str, env: dict[str, str] | None = None, stdout: Any = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """One `ledger` command in a child process, to its end."""
    return subprocess.run(
        [sys.executable, "-m", "localmode.cli", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )


class LedgerProcess:
    """`ledger serve` in a child process on a free loopback port."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[str] | None = None
        self.base = ""

    def start(self) -> LedgerProcess:
        command = [sys.executable, "-m", "localmode.cli", "serve", "--port", "0"]
        self.process = subprocess.Popen(
            [*command, "--data-dir", str(self.data_dir)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("ledger serve exited before listening")
        self.base = json.loads(line)["listening"]
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
