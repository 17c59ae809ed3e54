"""Refunds and the numbers of a refusal, over HTTP against `ledger serve`."""

from __future__ import annotations

import uuid

from tests.http.client import LedgerProcess, call
from tests.http.test_usage_and_alerts import eventually


def _org(base: str) -> str:
    org = f"refund-{uuid.uuid4().hex[:8]}"
    assert call(base, "PUT", f"/orgs/{org}/plan", {"plan": "Lite"}).status == 200
    return org


def test_a_refund_then_its_repeat(server: LedgerProcess) -> None:
    base = server.base
    org = _org(base)
    assert (
        call(base, "POST", f"/orgs/{org}/enquiries", {"enquiry_id": "e-1", "user_id": "u"}).status
        == 201
    )
    path = f"/orgs/{org}/enquiries/e-1/refund"
    first = call(base, "POST", path, {"reason": "the report failed"})
    assert first.status == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    body = first.json()
    assert set(body) == {
        "org_id",
        "enquiry_id",
        "user_id",
        "refunded_at",
        "remaining",
        "user_remaining",
    }
    assert (body["enquiry_id"], body["user_id"], body["remaining"]) == ("e-1", "u", 20)
    again = call(base, "POST", path, raw=b"")  # the body is optional
    assert (again.status, again.headers["Idempotent-Replayed"]) == (200, "true")
    assert again.json() == body
    null = call(base, "POST", path, raw=b"null")  # an object or nothing, as documented
    assert (null.status, null.code) == (422, "VALIDATION_ERROR")
    recharge = call(base, "POST", f"/orgs/{org}/enquiries", {"enquiry_id": "e-1", "user_id": "u"})
    assert (recharge.status, recharge.code) == (409, "ENQUIRY_REFUNDED")
    events = call(base, "GET", f"/orgs/{org}/events").json()["events"]
    assert events[-1]["type"] == "CreditRefunded"
    assert events[-1]["data"]["reason"] == "the report failed"
    usage = eventually(
        lambda: call(base, "GET", f"/orgs/{org}/usage").json(),
        lambda found: found.get("used") == 0,
    )
    assert (usage["used"], usage["by_user"]) == (0, {})


def test_what_a_refund_refuses(server: LedgerProcess) -> None:
    base = server.base
    org = _org(base)
    unknown = call(base, "POST", f"/orgs/{org}/enquiries/e-9/refund")
    assert (unknown.status, unknown.code) == (404, "NOT_FOUND")
    long = call(base, "POST", f"/orgs/{org}/enquiries/e-9/refund", {"reason": "x" * 501})
    assert (long.status, long.code) == (422, "VALIDATION_ERROR")
    extra = call(base, "POST", f"/orgs/{org}/enquiries/e-9/refund", {"why": "x"})
    assert (extra.status, extra.code) == (422, "VALIDATION_ERROR")
    wrong = call(base, "GET", f"/orgs/{org}/enquiries/e-9/refund")
    assert (wrong.status, wrong.headers["Allow"]) == (405, "POST")


def test_a_refusal_says_when_credit_comes_back(server: LedgerProcess) -> None:
    base = server.base
    org = _org(base)
    assert call(base, "PUT", f"/orgs/{org}/user-limit", {"limit": 1}).status == 200
    body = {"enquiry_id": "e-1", "user_id": "u"}
    assert call(base, "POST", f"/orgs/{org}/enquiries", body).status == 201
    refused = call(base, "POST", f"/orgs/{org}/enquiries", {**body, "enquiry_id": "e-2"})
    assert refused.status == 402
    error = refused.json()["error"]
    assert error["code"] == "USER_LIMIT_REACHED"
    assert (error["limit"], error["used"], error["remaining"]) == (1, 1, 0)
    assert error["resets_at"].endswith("-01T00:00:00Z")
    none = call(base, "POST", "/orgs/no-plan-here/enquiries", body).json()["error"]
    assert (none["code"], none["limit"], none["resets_at"]) == ("NO_PLAN", 0, None)
