"""Replays what the projector's stream source gave up on (its failure queue).

Each message in the queue names a stretch of one shard (Lambda's
`DDBStreamBatchInfo`), not the records. The stretch is read back from the
stream, each org event record rings the projector's doorbell (catch up, then
publish what is pending), and only then is the message deleted. A stretch the
stream no longer holds (over 24 hours old) is made up by catching up every
org in the events table. Run by an operator: `ledger replay-failures`
(docs/deploy.md).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from adapters.dynamodb.stream import org_doorbell
from projections.projector import Projector

BATCH_INFO = "DDBStreamBatchInfo"
EMPTY_PAGES = 3


@dataclass
class ReplayReport:
    messages: int = 0
    records: int = 0
    orgs: set[uuid.UUID] = field(default_factory=set)
    caught_up_everything: bool = False


def replay_failures(
    sqs: Any,
    queue_url: str,
    streams: Any,
    projector: Projector,
    every_org: Callable[[], Iterable[uuid.UUID]],
) -> ReplayReport:
    """Empties the failure queue; a message is deleted only once its orgs are projected."""
    report = ReplayReport()
    while True:
        answer = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=300
        )
        messages = answer.get("Messages", [])
        if not messages:
            return report
        for message in messages:
            info = json.loads(message["Body"])[BATCH_INFO]
            records = _records(streams, info)
            if records is None and not report.caught_up_everything:
                catch_up(projector, every_org(), report)  # trimmed from the stream
            elif records is not None:
                for org_key in _orgs(records):
                    projector.handle(org_key)
                    report.orgs.add(org_key)
                report.records += len(records)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            report.messages += 1


def catch_up(projector: Projector, orgs: Iterable[uuid.UUID], report: ReplayReport) -> None:
    """Every org brought up to date and its pending alerts published (after records
    were lost, or after the events table was brought back into a new stack)."""
    for org_key in orgs:
        projector.handle(org_key)
        report.orgs.add(org_key)
    report.caught_up_everything = True


def _orgs(records: list[dict[str, Any]]) -> list[uuid.UUID]:
    bells = (org_doorbell(record) for record in records)
    return list(dict.fromkeys(bell[0] for bell in bells if bell is not None))


def _records(streams: Any, info: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The records from start to end sequence number; None if the stream lost them."""
    start, end = info["startSequenceNumber"], int(info["endSequenceNumber"])
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=info["streamArn"],
            ShardId=info["shardId"],
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=start,
        )["ShardIterator"]
        found: list[dict[str, Any]] = []
        empty = 0  # a page may come back empty before the end of the shard's records
        while iterator and empty < EMPTY_PAGES:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in page.get("Records", []):
                if int(record["dynamodb"]["SequenceNumber"]) > end:
                    return found
                found.append(record)
            empty = 0 if page.get("Records") else empty + 1
            iterator = page.get("NextShardIterator")
        return found
    except (
        streams.exceptions.TrimmedDataAccessException,
        streams.exceptions.ResourceNotFoundException,
    ):
        return None
