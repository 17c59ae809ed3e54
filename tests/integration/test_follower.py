"""The follower pages through the notification log as the library reads it, on the
embedded store's direct reader and on any other store's."""

from __future__ import annotations

import pytest

from ledger import CreditLedger
from ledger.domain.org import org_uuid
from localmode.follower import last_notification_id, org_event_pages
from tests.conftest import FakeClock


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_pages_hold_every_notification_and_each_orgs_events_in_order(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    for org in ("acme", "globex"):
        ledger.set_plan(org, "Basic")
    for n in range(4):
        clock.advance(hours=1)
        ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
        ledger.consume_credit("globex", user_id="v", enquiry_id=f"e-{n}")
    ledger.top_up("acme", 5)
    notifications = ledger.recorder.select_notifications(start=1, limit=100)

    pages = list(org_event_pages(ledger, 0, page=3))

    assert [last for last, _, _ in pages] == [n.id for n in notifications][2::3] + (
        [notifications[-1].id] if len(notifications) % 3 else []
    )
    assert sum(count for _, count, _ in pages) == len(notifications)
    assert pages[-1][0] == last_notification_id(ledger)
    for org in ("acme", "globex"):
        key = org_uuid(org)
        read = [event for _, _, by_org in pages for event in by_org.get(key, [])]
        assert read == list(ledger.events.get(key))


@pytest.mark.parametrize("store", ["sqlite"])
def test_pages_start_after_a_position(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.consume_credit("acme", user_id="u", enquiry_id="e")
    first, *rest = ledger.recorder.select_notifications(start=1, limit=100)

    pages = list(org_event_pages(ledger, first.id))

    assert [(last, count) for last, count, _ in pages] == [(rest[-1].id, len(rest))]
    [events] = pages[0][2].values()
    assert events == list(ledger.events.get(org_uuid("acme"), gt=1))
