"""An enquiry is charged at most once per org, ever; a repeat answers as the first time."""

from __future__ import annotations

import pytest

from ledger import CreditLedger
from ledger.domain import receipts
from tests.conftest import FakeClock, LedgerFactory
from tests.unit.support import body, consume, history_length, refused, use, utc


def test_a_repeat_charges_nothing_and_answers_as_the_first_time(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.set_user_limit("acme", 10)
    first = consume(ledger, "acme", "u-1", "e-1")
    use(ledger, "acme", 5, user_id="u-1")
    length = history_length(ledger, "acme")
    clock.advance(minutes=5)
    again = consume(ledger, "acme", "u-1", "e-1")
    assert body(again) == body(first)
    assert (again.remaining, again.user_remaining, again.replayed) == (99, 9, True)
    assert history_length(ledger, "acme") == length
    assert ledger.status("acme").used == 6


def test_a_repeat_succeeds_when_the_org_is_now_at_its_limit(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    first = consume(ledger, "acme", "u-1", "e-1")
    use(ledger, "acme", 19)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    assert body(consume(ledger, "acme", "u-1", "e-1")) == body(first)
    assert ledger.status("acme").used == 20


def test_a_repeat_succeeds_when_the_user_is_now_blocked(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    first = consume(ledger, "acme", "u-1", "e-1")
    ledger.set_user_limit("acme", 0)
    assert body(consume(ledger, "acme", "u-1", "e-1")) == body(first)


def test_a_repeat_succeeds_whatever_happened_since(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Trial")
    first = consume(ledger, "acme", "u-1", "e-1")
    clock.advance(days=20)  # the trial is over
    refused(ledger, "acme", "TRIAL_EXPIRED", lambda: use(ledger, "acme", 1))
    assert body(consume(ledger, "acme", "u-1", "e-1")) == body(first)
    ledger.set_plan("acme", "Basic")
    clock.set(utc(2027, 3, 1))  # months later, on a paid plan
    assert body(consume(ledger, "acme", "u-1", "e-1")) == body(first)
    assert ledger.status("acme").used == 0


def test_the_same_enquiry_for_another_user_conflicts(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    consume(ledger, "acme", "u-1", "e-1")
    refused(ledger, "acme", "ENQUIRY_CONFLICT", lambda: consume(ledger, "acme", "u-2", "e-1"))
    use(ledger, "acme", 19)
    refused(ledger, "acme", "ENQUIRY_CONFLICT", lambda: consume(ledger, "acme", "u-2", "e-1"))
    assert ledger.status("acme").used == 20


def test_a_refused_request_is_not_remembered(ledger: CreditLedger, clock: FakeClock) -> None:
    refused(ledger, "acme", "NO_PLAN", lambda: consume(ledger, "acme", "u-1", "e-1"))
    ledger.set_plan("acme", "Lite")
    ledger.set_user_limit("acme", 0)
    refused(ledger, "acme", "USER_LIMIT_REACHED", lambda: consume(ledger, "acme", "u-1", "e-1"))
    ledger.set_user_limit("acme", 1)
    clock.advance(seconds=1)
    # Tried again later, even for another user: charged now, for the first time.
    answer = consume(ledger, "acme", "u-2", "e-1")
    assert (answer.replayed, answer.remaining, answer.consumed_at) == (False, 19, clock())
    refused(ledger, "acme", "ENQUIRY_CONFLICT", lambda: consume(ledger, "acme", "u-1", "e-1"))


def test_enquiry_ids_are_per_org(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.set_plan("umbrella", "Lite")
    consume(ledger, "acme", "u-1", "e-1")
    assert consume(ledger, "umbrella", "u-2", "e-1").replayed is False
    assert ledger.status("umbrella").used == 1


def test_a_repeat_from_another_ledger_instance_answers_the_same(
    make_shared: LedgerFactory, clock: FakeClock, ledger: CreditLedger
) -> None:
    other = make_shared(clock)
    ledger.set_plan("acme", "Lite")
    first = consume(ledger, "acme", "u-1", "e-1")
    clock.advance(seconds=1)
    assert body(consume(other, "acme", "u-1", "e-1")) == body(first)
    refused(other, "acme", "ENQUIRY_CONFLICT", lambda: consume(other, "acme", "u-2", "e-1"))
    assert other.status("acme").used == 1


def test_ids_with_colons_get_receipts_of_their_own(ledger: CreditLedger) -> None:
    # "a" + "b:c" and "a:b" + "c" once shared a receipt key: the second was
    # answered with the first's receipt and charged nothing.
    for org in ("a", "a:b"):
        ledger.set_plan(org, "Lite")
    consume(ledger, "a", "u-1", "b:c")
    other = consume(ledger, "a:b", "u-2", "c")
    assert (other.org_id, other.enquiry_id, other.replayed) == ("a:b", "c", False)
    assert consume(ledger, "a:b", "u-2", "c").replayed
    ledger.top_up("a", 5, top_up_id="b:t")
    granted = ledger.top_up("a:b", 7, top_up_id="t")
    assert (granted.org_id, granted.credits, granted.replayed) == ("a:b", 7, False)
    assert [(s.used, s.top_up_credits) for s in map(ledger.status, ("a", "a:b"))] == [
        (1, 5),
        (1, 7),
    ]


def test_a_receipt_kept_under_its_older_key_still_answers_repeats(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    for org in ("a", "a:b"):
        ledger.set_plan(org, "Lite")
    with monkeypatch.context() as earlier:  # kept as earlier versions kept them
        earlier.setattr(receipts, "_key", receipts._older_key)
        first = consume(ledger, "a", "u-1", "b:c")
        ledger.top_up("a", 5, top_up_id="b:t")
    again = consume(ledger, "a", "u-1", "b:c")
    assert again.replayed
    assert body(again) == body(first)
    refused(ledger, "a", "ENQUIRY_CONFLICT", lambda: consume(ledger, "a", "u-2", "b:c"))
    assert ledger.top_up("a", 5, top_up_id="b:t").replayed
    # Other ids whose older key is that one are charged and granted as new.
    assert not consume(ledger, "a:b", "u-2", "c").replayed
    assert not ledger.top_up("a:b", 7, top_up_id="t").replayed
    assert [(s.used, s.top_up_credits) for s in map(ledger.status, ("a", "a:b"))] == [
        (1, 5),
        (1, 7),
    ]
