"""The auditors' routes: hashes in the history, CSV pages, the digest, status at a
moment, and query parameters a route does not define."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from handlers import api, wiring
from ledger import CreditLedger
from ledger.domain import chain
from localmode.gateway import proxy_event
from tests.conftest import FakeClock
from tests.unit.support import consume


@pytest.fixture
def acme(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[CreditLedger]:
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    ledger.set_plan("acme", "Basic")
    clock.advance(hours=1)
    consume(ledger, "acme", "u-1", "e-1")
    ledger.top_up("acme", 5, top_up_id="t-1", note="goodwill")
    wiring.bootstrap(ledger=ledger)
    yield ledger
    wiring.bootstrap()
    ledger.close()


def get(target: str) -> tuple[int, Any, dict[str, list[str]]]:
    answer = api.resolve(proxy_event("GET", target, {"Host": "local"}, None), None)
    body = answer["body"]
    headers = answer["multiValueHeaders"]
    if headers["Content-Type"][0].startswith("application/json"):
        body = json.loads(body)
    return answer["statusCode"], body, headers


def test_every_event_carries_the_hash_of_its_chain(acme: CreditLedger) -> None:
    status, body, _ = get("/orgs/acme/events")
    assert status == 200
    previous = chain.GENESIS
    for event in body["events"]:
        doc = {k: event[k] for k in ("version", "type", "occurred_at", "data")}
        doc["org_id"] = "acme"
        assert event["hash"] == chain.link(previous, doc)
        previous = event["hash"]
    _, digest, _ = get("/orgs/acme/digest")
    assert digest == {
        "org_id": "acme",
        "version": len(body["events"]),
        "hash": previous,
        "occurred_at": body["events"][-1]["occurred_at"],
    }


def test_a_later_page_carries_the_same_hashes(acme: CreditLedger) -> None:
    _, whole, _ = get("/orgs/acme/events")
    _, page, _ = get("/orgs/acme/events?after=2&limit=1")
    assert page["events"] == whole["events"][2:3]
    assert page["next_after"] == 3


def test_a_csv_page_is_the_same_page(acme: CreditLedger) -> None:
    _, whole, _ = get("/orgs/acme/events")
    status, text, headers = get("/orgs/acme/events?format=csv&limit=2")
    assert status == 200, text
    assert headers["Content-Type"] == ["text/csv; charset=utf-8"]
    assert headers["Next-After"] == ["2"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["hash"] for row in rows] == [e["hash"] for e in whole["events"][:2]]
    assert [json.loads(row["data"]) for row in rows] == [e["data"] for e in whole["events"][:2]]
    assert {row["org_id"] for row in rows} == {"acme"}


def test_the_status_at_a_moment_is_the_status_then(acme: CreditLedger) -> None:
    _, now, _ = get("/orgs/acme")
    _, then, _ = get("/orgs/acme?at=2026-11-05T12:30:00Z")
    assert (now["used"], now["top_up_credits"]) == (1, 5)
    assert (then["used"], then["top_up_credits"]) == (0, 0)
    assert then["plan"] == "Basic"


@pytest.mark.parametrize(
    "target",
    [
        "/orgs/acme?at=2026-11-05T12:30:00",  # no offset
        "/orgs/acme?at=yesterday",
        "/orgs/acme?when=2026-11-05T12:30:00Z",  # not a parameter of the route
        "/orgs/acme/events?format=xml",
        "/orgs/acme/events?after=0&page=2",
        "/orgs/acme/digest?at=2026-11-05T12:30:00Z",
        "/orgs/acme/usage?month=2026-11&by=user",
        "/health?verbose=1",
    ],
)
def test_a_bad_or_undefined_query_parameter_is_422(acme: CreditLedger, target: str) -> None:
    status, body, _ = get(target)
    assert status == 422, body
    assert body["error"]["code"] == "VALIDATION_ERROR"


def test_the_digest_of_an_org_without_events_is_404(acme: CreditLedger) -> None:
    status, body, _ = get("/orgs/nobody/digest")
    assert (status, body["error"]["code"]) == (404, "NOT_FOUND")
