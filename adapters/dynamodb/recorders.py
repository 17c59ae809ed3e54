"""The aggregate recorder: the events of each aggregate in its own partition."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from botocore.exceptions import BotoCoreError, ClientError
from eventsourcing.persistence import (
    AggregateRecorder,
    IntegrityError,
    NotSupportedError,
    ProgrammingError,
    StoredEvent,
)

from adapters.dynamodb.errors import translate
from adapters.dynamodb.items import KIND, STREAM, VERSION, Item, from_item, stream_key, to_item
from adapters.dynamodb.prefetch import Prefetch, read_key

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit for one TransactWriteItems


class DynamoDBAggregateRecorder(AggregateRecorder):
    """Events of each aggregate in its own partition, ordered by version.

    The partition also holds the aggregate's snapshots (items with a `kind`,
    see items.py): every read here filters them out.
    """

    FILTER = "attribute_not_exists(#k)"  # events only

    def __init__(
        self, client: Any, table_name: str, prefix: str = "", prefetch: Prefetch | None = None
    ) -> None:
        self.client = client
        self.table_name = table_name
        self.prefix = prefix  # "" for events, "<purpose>#" for other purposes
        self.prefetch = prefetch or Prefetch()  # shared with the snapshot recorder

    # --- writing -------------------------------------------------------------

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if kwargs.get("tracking") is not None:
            raise NotSupportedError("tracking records are not stored in DynamoDB")
        self.prefetch.clear()
        self._check_unique(stored_events)
        items = [self._to_item(event) for event in stored_events]
        try:
            if len(items) == 1:
                self._put(items[0])
            elif items:
                self._transact(items)
        except (ClientError, BotoCoreError) as error:
            raise translate(error) from error
        return None

    @staticmethod
    def _check_unique(stored_events: Sequence[StoredEvent]) -> None:
        keys = {(str(e.originator_id), e.originator_version) for e in stored_events}
        if len(keys) < len(stored_events):
            raise IntegrityError("the same version appears twice in one save")
        if len(stored_events) > MAX_TRANSACTION_ITEMS:
            raise ProgrammingError(
                f"one save of {len(stored_events)} items cannot be atomic in DynamoDB "
                f"(at most {MAX_TRANSACTION_ITEMS})"
            )

    def _to_item(self, event: StoredEvent) -> Item:
        return to_item(event, self.prefix)

    def _condition(self) -> dict[str, Any]:
        return {
            "ConditionExpression": "attribute_not_exists(#s)",
            "ExpressionAttributeNames": {"#s": STREAM},
        }

    def _put(self, item: dict[str, Any]) -> None:
        self.client.put_item(TableName=self.table_name, Item=item, **self._condition())

    def _transact(self, items: list[dict[str, Any]]) -> None:
        puts = [
            {"Put": {"TableName": self.table_name, "Item": i, **self._condition()}} for i in items
        ]
        # The token makes botocore's own retries of this call idempotent.
        self.client.transact_write_items(TransactItems=puts, ClientRequestToken=str(uuid.uuid4()))

    # --- reading -------------------------------------------------------------

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        plain = not desc and limit is None
        ready = self.prefetch.take(read_key(originator_id, gt, lte) if plain else None)
        if ready is not None:
            return ready  # read by the snapshot query just before (prefetch.py)
        if (gt is not None and lte is not None and gt >= lte) or limit == 0:
            return []  # an empty range: DynamoDB would refuse BETWEEN with low > high
        query = self._query(originator_id, gt, lte, desc)
        query["FilterExpression"] = self.FILTER
        query["ExpressionAttributeNames"]["#k"] = KIND
        found: list[StoredEvent] = []
        try:
            while True:
                if limit is not None:
                    self._page_limit(query, limit - len(found))
                page = self.client.query(**query)
                found.extend(from_item(item, originator_id) for item in page["Items"])
                more = page.get("LastEvaluatedKey")
                if not more or (limit is not None and len(found) >= limit):
                    return found[:limit]
                query["ExclusiveStartKey"] = more  # pages end at 1 MB, or at Limit
        except (ClientError, BotoCoreError) as error:
            raise translate(error) from error

    def _page_limit(self, query: dict[str, Any], wanted: int) -> None:
        # Limit counts items before the filter; at most one snapshot sits between
        # two events, so twice as many items hold the wanted events.
        query["Limit"] = 2 * wanted

    def _upper(self, lte: int) -> str:
        return str(lte)

    def _query(
        self,
        originator_id: UUID | str,
        gt: int | None,
        lte: int | None,
        desc: bool,
    ) -> dict[str, Any]:
        names = {"#s": STREAM}
        values: dict[str, Any] = {":s": {"S": stream_key(originator_id, self.prefix)}}
        condition = "#s = :s"
        if gt is not None or lte is not None:
            names["#v"] = VERSION
            low = None if gt is None else gt + 1  # versions are whole numbers
            if low is not None and lte is not None:
                condition += " AND #v BETWEEN :lo AND :hi"
            else:
                condition += " AND #v >= :lo" if low is not None else " AND #v <= :hi"
            if low is not None:
                values[":lo"] = {"N": str(low)}
            if lte is not None:
                values[":hi"] = {"N": self._upper(lte)}
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not desc,
            "ConsistentRead": True,  # read your own writes, and everyone else's
        }
        return query
