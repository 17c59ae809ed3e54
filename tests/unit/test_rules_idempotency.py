"""An enquiry is charged at most once per org, ever; a repeat answers as the first time."""

from __future__ import annotations

from ledger import CreditLedger
from tests.conftest import FakeClock, LedgerFactory
from tests.unit.support import consume, history_length, refused, use, utc


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
    assert again.model_dump() == first.model_dump()
    assert (again.remaining, again.user_remaining, again.replayed) == (99, 9, True)
    assert history_length(ledger, "acme") == length
    assert ledger.status("acme").used == 6


def test_a_repeat_succeeds_when_the_org_is_now_at_its_limit(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    first = consume(ledger, "acme", "u-1", "e-1")
    use(ledger, "acme", 19)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    assert consume(ledger, "acme", "u-1", "e-1").model_dump() == first.model_dump()
    assert ledger.status("acme").used == 20


def test_a_repeat_succeeds_when_the_user_is_now_blocked(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    first = consume(ledger, "acme", "u-1", "e-1")
    ledger.set_user_limit("acme", 0)
    assert consume(ledger, "acme", "u-1", "e-1").model_dump() == first.model_dump()


def test_a_repeat_succeeds_whatever_happened_since(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Trial")
    first = consume(ledger, "acme", "u-1", "e-1")
    clock.advance(days=20)  # the trial is over
    refused(ledger, "acme", "TRIAL_EXPIRED", lambda: use(ledger, "acme", 1))
    assert consume(ledger, "acme", "u-1", "e-1").model_dump() == first.model_dump()
    ledger.set_plan("acme", "Basic")
    clock.set(utc(2027, 3, 1))  # months later, on a paid plan
    assert consume(ledger, "acme", "u-1", "e-1").model_dump() == first.model_dump()
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
    assert consume(other, "acme", "u-1", "e-1").model_dump() == first.model_dump()
    refused(other, "acme", "ENQUIRY_CONFLICT", lambda: consume(other, "acme", "u-2", "e-1"))
    assert other.status("acme").used == 1
