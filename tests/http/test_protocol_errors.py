"""Errors the HTTP server answers itself (before any route) have the JSON error body too."""

from __future__ import annotations

import pytest

from tests.http.client import LedgerProcess, Reply, bad_request_closed, call, exchange


def _assert_json_error(reply: Reply, status: int, code: str) -> None:
    assert reply.status == status, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json()["error"]["code"] == code
    assert reply.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path"), [("TRACE", "/health"), ("FOO", "/orgs/acme")])
def test_a_method_the_server_lacks_is_405(server: LedgerProcess, method: str, path: str) -> None:
    reply = call(server.base, method, path)
    _assert_json_error(reply, 405, "METHOD_NOT_ALLOWED")
    assert reply.headers["Allow"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/health", "GET"),
        ("DELETE", "/orgs/acme", "GET"),
        ("GET", "/orgs/acme/plan", "PUT"),
        ("PATCH", "/orgs/acme/enquiries", "POST"),
    ],
)
def test_a_known_path_with_a_method_it_lacks_is_405(
    server: LedgerProcess, method: str, path: str, allowed: str
) -> None:
    reply = call(server.base, method, path)
    _assert_json_error(reply, 405, "METHOD_NOT_ALLOWED")
    assert reply.headers["Allow"] == allowed


def test_an_unknown_path_is_404(server: LedgerProcess) -> None:
    _assert_json_error(call(server.base, "PUT", "/nothing/here"), 404, "NOT_FOUND")


def test_an_over_long_url_is_414(server: LedgerProcess) -> None:
    _assert_json_error(call(server.base, "GET", "/" + "x" * 70_000), 414, "URI_TOO_LONG")


def test_a_malformed_request_line_is_400(server: LedgerProcess) -> None:
    head, body = exchange(server.base, b"NONSENSE\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in head
    assert b'"BAD_REQUEST"' in body


def test_an_over_long_header_is_431(server: LedgerProcess) -> None:
    request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    head, body = exchange(server.base, request)
    assert head.startswith(b"HTTP/1.1 431 ")
    assert b"Content-Type: application/json" in head
    assert b'"HEADERS_TOO_LARGE"' in body


def test_a_content_length_that_is_not_a_number_is_400(server: LedgerProcess) -> None:
    request = b"PUT /orgs/cl/plan HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}"
    bad_request_closed(server.base, request)


def test_two_different_content_lengths_are_400_and_close(server: LedgerProcess) -> None:
    request = (
        b"PUT /orgs/cl/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b'Content-Length: 16\r\n\r\n{"plan": "Lite"}'
    )
    bad_request_closed(server.base, request)
