"""Who made each change, and why: `actor` and `reason` in the events of the changes a
person makes; on AWS the actor is the signed IAM identity, locally the X-Actor header."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from handlers import api, wiring
from ledger import CreditLedger, LedgerError
from localmode.gateway import proxy_event
from tests.conftest import FakeClock

ROLE = "arn:aws:sts::123456789012:assumed-role/CustomerSuccess/jane"


@pytest.fixture
def memory_ledger(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[CreditLedger]:
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    wiring.bootstrap(ledger=ledger)
    yield ledger
    wiring.bootstrap()
    ledger.close()


def data(ledger: CreditLedger, org_id: str = "acme") -> list[dict[str, Any]]:
    return [event.data for event in ledger.history(org_id).events]


def test_each_change_a_person_makes_records_who_and_why(memory_ledger: CreditLedger) -> None:
    memory_ledger.set_plan("acme", "Basic", actor="jane", reason="signed the order form")
    memory_ledger.set_user_limit("acme", 5, actor="jane")
    memory_ledger.top_up("acme", 10, actor="sam", reason="goodwill after the outage")
    memory_ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    memory_ledger.refund_credit("acme", "e-1", actor="kim", reason="the report failed")
    recorded = data(memory_ledger)
    assert [(d.get("actor"), d.get("reason")) for d in recorded[1:4]] == [
        ("jane", "signed the order form"),
        ("jane", None),
        ("sam", "goodwill after the outage"),
    ]
    assert "actor" not in recorded[4] and recorded[4]["user_id"] == "u-1"
    assert (recorded[5]["actor"], recorded[5]["reason"]) == ("kim", "the report failed")


@pytest.mark.parametrize(
    "bad",
    [{"reason": "x" * 501}, {"reason": 5}, {"reason": "\ud800"}, {"actor": "\udfff"}],
)
def test_a_bad_actor_or_reason_is_refused_and_changes_nothing(
    memory_ledger: CreditLedger, bad: dict[str, Any]
) -> None:
    memory_ledger.set_plan("acme", "Basic")
    with pytest.raises(LedgerError) as caught:
        memory_ledger.top_up("acme", 10, **bad)
    assert caught.value.code == "VALIDATION_ERROR"
    assert memory_ledger.status("acme").top_up_credits == 0


def call(method: str, path: str, body: Any, headers: dict[str, str], identity: Any = None) -> Any:
    event = proxy_event(method, path, {"Host": "local", **headers}, json.dumps(body))
    if identity is not None:  # as API Gateway gives it for a SigV4-signed call
        event["requestContext"]["identity"] = identity
    answer = api.resolve(event, None)
    return answer["statusCode"], json.loads(answer["body"])


def test_on_aws_the_actor_is_the_signed_identity_never_a_header(
    memory_ledger: CreditLedger,
) -> None:
    identity = {"userArn": ROLE, "caller": "AROAEXAMPLE:jane", "sourceIp": "10.0.0.1"}
    body = {"plan": "Basic", "reason": "renewal"}
    status, _ = call("PUT", "/orgs/acme/plan", body, {"X-Actor": "someone-else"}, identity)
    assert status == 200
    assert (data(memory_ledger)[1]["actor"], data(memory_ledger)[1]["reason"]) == (ROLE, "renewal")


def test_locally_the_actor_is_the_x_actor_header_or_null(memory_ledger: CreditLedger) -> None:
    assert call("PUT", "/orgs/acme/plan", {"plan": "Basic"}, {"X-Actor": "jane"})[0] == 200
    status, _ = call("PUT", "/orgs/acme/user-limit", {"limit": 3, "reason": "pilot"}, {})
    assert status == 200
    status, _ = call(
        "POST", "/orgs/acme/top-ups", {"credits": 5, "reason": "trial"}, {"x-actor": "sam"}
    )
    assert status == 201
    recorded = data(memory_ledger)
    assert [(d["actor"], d["reason"]) for d in recorded[1:]] == [
        ("jane", None),
        (None, "pilot"),
        ("sam", "trial"),
    ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/orgs/acme/plan", {"plan": "Basic", "actor": "mallory"}),
        ("/orgs/acme/plan", {"plan": "Basic", "reason": "x" * 501}),
        ("/orgs/acme/user-limit", {"limit": 3, "reason": 7}),
        ("/orgs/acme/top-ups", {"credits": 5, "note": "\ud800"}),
    ],
)
def test_an_actor_in_the_body_or_a_bad_reason_is_422(
    memory_ledger: CreditLedger, path: str, body: dict[str, Any]
) -> None:
    status, answer = call("PUT" if "top-ups" not in path else "POST", path, body, {})
    assert (status, answer["error"]["code"]) == (422, "VALIDATION_ERROR")


def test_the_actor_is_the_resolving_requests_when_other_resolvers_exist(
    memory_ledger: CreditLedger,
) -> None:
    """`ledger serve` gives each thread its own resolver: the routers then point at
    the last one made, which must not lend its request's identity to another."""
    other = api.create_app()
    other.resolve(proxy_event("GET", "/health", {"X-Actor": "someone-else"}, None), None)
    assert call("PUT", "/orgs/acme/plan", {"plan": "Basic"}, {}, {"userArn": ROLE})[0] == 200
    assert data(memory_ledger)[1]["actor"] == ROLE
