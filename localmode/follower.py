"""Reads the embedded store's notification log a page at a time, as org events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ledger import CreditLedger
from ledger.domain.org import ORG_TOPIC

Row = Sequence[Any]  # notification id, originator id, version, topic, state


def org_event_pages(
    ledger: CreditLedger, after: int, page: int = 500
) -> Iterator[tuple[int, int, dict[uuid.UUID, list[Any]]]]:
    """Yields (last notification id, notifications read, org events by org) per page.

    Other aggregates' events (receipts) are skipped without being decoded.
    """
    recorder: Any = ledger.recorder
    sqlite = isinstance(recorder, SQLiteApplicationRecorder)
    read, convert = (_sqlite_rows, recorder.convert_originator_id) if sqlite else (_rows, _same)
    ids: dict[Any, Any] = {}  # one id object per org, not one per event
    while True:
        rows = read(ledger, after, page)
        if not rows:
            return
        by_org: dict[uuid.UUID, list[Any]] = {}
        for _, originator_id, version, topic, state in rows:
            if topic.startswith(ORG_TOPIC):
                org_key = ids.get(originator_id)
                if org_key is None:
                    org_key = ids[originator_id] = convert(originator_id)
                stored = StoredEvent(org_key, version, topic, state)
                by_org.setdefault(org_key, []).append(ledger.mapper.to_domain_event(stored))
        after = rows[-1][0]
        yield after, len(rows), by_org
        if len(rows) < page:
            return


def _sqlite_rows(ledger: CreditLedger, after: int, page: int) -> list[Row]:
    """The page as raw rows: the library's reader builds an object and a UUID per
    row, receipts included, which cost a replay a third of its time."""
    recorder: Any = ledger.recorder
    statement = (
        "SELECT rowid, originator_id, originator_version, topic, state "
        f"FROM {recorder.events_table_name} WHERE rowid>? ORDER BY rowid LIMIT ?"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, (after, page))
        rows: list[Row] = cursor.fetchall()
        return rows


def _rows(ledger: CreditLedger, after: int, page: int) -> list[Row]:
    found = ledger.recorder.select_notifications(start=after, limit=page, inclusive_of_start=False)
    return [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in found]


def _same(originator_id: Any) -> Any:
    return originator_id


def last_notification_id(ledger: CreditLedger) -> int:
    return ledger.recorder.max_notification_id() or 0
