"""Every org stream in an event store, for audits that cover all orgs.

Found from the events themselves (any org event, not only an org's first),
so an org whose first event was deleted is still listed and reported.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ledger.audit import digest_of, org_name
from ledger.domain.org import ORG_TOPIC, org_uuid

_PAGE = 1000
# DynamoDB: a run of the daily digest function has 15 minutes. Parallel scan
# segments and concurrent digest reads make it that many times faster.
SEGMENTS = 8
READERS = 16


def org_keys(recorder: Any) -> list[uuid.UUID]:
    """The UUIDs of every org stream, each once."""
    if _sqlite_recorder(recorder):
        found: Iterator[Any] = _sqlite(recorder)
    elif _dynamodb_recorder(recorder):
        found = _dynamodb(recorder.client, recorder.table_name)
    else:
        found = _notifications(recorder)
    return list(dict.fromkeys(uuid.UUID(str(key)) for key in found))


def _sqlite_recorder(recorder: Any) -> bool:
    # Imported here: the digest function (DynamoDB) need not load sqlite at a cold start.
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    return isinstance(recorder, SQLiteAggregateRecorder)


def _dynamodb_recorder(recorder: Any) -> bool:
    return hasattr(recorder, "client") and hasattr(recorder, "table_name")


def _sqlite(recorder: Any) -> Iterator[Any]:
    # Topics of an org's events sort between "…:Org." and "…:Org/" ("/" follows ".").
    statement = (
        f"SELECT DISTINCT originator_id FROM {recorder.events_table_name} "
        "WHERE topic >= ? AND topic < ?"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, (ORG_TOPIC, ORG_TOPIC[:-1] + "/"))
        rows = cursor.fetchall()
    return (recorder.convert_originator_id(row[0]) for row in rows)


def _dynamodb(client: Any, table: str) -> Iterator[str]:
    """One scan of the table for the partition keys of org events (snapshots
    skipped), in parallel segments: a stream's items all fall in one segment."""
    with ThreadPoolExecutor(SEGMENTS) as pool:
        for keys in pool.map(lambda n: _segment(client, table, n), range(SEGMENTS)):
            yield from keys


def _segment(client: Any, table: str, segment: int) -> list[str]:
    """The distinct streams with org events in one segment of a parallel scan."""
    scan: dict[str, Any] = {
        "TableName": table,
        "ProjectionExpression": "stream_id",
        "FilterExpression": "begins_with(topic, :org) AND attribute_not_exists(kind)",
        "ExpressionAttributeValues": {":org": {"S": ORG_TOPIC}},
        "Segment": segment,
        "TotalSegments": SEGMENTS,
    }
    found: dict[str, None] = {}  # one per stream, not one per event
    while True:
        page = client.scan(**scan)
        found.update((item["stream_id"]["S"], None) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return list(found)
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _notifications(recorder: Any) -> Iterator[Any]:
    after = 0
    while True:
        found = recorder.select_notifications(start=after, limit=_PAGE, inclusive_of_start=False)
        yield from (n.originator_id for n in found if n.topic.startswith(ORG_TOPIC))
        if len(found) < _PAGE:
            return
        after = found[-1].id


def org_histories(ledger: Any, org_ids: Sequence[str] = ()) -> list[tuple[str, list[Any]]]:
    """Each named org (or every org) with its events, oldest first, by org id."""
    keys = [org_uuid(org_id) for org_id in org_ids] if org_ids else org_keys(ledger.recorder)
    found = []
    for key in keys:
        events = list(ledger.events.get(key))
        found.append((org_name(events, key), events))
    return sorted(found, key=lambda pair: pair[0])


def digest_lines(
    ledger: Any, org_ids: Sequence[str] = ()
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every org's digest (or the named orgs'), by org id, and the named orgs that
    have no history."""
    keys = [org_uuid(org_id) for org_id in org_ids] if org_ids else org_keys(ledger.recorder)
    if _dynamodb_recorder(ledger.recorder):  # two reads an org: run many at once
        with ThreadPoolExecutor(READERS) as pool:
            digests = list(pool.map(lambda key: digest_of(ledger.events, key), keys))
    else:
        digests = [digest_of(ledger.events, key) for key in keys]
    found = list(zip(keys, digests, strict=True))
    missing = [
        org_id for org_id, (_, digest) in zip(org_ids, found, strict=False) if digest is None
    ]
    lines = sorted((d.line() for _, d in found if d is not None), key=lambda line: line["org_id"])
    return lines, missing
