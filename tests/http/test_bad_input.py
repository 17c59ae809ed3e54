"""Malformed requests on every route: the documented status and code, and nothing stored."""

from __future__ import annotations

import json

import pytest

from tests.http.client import LedgerProcess, call

ORG = "bad-input-org"
BIG = b'{"credits": 1, "note": "' + b"x" * (1024 * 1024) + b'"}'
DEEP = 5000  # far past Python's recursion limit, well inside the 16 KiB body limit


def _nested(depth: int) -> bytes:
    return b'{"plan": ' + b"[" * depth + b"]" * depth + b"}"


CASES = [
    # (method, path, raw body, status, code)
    ("PUT", f"/orgs/{ORG}/plan", b"not json", 400, "BAD_REQUEST"),
    ("PUT", f"/orgs/{ORG}/plan", b'{"plan": "Gold"}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/plan", b'{"plan": 5}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/plan", b"{}", 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/plan", b"[]", 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/plan", b"", 422, "VALIDATION_ERROR"),
    ("PUT", "/orgs/bad%20id/plan", b'{"plan": "Basic"}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{'x' * 129}/plan", b'{"plan": "Basic"}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": -1}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": "5"}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": 2.5}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": 1e30}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": 1000000001}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": true}', 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b"{}", 422, "VALIDATION_ERROR"),
    ("PUT", f"/orgs/{ORG}/user-limit", b"{", 400, "BAD_REQUEST"),
    ("POST", f"/orgs/{ORG}/enquiries", b'{"enquiry_id": "e 1", "user_id": "u"}', 422, None),
    ("POST", f"/orgs/{ORG}/enquiries", b'{"enquiry_id": "", "user_id": "u"}', 422, None),
    ("POST", f"/orgs/{ORG}/enquiries", b'{"enquiry_id": "e", "user_id": 7}', 422, None),
    ("POST", f"/orgs/{ORG}/enquiries", b'{"enquiry_id": "e"}', 422, None),
    ("POST", f"/orgs/{ORG}/enquiries", '{"enquiry_id": "é", "user_id": "u"}'.encode(), 422, None),
    ("POST", f"/orgs/{ORG}/enquiries", b"\xff\xfe", 400, "BAD_REQUEST"),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": 0}', 422, "VALIDATION_ERROR"),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": -5}', 422, "VALIDATION_ERROR"),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": 100001}', 422, "VALIDATION_ERROR"),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": 99999999999999999999999}', 422, None),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": 5, "top_up_id": "a/b"}', 422, None),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": 5, "note": 3}', 422, None),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": 5, "surprise": 1}', 422, None),
    ("POST", f"/orgs/{ORG}/top-ups", BIG, 413, "PAYLOAD_TOO_LARGE"),
    ("POST", f"/orgs/{ORG}/enquiries", BIG, 413, "PAYLOAD_TOO_LARGE"),
    ("GET", f"/orgs/{ORG}/events?limit=0", None, 422, "VALIDATION_ERROR"),
    ("GET", f"/orgs/{ORG}/events?limit=1001", None, 422, "VALIDATION_ERROR"),
    ("GET", f"/orgs/{ORG}/events?after=-1", None, 422, "VALIDATION_ERROR"),
    ("GET", f"/orgs/{ORG}/events?after=abc", None, 422, "VALIDATION_ERROR"),
    ("GET", "/orgs/bad%20id", None, 422, "VALIDATION_ERROR"),
    ("GET", "/no/such/route", None, 404, "NOT_FOUND"),
    ("DELETE", f"/orgs/{ORG}", None, 404, "NOT_FOUND"),
    # JSON the parser cannot read: nested too deep, an integer over the digit limit
    ("PUT", f"/orgs/{ORG}/plan", _nested(DEEP), 400, "BAD_REQUEST"),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": ' + b"9" * 5000 + b"}", 400, "BAD_REQUEST"),
    (
        "POST",
        f"/orgs/{ORG}/top-ups",
        b'{"credits": 1, "note": ' + _nested(DEEP) + b"}",
        400,
        "BAD_REQUEST",
    ),
    (
        "POST",
        f"/orgs/{ORG}/enquiries",
        b'{"enquiry_id": ' + b"1" * 4400 + b', "user_id": "u"}',
        400,
        "BAD_REQUEST",
    ),
]


@pytest.fixture(scope="module")
def prepared(server: LedgerProcess) -> LedgerProcess:
    assert call(server.base, "PUT", f"/orgs/{ORG}/plan", {"plan": "Basic"}).status == 200
    return server


def _history(server: LedgerProcess) -> list[dict[str, object]]:
    return call(server.base, "GET", f"/orgs/{ORG}/events?limit=1000").json()["events"]


@pytest.mark.parametrize(("method", "path", "raw", "status", "code"), CASES)
def test_bad_input_is_refused_and_changes_nothing(
    prepared: LedgerProcess,
    method: str,
    path: str,
    raw: bytes | None,
    status: int,
    code: str | None,
) -> None:
    before = _history(prepared)
    reply = call(prepared.base, method, path, raw=raw)
    assert reply.status == status, reply.text
    body = reply.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == (code or "VALIDATION_ERROR")
    assert body["error"]["message"]
    assert _history(prepared) == before


@pytest.mark.parametrize("depth", [100, 500, 900, 990])
def test_nesting_near_the_recursion_limit_is_never_a_500(
    prepared: LedgerProcess, depth: int
) -> None:
    reply = call(prepared.base, "PUT", f"/orgs/{ORG}/plan", raw=_nested(depth))
    assert reply.status in (400, 422), reply.text
    assert reply.code in ("BAD_REQUEST", "VALIDATION_ERROR")


def test_validation_message_names_the_field(prepared: LedgerProcess) -> None:
    reply = call(prepared.base, "POST", f"/orgs/{ORG}/top-ups", raw=b'{"credits": 0}')
    assert "credits" in reply.json()["error"]["message"]
    reply = call(prepared.base, "PUT", "/orgs/bad%20id/plan", raw=json.dumps({}).encode())
    assert "org_id" in reply.json()["error"]["message"]
