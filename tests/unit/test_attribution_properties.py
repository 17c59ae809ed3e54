"""Attribution over any sequence of commands: plan changes mid-month, top-ups,
reports and month ends, on an in-memory ledger with the catalogue's small twin
(the same rules; limits reached in a few steps)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import CreditLedger, LedgerError
from ledger.domain.org import Org
from ledger.domain.plans import CATALOGUE
from ledger.domain.standing import TOP_UP
from tests.conftest import FakeClock
from tests.unit.model import SMALL, next_month
from tests.unit.support import check_attribution, use, utc

commands = st.lists(
    st.one_of(
        st.tuples(st.just("plan"), st.sampled_from(["Enterprise", "Basic", "Lite", "Trial"])),
        st.tuples(st.just("top_up"), st.integers(1, 4)),
        st.tuples(st.just("consume"), st.integers(1, 8)),
        st.tuples(st.just("wait"), st.sampled_from(["day", "month end"])),
    ),
    max_size=25,
)


def run(ledger: CreditLedger, clock: FakeClock, command: tuple[str, Any]) -> None:
    name, value = command
    try:
        if name == "plan":
            ledger.set_plan("acme", value)
        elif name == "top_up":
            ledger.top_up("acme", value)
        elif name == "consume":
            for _ in range(value):
                use(ledger, "acme", 1)
        elif value == "day":
            clock.advance(days=1)
        else:
            clock.set(next_month(clock()))
    except LedgerError:
        pass  # refusals change nothing; the attribution is checked on what was recorded


@settings(max_examples=100, deadline=None)
@given(commands)
def test_each_kind_pays_only_what_it_has(sequence: list[tuple[str, Any]]) -> None:
    clock = FakeClock(utc(2026, 11, 5, 12))
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    catalogue = dict(CATALOGUE)
    try:
        for name, credits in SMALL.items():
            CATALOGUE[name] = replace(CATALOGUE[name], credits=credits)
        ledger.set_plan("acme", "Lite")
        for command in sequence:
            run(ledger, clock, command)
        events = list(ledger.org_events("acme"))
        check_attribution(events)
        # The org's counts are the recorded ones, and the balance is their sum.
        org: Any = None
        for event in events:
            org = event.mutate(org)
        assert isinstance(org, Org)
        standing = org.standing(clock())
        consumed = [
            e for e in events if isinstance(e, Org.CreditConsumed) and e.period == standing.period
        ]
        assert standing.used == len(consumed) == ledger.status("acme").used
        assert standing.top_up_used == sum(e.paid_by == TOP_UP for e in consumed)
    finally:
        CATALOGUE.update(catalogue)
        ledger.close()
