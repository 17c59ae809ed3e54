"""Projected usage and alerts over HTTP against a real `ledger serve` process."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tests.http.client import LedgerProcess, call
from tests.projection_support import validate

T = TypeVar("T")


def eventually(read: Callable[[], T], done: Callable[[T], bool], within: float = 20.0) -> T:
    """The projection may lag the events by moments: read until done (or give up)."""
    deadline = time.monotonic() + within
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def alert_lines(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def use(base: str, org: str, count: int) -> None:
    for _ in range(count):
        body = {"enquiry_id": uuid.uuid4().hex, "user_id": "u-1"}
        assert call(base, "POST", f"/orgs/{org}/enquiries", body).status == 201


def test_usage_route(server: LedgerProcess) -> None:
    org = f"org-{uuid.uuid4().hex[:8]}"
    call(server.base, "PUT", f"/orgs/{org}/plan", {"plan": "Basic"})
    use(server.base, org, 3)
    status = call(server.base, "GET", f"/orgs/{org}").json()
    reply = eventually(
        lambda: call(server.base, "GET", f"/orgs/{org}/usage"),
        lambda r: r.status == 200 and r.json()["used"] == 3,
    )
    assert reply.json() == {
        "org_id": org,
        "month": status["month"],
        "plan": "Basic",
        "limit": 100,
        "used": 3,
        "remaining": 97,
        "top_up_credits": 0,
        "by_user": {"u-1": 3},
    }
    month = call(server.base, "GET", f"/orgs/{org}/usage?month={status['month']}")
    assert month.json() == reply.json()
    before = call(server.base, "GET", f"/orgs/{org}/usage?month=2000-01").json()
    assert (before["plan"], before["limit"], before["used"]) == (None, 0, 0)


def test_usage_errors(server: LedgerProcess) -> None:
    missing = call(server.base, "GET", "/orgs/nobody-here/usage")
    assert (missing.status, missing.code) == (404, "NOT_FOUND")
    call(server.base, "PUT", "/orgs/usage-errors/plan", {"plan": "Lite"})
    for bad in ("2026-13", "2026-1", "abc", "2026-11-01", "0000-01", "9999-12"):
        reply = call(server.base, "GET", f"/orgs/usage-errors/usage?month={bad}")
        assert (reply.status, reply.code) == (422, "VALIDATION_ERROR"), bad
        assert "month" in reply.json()["error"]["message"]
    document = call(server.base, "GET", "/openapi.json").json()
    assert "/orgs/{org_id}/usage" in document["paths"]


def reached(lines: list[dict[str, Any]]) -> list[int]:
    return [line["detail"]["limit"] for line in lines if line["detail-type"] == "LimitReached"]


def test_alerts_jsonl_once_per_alert_across_restarts(fresh_server: LedgerProcess) -> None:
    base, data_dir = fresh_server.base, fresh_server.data_dir
    call(base, "PUT", "/orgs/acme/plan", {"plan": "Lite"})
    use(base, "acme", 20)
    # Whether 20 at once also raise a NearLimit depends on the day of the month the
    # test runs (the system clock): the LimitReached lines are what is certain.
    lines = eventually(lambda: alert_lines(data_dir), lambda found: reached(found) == [20])
    assert reached(lines) == [20]
    for line in lines:
        validate(line)
    fresh_server.kill()
    fresh_server.start()
    call(fresh_server.base, "POST", "/orgs/acme/top-ups", {"credits": 2})
    use(fresh_server.base, "acme", 2)
    lines = eventually(lambda: alert_lines(data_dir), lambda found: reached(found) == [20, 22])
    assert reached(lines) == [20, 22]
    kinds = [line["detail-type"] for line in lines]
    assert kinds.count("NearLimit") <= 1 and kinds[-1] == "LimitReached"
    assert len({line["detail"]["alert_id"] for line in lines}) == len(lines)
