"""History: every change is an event; any past status can be rebuilt from them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from ledger import CreditLedger, LedgerError, OrgStatus
from tests.conftest import FakeClock, LedgerFactory
from tests.unit.support import consume, history_length, use, utc


def drive(ledger: CreditLedger, clock: FakeClock) -> list[tuple[datetime, OrgStatus]]:
    """A life across trial, month and plan boundaries; the live status after each step."""
    begin = utc(2026, 11, 20, 8, 0, 0)
    steps: list[tuple[datetime, Callable[[], object]]] = [
        (begin, lambda: ledger.set_user_limit("acme", 4)),
        (begin + timedelta(hours=1), lambda: ledger.set_plan("acme", "Trial")),
        (begin + timedelta(hours=2), lambda: use(ledger, "acme", 3, "u-1")),
        (begin + timedelta(hours=3), lambda: ledger.top_up("acme", 2, top_up_id="t-1")),
        (utc(2026, 11, 30, 23, 59, 59), lambda: use(ledger, "acme", 1, "u-2")),
        (utc(2026, 12, 1, 0, 0, 0), lambda: None),
        (begin + timedelta(days=14, seconds=-1), lambda: None),
        (begin + timedelta(days=14), lambda: None),
        (begin + timedelta(days=15), lambda: ledger.set_plan("acme", "Basic")),
        (begin + timedelta(days=16), lambda: use(ledger, "acme", 4, "u-1")),
        (begin + timedelta(days=17), lambda: ledger.top_up("acme", 10)),
        (utc(2026, 12, 31, 23, 59, 59), lambda: ledger.set_plan("acme", "Lite")),
        (utc(2027, 1, 1, 0, 0, 0), lambda: ledger.set_user_limit("acme", None)),
        (utc(2027, 1, 2), lambda: use(ledger, "acme", 20, "u-3")),
        (utc(2027, 1, 15), lambda: None),
        (utc(2027, 2, 1), lambda: None),
    ]
    seen: list[tuple[datetime, OrgStatus]] = []
    for moment, command in steps:
        clock.set(moment)
        command()
        seen.append((moment, ledger.status("acme")))
    return seen


def test_a_past_status_equals_the_live_status_at_that_moment(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    seen = drive(ledger, clock)
    assert len({status for _, status in seen}) > 5  # the life did change
    for moment, live in seen:
        assert ledger.status("acme", at=moment) == live, moment


def test_another_instance_sees_the_same_past(
    make_shared: LedgerFactory, clock: FakeClock, ledger: CreditLedger
) -> None:
    seen = drive(ledger, clock)
    other = make_shared(clock)
    assert other.status("acme") == ledger.status("acme")
    for moment, live in seen:
        assert other.status("acme", at=moment) == live


def test_the_state_at_a_moment_includes_what_was_recorded_at_it(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Basic")
    moment = clock.advance(seconds=10)
    consume(ledger, "acme", "u-1", "e-1")
    assert ledger.status("acme", at=moment).used == 1
    assert ledger.status("acme", at=moment - timedelta(microseconds=1)).used == 0
    # The same moment in another time zone is the same moment.
    paris = moment.astimezone(timezone(timedelta(hours=1)))
    assert ledger.status("acme", at=paris) == ledger.status("acme", at=moment)


def test_there_is_no_status_before_the_first_event(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Basic")
    with pytest.raises(LedgerError) as caught:
        ledger.status("acme", at=clock() - timedelta(seconds=1))
    assert caught.value.code == "NOT_FOUND"
    with pytest.raises(LedgerError) as caught:
        ledger.status("never-seen")
    assert caught.value.code == "NOT_FOUND"


def test_the_history_records_each_change_with_its_data(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.set_user_limit("acme", 5)
    clock.advance(seconds=1)
    consume(ledger, "acme", "u-1", "e-1")
    ledger.top_up("acme", 3, top_up_id="t-1")
    events = ledger.history("acme").events
    assert [e.version for e in events] == list(range(1, len(events) + 1))
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    by_type = {e.type: e.data for e in events}
    assert by_type["PlanSet"]["plan"] == "Basic"
    assert by_type["UserLimitSet"]["limit"] == 5
    consumed = by_type["CreditConsumed"]
    assert (consumed["enquiry_id"], consumed["user_id"], consumed["paid_by"]) == (
        "e-1",
        "u-1",
        "plan",
    )
    granted = by_type["TopUpGranted"]
    assert (granted["top_up_id"], granted["credits"], granted["expires_at"]) == (
        "t-1",
        3,
        utc(2026, 12, 1),
    )


@pytest.fixture
def long_history(ledger: CreditLedger) -> CreditLedger:
    ledger.set_plan("acme", "Ultimate")
    use(ledger, "acme", 24)
    assert history_length(ledger, "acme") == 26  # opened, plan, 24 reports
    return ledger


def test_history_pages_oldest_first(long_history: CreditLedger) -> None:
    pages, after = [], 0
    while True:
        page = long_history.history("acme", after=after, limit=10)
        pages.append([e.version for e in page.events])
        if page.next_after is None:
            break
        after = page.next_after
    assert pages == [list(range(1, 11)), list(range(11, 21)), list(range(21, 27))]


def test_a_full_last_page_has_no_next(long_history: CreditLedger) -> None:
    page = long_history.history("acme", after=13, limit=13)
    assert ([e.version for e in page.events], page.next_after) == (list(range(14, 27)), None)
    page = long_history.history("acme", after=12, limit=13)
    assert (page.events[-1].version, page.next_after) == (25, 25)


def test_history_defaults_and_edges(long_history: CreditLedger) -> None:
    whole = long_history.history("acme")
    assert (len(whole.events), whole.next_after) == (26, None)
    assert long_history.history("acme", limit=1000) == whole
    assert long_history.history("acme", after=26).events == []
    assert long_history.history("acme", after=500).next_after is None
    for after in (0, 3):
        with pytest.raises(LedgerError) as caught:
            long_history.history("never-seen", after=after)
        assert caught.value.code == "NOT_FOUND"


def test_a_long_history_rebuilds_to_the_live_state(
    make_ledger: LedgerFactory, store: str, clock: FakeClock, ledger: CreditLedger
) -> None:
    """Past the snapshot interval, live, rebuilt and fresh views still agree."""
    ledger.set_plan("acme", "Ultimate")
    ledger.set_user_limit("acme", 400)
    for user in ("u-1", "u-2", "u-3"):
        use(ledger, "acme", 35, user)
        clock.advance(hours=1)
    ledger.top_up("acme", 7)
    assert history_length(ledger, "acme") > 100
    live = ledger.status("acme")
    assert (live.used, live.remaining) == (105, 902)
    assert ledger.status("acme", at=clock()) == live
    if store != "memory":
        assert make_ledger(clock).status("acme") == live
