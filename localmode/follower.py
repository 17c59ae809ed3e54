"""Reads the embedded store's notification log a page at a time, as org events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from eventsourcing.utils import get_topic

from ledger import CreditLedger
from ledger.domain.org import Org

_ORG_TOPIC = get_topic(Org) + "."


def org_event_pages(
    ledger: CreditLedger, after: int, page: int = 500
) -> Iterator[tuple[int, int, dict[uuid.UUID, list[Any]]]]:
    """Yields (last notification id, notifications read, org events by org) per page.

    Other aggregates' events (receipts) are skipped without being decoded.
    """
    while True:
        found = ledger.recorder.select_notifications(
            start=after, limit=page, inclusive_of_start=False
        )
        if not found:
            return
        by_org: dict[uuid.UUID, list[Any]] = {}
        for notification in found:
            if notification.topic.startswith(_ORG_TOPIC):
                event = ledger.mapper.to_domain_event(notification)
                by_org.setdefault(event.originator_id, []).append(event)
        after = found[-1].id
        yield after, len(found), by_org
        if len(found) < page:
            return


def last_notification_id(ledger: CreditLedger) -> int:
    return ledger.recorder.max_notification_id() or 0
