"""JSON the parser cannot read (nested too deep, an integer too long) is a 400, not a 500."""

from __future__ import annotations

import pytest

from tests.http.client import LedgerProcess, call

ORG = "unreadable-json-org"
DEEP = 5000  # far past Python's recursion limit, well inside the 16 KiB body limit


def _nested(depth: int) -> bytes:
    return b'{"plan": ' + b"[" * depth + b"]" * depth + b"}"


CASES = [
    ("PUT", f"/orgs/{ORG}/plan", _nested(DEEP)),
    ("PUT", f"/orgs/{ORG}/user-limit", b'{"limit": ' + b"9" * 5000 + b"}"),
    ("POST", f"/orgs/{ORG}/top-ups", b'{"credits": 1, "note": ' + b"[" * DEEP + b"]" * DEEP + b"}"),
    ("POST", f"/orgs/{ORG}/enquiries", b'{"enquiry_id": ' + b"1" * 4400 + b', "user_id": "u"}'),
]


@pytest.fixture(scope="module")
def prepared(server: LedgerProcess) -> LedgerProcess:
    assert call(server.base, "PUT", f"/orgs/{ORG}/plan", {"plan": "Basic"}).status == 200
    return server


def _history(server: LedgerProcess) -> list[dict[str, object]]:
    return call(server.base, "GET", f"/orgs/{ORG}/events?limit=1000").json()["events"]


@pytest.mark.parametrize(("method", "path", "raw"), CASES)
def test_unreadable_json_is_a_bad_request(
    prepared: LedgerProcess, method: str, path: str, raw: bytes
) -> None:
    before = _history(prepared)
    reply = call(prepared.base, method, path, raw=raw)
    assert reply.status == 400, reply.text
    assert reply.json()["error"]["code"] == "BAD_REQUEST"
    assert reply.headers["Content-Type"] == "application/json"
    assert _history(prepared) == before


@pytest.mark.parametrize("depth", [100, 500, 900, 990])
def test_nesting_near_the_recursion_limit_is_never_a_500(
    prepared: LedgerProcess, depth: int
) -> None:
    reply = call(prepared.base, "PUT", f"/orgs/{ORG}/plan", raw=_nested(depth))
    assert reply.status in (400, 422), reply.text
    assert reply.code in ("BAD_REQUEST", "VALIDATION_ERROR")
