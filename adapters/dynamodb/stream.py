"""Reads the events table's DynamoDB Stream from a process (not from Lambda).

`ledger serve` on DynamoDB follows the stream as the projector's event source
mapping does: every shard, oldest record first, from a saved position. Shards
close and split every few hours; a closed shard read to its end is done.
Records are kept 24 hours: a position older than that is gone (`Trimmed`), and
the caller must catch up from the table itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from adapters.dynamodb.items import KIND, STREAM, TOPIC, VERSION
from ledger.domain.org import ORG_TOPIC

PAGE = 1000  # GetRecords' largest page


class StreamUnavailable(Exception):
    """The table is missing, has no stream, or DynamoDB cannot be reached (one line)."""


class Trimmed(Exception):
    """A saved position is older than the stream keeps (24 hours)."""


@dataclass
class Shard:
    shard_id: str
    after: str | None = None  # the last sequence number handled
    closed: bool = False  # read to its end
    iterator: str | None = field(default=None, repr=False)


def stream_arn(client: Any, table: str) -> str:
    """The table's stream; StreamUnavailable (one line) if there is none to read."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        description = client.describe_table(TableName=table)["Table"]
    except client.exceptions.ResourceNotFoundException:
        raise StreamUnavailable(f"the events table {table!r} does not exist") from None
    except (ClientError, BotoCoreError) as error:
        raise StreamUnavailable(f"cannot read the events table {table!r}: {error}") from None
    arn = description.get("LatestStreamArn")
    enabled = description.get("StreamSpecification", {}).get("StreamEnabled")
    if not arn or not enabled:
        raise StreamUnavailable(f"the events table {table!r} has no stream to follow")
    return str(arn)


def shard_ids(streams: Any, arn: str) -> list[str]:
    """Every shard the stream lists, parents before children."""
    found: list[str] = []
    start: dict[str, str] = {}
    while True:
        description = streams.describe_stream(StreamArn=arn, **start)["StreamDescription"]
        found += [shard["ShardId"] for shard in description.get("Shards", [])]
        last = description.get("LastEvaluatedShardId")
        if not last:
            return found
        start = {"ExclusiveStartShardId": last}


def read_shard(streams: Any, arn: str, shard: Shard) -> list[dict[str, Any]]:
    """The next page of the shard's records after shard.after (advances the iterator).

    Raises Trimmed when shard.after has been dropped from the stream."""
    if shard.iterator is None:
        shard.iterator = _iterator(streams, arn, shard)
    try:
        page = streams.get_records(ShardIterator=shard.iterator, Limit=PAGE)
    except streams.exceptions.ExpiredIteratorException:  # iterators last 15 minutes
        shard.iterator = _iterator(streams, arn, shard)
        page = streams.get_records(ShardIterator=shard.iterator, Limit=PAGE)
    except streams.exceptions.TrimmedDataAccessException:
        raise Trimmed(shard.shard_id) from None
    shard.iterator = page.get("NextShardIterator")
    if shard.iterator is None:
        shard.closed = True
    records: list[dict[str, Any]] = page.get("Records", [])
    return records


def _iterator(streams: Any, arn: str, shard: Shard) -> str:
    where: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
    if shard.after is not None:
        where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.after}
    try:
        answer = streams.get_shard_iterator(StreamArn=arn, ShardId=shard.shard_id, **where)
    except streams.exceptions.TrimmedDataAccessException:
        raise Trimmed(shard.shard_id) from None
    return str(answer["ShardIterator"])


def org_doorbell(record: dict[str, Any]) -> tuple[uuid.UUID, int] | None:
    """(org id, version) for the record of a new org event; None for anything else.

    Only the keys and the topic are read (items.py lays them out): the projector
    fetches the events themselves from the event store, so a record's payload is
    never trusted or decoded. The same JSON comes from Lambda and GetRecords."""
    if record.get("eventName") in (None, "REMOVE"):
        return None
    raw = record.get("dynamodb") or {}
    keys, image = raw.get("Keys") or {}, raw.get("NewImage") or {}
    if KIND in image:
        return None  # a snapshot, kept in its org's partition at version N.5
    try:
        # Other non-event items (not a UUID, not a whole version) fail here.
        originator = uuid.UUID(keys[STREAM]["S"])
        version = int(keys[VERSION]["N"])
    except (KeyError, ValueError, TypeError):
        return None
    topic = (image.get(TOPIC) or {}).get("S")
    if version < 1 or (topic is not None and not topic.startswith(ORG_TOPIC)):
        return None  # receipts have their own streams and no balance
    return originator, version


def org_keys(client: Any, table: str) -> Iterator[uuid.UUID]:
    """Every org in the events table: one Scan for the orgs' first events.

    For catching up when the stream cannot say what changed (a first start,
    or a position older than the stream keeps); it reads the whole table."""
    kwargs: dict[str, Any] = {
        "TableName": table,
        "ProjectionExpression": "#s",
        "FilterExpression": "#v = :one AND begins_with(#t, :org)",
        "ExpressionAttributeNames": {"#s": STREAM, "#v": VERSION, "#t": TOPIC},
        "ExpressionAttributeValues": {":one": {"N": "1"}, ":org": {"S": ORG_TOPIC}},
    }
    while True:
        page = client.scan(**kwargs)
        for item in page.get("Items", []):
            yield uuid.UUID(item[STREAM]["S"])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
