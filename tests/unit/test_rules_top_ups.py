"""Top-ups: 1 to 100000 credits for the current month (or trial), idempotent by id."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ledger import CreditLedger
from ledger.validation import ID_PATTERN
from tests.conftest import FakeClock
from tests.unit.support import body, history_length, refused, use, utc

DECEMBER = utc(2026, 12, 1)


@pytest.fixture
def basic(ledger: CreditLedger) -> CreditLedger:
    ledger.set_plan("acme", "Basic")
    return ledger


@pytest.mark.parametrize("credits", [1, 100_000])
def test_a_top_up_adds_credits_for_the_month(basic: CreditLedger, credits: int) -> None:
    use(basic, "acme", 4)
    answer = basic.top_up("acme", credits, top_up_id="t-1", note="goodwill")
    assert body(answer) == {
        "org_id": "acme",
        "top_up_id": "t-1",
        "credits": credits,
        "expires_at": DECEMBER,
        "limit": 100 + credits,
        "remaining": 96 + credits,
    }
    status = basic.status("acme")
    assert (status.top_up_credits, status.limit, status.remaining) == (
        credits,
        100 + credits,
        96 + credits,
    )
    event = basic.history("acme").events[-1]
    assert event.type == "TopUpGranted"
    assert {k: event.data[k] for k in ("top_up_id", "credits", "expires_at", "note")} == {
        "top_up_id": "t-1",
        "credits": credits,
        "expires_at": DECEMBER,
        "note": "goodwill",
    }


@pytest.mark.parametrize("credits", [0, -1, 100_001])
def test_a_top_up_outside_1_to_100000_is_invalid(basic: CreditLedger, credits: int) -> None:
    refused(basic, "acme", "VALIDATION_ERROR", lambda: basic.top_up("acme", credits))


def test_the_ledger_names_a_top_up_without_an_id(basic: CreditLedger) -> None:
    first, second = basic.top_up("acme", 5), basic.top_up("acme", 5)
    assert first.top_up_id != second.top_up_id
    assert all(re.fullmatch(ID_PATTERN, a.top_up_id) for a in (first, second))
    assert basic.status("acme").top_up_credits == 10


def test_top_ups_add_up(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 25)
    assert ledger.top_up("acme", 10, top_up_id="t-2").limit == 55
    status = ledger.status("acme")
    assert (status.allowance, status.top_up_credits, status.limit) == (20, 35, 55)
    use(ledger, "acme", 55)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))


def test_top_ups_need_a_plan(ledger: CreditLedger) -> None:
    refused(ledger, "nobody", "NO_PLAN", lambda: ledger.top_up("nobody", 5))
    ledger.set_user_limit("acme", 3)
    refused(ledger, "acme", "NO_PLAN", lambda: ledger.top_up("acme", 5, top_up_id="t-1"))
    ledger.set_plan("acme", "Lite")
    assert ledger.top_up("acme", 5, top_up_id="t-1").limit == 25


def test_top_ups_expire_at_the_end_of_their_month(ledger: CreditLedger, clock: FakeClock) -> None:
    clock.set(utc(2026, 11, 30, 23, 59, 59))
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 20)
    ledger.top_up("acme", 3)
    assert use(ledger, "acme", 1)[0].remaining == 2
    clock.set(DECEMBER)
    status = ledger.status("acme")
    assert (status.top_up_credits, status.limit, status.used, status.remaining) == (0, 20, 0, 20)
    assert ledger.top_up("acme", 1).expires_at == utc(2027, 1, 1)


def test_trial_top_ups_belong_to_the_trial(ledger: CreditLedger, clock: FakeClock) -> None:
    start = utc(2026, 11, 25)
    clock.set(start)
    ledger.set_plan("acme", "Trial")
    answer = ledger.top_up("acme", 5)
    assert (answer.expires_at, answer.limit, answer.remaining) == (
        start + timedelta(days=14),
        15,
        15,
    )
    clock.set(DECEMBER)  # a trial's top-ups do not expire at the month's end
    status = ledger.status("acme")
    assert (status.allowance, status.top_up_credits, status.limit, status.remaining) == (
        10,
        5,
        15,
        15,
    )
    use(ledger, "acme", 15)
    refused(ledger, "acme", "TRIAL_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    ledger.top_up("acme", 1)
    clock.set(start + timedelta(days=14))
    refused(ledger, "acme", "TRIAL_EXPIRED", lambda: use(ledger, "acme", 1))
    refused(ledger, "acme", "TRIAL_EXPIRED", lambda: ledger.top_up("acme", 5))


def test_trial_top_ups_end_with_the_trial(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Trial")
    ledger.top_up("acme", 5)
    status = ledger.set_plan("acme", "Basic")
    assert (status.top_up_credits, status.limit, status.remaining) == (0, 100, 100)


@pytest.mark.usefixtures("many_commands")
def test_a_top_up_answer_agrees_with_the_status_after_a_downgrade(
    ledger: CreditLedger,
) -> None:
    ledger.set_plan("acme", "Enterprise")
    use(ledger, "acme", 300)
    ledger.set_plan("acme", "Basic")
    # Usable while used < allowance + top-ups: 300 < 100 + 25 does not hold.
    answer = ledger.top_up("acme", 25)
    assert (answer.limit, answer.remaining) == (125, 0)
    assert ledger.status("acme").remaining == 0
    answer = ledger.top_up("acme", 200)
    assert (answer.limit, answer.remaining) == (325, 25)
    assert ledger.status("acme").remaining == 25


def test_a_repeated_top_up_id_adds_nothing(basic: CreditLedger, clock: FakeClock) -> None:
    first = basic.top_up("acme", 25, top_up_id="t-1")
    length = history_length(basic, "acme")
    use(basic, "acme", 10)
    clock.advance(days=2)
    again = basic.top_up("acme", 25, top_up_id="t-1")
    assert body(again) == body(first)
    assert again.replayed and not first.replayed
    assert history_length(basic, "acme") == length + 10
    assert basic.status("acme").limit == 125


def test_a_repeated_top_up_answers_as_first_whatever_the_state(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Trial")
    first = ledger.top_up("acme", 5, top_up_id="t-1")
    clock.advance(days=30)  # the trial is over: a new top-up would be refused
    refused(ledger, "acme", "TRIAL_EXPIRED", lambda: ledger.top_up("acme", 5))
    assert body(ledger.top_up("acme", 5, top_up_id="t-1")) == body(first)
    ledger.set_plan("acme", "Basic")
    assert body(ledger.top_up("acme", 5, top_up_id="t-1")) == body(first)
    assert ledger.status("acme").top_up_credits == 0


def test_the_same_top_up_id_with_other_credits_conflicts(
    basic: CreditLedger, clock: FakeClock
) -> None:
    basic.top_up("acme", 25, top_up_id="t-1")
    refused(basic, "acme", "TOP_UP_CONFLICT", lambda: basic.top_up("acme", 26, top_up_id="t-1"))
    clock.set(DECEMBER)
    refused(basic, "acme", "TOP_UP_CONFLICT", lambda: basic.top_up("acme", 1, top_up_id="t-1"))
    assert basic.status("acme").top_up_credits == 0


def test_top_up_ids_are_per_org(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.set_plan("umbrella", "Lite")
    ledger.top_up("acme", 25, top_up_id="t-1")
    assert ledger.top_up("umbrella", 30, top_up_id="t-1").limit == 50
    assert ledger.status("acme").limit == 125


def test_a_repeat_is_matched_on_the_id_and_compared_on_credits_only(basic: CreditLedger) -> None:
    first = basic.top_up("acme", 25, top_up_id="t-1", note="goodwill")
    again = basic.top_up("acme", 25, top_up_id="t-1", note="another note")
    assert body(again) == body(first)
    notes = [e.data["note"] for e in basic.history("acme").events if e.type == "TopUpGranted"]
    assert notes == ["goodwill"]
