"""The snapshot recorder: snapshots in their aggregate's partition, found with its events.

A snapshot of version N is the item at N + 0.5 in the aggregate's partition
(items.snapshot_item). The library's cold load asks for the latest snapshot
(desc, limit 1) and then for the events after it; here the first read is one
descending query of the partition that stops at the first snapshot item, and
the events it passed over are handed to the event recorder's next read
(prefetch.py), so a cold load costs one request instead of two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from botocore.exceptions import BotoCoreError, ClientError
from eventsourcing.persistence import StoredEvent

from adapters.dynamodb.errors import translate
from adapters.dynamodb.items import Item, from_item, is_snapshot, snapshot_item
from adapters.dynamodb.prefetch import read_key
from adapters.dynamodb.recorders import DynamoDBAggregateRecorder

# Items per page of the latest-snapshot query. With a snapshot every 100
# versions the latest one is among the newest 101 items (up to 100 events,
# then the snapshot), so one page finds it; otherwise the query pages on.
LATEST_PAGE_ITEMS = 101


class DynamoDBSnapshotRecorder(DynamoDBAggregateRecorder):
    """Snapshots only: reads filter on the snapshot marker."""

    FILTER = "attribute_exists(#k)"  # snapshots only

    def _to_item(self, event: StoredEvent) -> Item:
        return snapshot_item(event)

    def _page_limit(self, query: dict[str, Any], wanted: int) -> None:
        pass  # snapshots are sparse among events: let pages run to 1 MB

    def _upper(self, lte: int) -> str:
        return f"{lte}.5"  # the snapshot of version lte sits at lte + 0.5

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        if desc and limit == 1 and gt is None:
            return self._latest(originator_id, lte)
        return super().select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)

    def _latest(self, originator_id: UUID | str, lte: int | None) -> list[StoredEvent]:
        """The latest snapshot (at or before lte); holds the events after it for the next read."""
        self.prefetch.clear()
        query = self._query(originator_id, None, lte, desc=True)
        query["Limit"] = LATEST_PAGE_ITEMS
        newer: list[StoredEvent] = []  # events after the snapshot, newest first
        try:
            while True:
                page = self.client.query(**query)
                for item in page["Items"]:
                    if is_snapshot(item):
                        snapshot = from_item(item, originator_id)
                        self._hold(originator_id, snapshot.originator_version, lte, newer)
                        return [snapshot]
                    newer.append(from_item(item, originator_id))
                more = page.get("LastEvaluatedKey")
                if not more:  # no snapshot: the whole stream was read
                    self._hold(originator_id, None, lte, newer)
                    return []
                query["ExclusiveStartKey"] = more
        except (ClientError, BotoCoreError) as error:
            raise translate(error) from error

    def _hold(
        self, originator_id: UUID | str, gt: int | None, lte: int | None, newer: list[StoredEvent]
    ) -> None:
        self.prefetch.put(read_key(originator_id, gt, lte), newer[::-1])
