"""The console's pages, rendered by the API's own resolver over an in-memory ledger."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handlers import api, wiring
from handlers.console.pages import script_json, text
from ledger import CreditLedger
from ledger.domain.org import org_uuid
from localmode.gateway import proxy_event
from projections.projector import LedgerEvents, Projector
from projections.store import MemoryProjectionStore
from tests.conftest import FakeClock

HOSTILE = "<script>alert('x')</script>"
NOV = datetime(2026, 11, 1, 9, tzinfo=UTC)


@pytest.fixture
def wired(clock: FakeClock) -> Iterator[tuple[CreditLedger, MemoryProjectionStore]]:
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    store = MemoryProjectionStore()
    wiring.bootstrap(ledger=ledger, projections=store)
    yield ledger, store
    wiring.bootstrap()


def project(ledger: CreditLedger, store: MemoryProjectionStore, *orgs: str) -> None:
    projector = Projector(store, LedgerEvents(ledger))
    for org in orgs:
        projector.project(org_uuid(org))


def get(path: str) -> dict[str, Any]:
    event = proxy_event("GET", path, {"Host": "local"}, None)
    answer = api.resolve(event, None, api.create_app(console=True))
    assert answer["statusCode"] in (200, 404), answer
    return answer


def chart_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def use(ledger: CreditLedger, org: str, count: int, user: str = "u-1") -> None:
    for _ in range(count):
        ledger.consume_credit(org, user_id=user, enquiry_id=f"e-{use.n}")  # type: ignore[attr-defined]
        use.n += 1  # type: ignore[attr-defined]


use.n = 0  # type: ignore[attr-defined]


def test_escaping_leaves_no_markup() -> None:
    assert text(HOSTILE) == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert text('" onmouseover="x') == "&quot; onmouseover=&quot;x"
    packed = script_json({"label": "</script><script>alert(1)</script>&"})
    assert "<" not in packed and ">" not in packed and "&" not in packed
    assert json.loads(packed) == {"label": "</script><script>alert(1)</script>&"}


def test_the_list_soonest_to_run_out_first_linking_each_org(wired, clock) -> None:
    ledger, store = wired
    clock.set(NOV + timedelta(days=4))
    for org, plan, used in [("calm", "Basic", 2), ("gone", "Lite", 20), ("fast", "Basic", 60)]:
        ledger.set_plan(org, plan)
        use(ledger, org, used)
    project(ledger, store, "calm", "gone", "fast")
    answer = get("/console")
    page = answer["body"]
    assert answer["multiValueHeaders"]["Content-Type"] == ["text/html; charset=utf-8"]
    assert "script-src 'self'" in answer["multiValueHeaders"]["Content-Security-Policy"][0]
    assert re.findall(r'data-org="([^"]+)"', page) == ["gone", "fast", "calm"]
    assert 'href="console/orgs/fast"' in page
    only = get("/console?state=limit_reached")["body"]
    assert re.findall(r'data-org="([^"]+)"', only) == ["gone"]
    assert 'value="limit_reached" selected' in only


def test_a_run_out_date_gone_by_with_credits_left_says_so(wired, clock) -> None:
    ledger, store = wired
    ledger.set_plan("busy", "Lite")
    for day in range(5):  # three a day: the rest would go on the 7th
        clock.set(NOV + timedelta(days=day, hours=1))
        use(ledger, "busy", 3)
    project(ledger, store, "busy")
    (row,) = store.rows(str(org_uuid("busy")))
    assert row.run_out_at is not None and row.remaining == 5
    clock.set(row.run_out_at - timedelta(hours=1))
    assert "passed, credits left" not in get("/console")["body"]
    clock.set(row.run_out_at + timedelta(days=3))  # and no use since
    for page in (get("/console")["body"], get("/console/orgs/busy")["body"]):
        assert "passed, credits left: no use since its last event" in page


def test_an_org_page_charts_the_period_day_by_day(wired, clock) -> None:
    ledger, store = wired
    clock.set(NOV)
    ledger.set_plan("acme", "Basic")
    for day in range(7):
        clock.set(NOV + timedelta(days=day, hours=1))
        use(ledger, "acme", 10, user=f"u-{day % 2}")
        if day == 5:
            ledger.top_up("acme", 25, note=HOSTILE)
    clock.set(NOV + timedelta(days=6, hours=5))
    project(ledger, store, "acme")
    page = get("/console/orgs/acme")["body"]
    data = chart_data(page)
    assert len(data["days"]) == 30 and data["used"][:7] == [10, 20, 30, 40, 50, 60, 70]
    assert data["used"][7:] == [None] * 23  # days to come
    assert data["limit"][:5] == [100] * 5 and data["limit"][5:] == [125] * 25
    kinds = [mark["kind"] for mark in data["marks"]]
    assert kinds[:1] == ["plan"] and "top_up" in kinds
    (row,) = store.rows(str(org_uuid("acme")))
    assert [k for k in kinds if k not in ("plan", "top_up")] == list(row.alerts)
    assert HOSTILE not in page and html.escape(HOSTILE) in page  # the note, in the history
    assert "<td>u-0</td><td>40</td>" in page and "<td>u-1</td><td>30</td>" in page


def test_a_period_after_earlier_months_starts_from_the_plan_then(wired, clock) -> None:
    ledger, store = wired
    clock.set(datetime(2026, 10, 20, tzinfo=UTC))
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 5)
    clock.set(NOV + timedelta(days=1))
    use(ledger, "acme", 3)
    project(ledger, store, "acme")
    data = chart_data(get("/console/orgs/acme")["body"])
    assert data["used"][:2] == [0, 3] and data["limit"][0] == 20 and data["marks"] == []


def test_an_unknown_org_is_a_page_that_says_so(wired) -> None:
    answer = get("/console/orgs/nobody")
    assert answer["statusCode"] == 404 and "No org nobody" in answer["body"]


def test_assets_come_from_the_package(wired) -> None:
    script = get("/console/assets/uPlot.iife.min.js")
    assert script["statusCode"] == 200 and "uPlot" in script["body"][:200]
    assert get("/console/assets/pages.py")["statusCode"] == 404
    assert get("/console/assets/..")["statusCode"] == 404


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("state=soon", "state"),
        ("sort=oldest", "sort"),
        ("plan=Gold", "plan"),
        ("month=2026-13", "month"),
        ("after=not-a-cursor", "after"),
        (f"state={HOSTILE}", "state"),
    ],
)
def test_a_list_address_the_form_would_not_send_gets_a_page_saying_why(
    wired: tuple[CreditLedger, MemoryProjectionStore], query: str, named: str
) -> None:
    event = proxy_event("GET", f"/console?{query}", {"Host": "local"}, None)
    answer = api.resolve(event, None, api.create_app(console=True))
    assert answer["statusCode"] == 422
    headers = answer["multiValueHeaders"]
    assert headers["Content-Type"] == ["text/html; charset=utf-8"]
    assert "Content-Security-Policy" in headers
    page = answer["body"]
    assert named in page and '<a href="console">All orgs</a>' in page
    assert "<script>" not in page  # a value from the address is shown as text
