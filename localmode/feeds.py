"""What tells the local projection worker which orgs changed.

- `LogFeed`: the embedded store's notification log, a page of events at a time
  (the position is kept in the projection store).
- `StreamFeed`: the DynamoDB events table's stream, as doorbells (org, version);
  the projector reads the events from the store, as the Lambda projector does.
  Positions (sequence numbers, wider than SQLite's integers) are kept in a JSON
  file beside the projection. Where the stream cannot say what changed (a first
  start, or a position older than the 24 hours it keeps), every org in the
  table is caught up first, so nothing is missed.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ledger import CreditLedger
from localmode.errors import CommandError
from localmode.follower import org_event_pages
from projections.store import ProjectionStore

POSITION = "local-projector"
STREAM_POSITIONS_FILE = "stream-positions.json"
DESCRIBE_EVERY = 30.0  # seconds between looks for new shards


@dataclass
class Batch:
    """Orgs to bring up to date, then `commit` to move the feed's position past them."""

    events: dict[uuid.UUID, list[Any]] = field(default_factory=dict)  # decoded, in order
    seen: dict[uuid.UUID, int] = field(default_factory=dict)  # org -> a version it reached
    count: int = 0
    orgs: Iterable[uuid.UUID] = ()  # caught up from the store, whatever they hold
    commit: Callable[[], None] = lambda: None


class Feed(Protocol):
    poll_seconds: float

    def batches(self) -> Iterator[Batch]: ...


class LogFeed:
    poll_seconds = 0.1

    def __init__(self, ledger: CreditLedger, store: ProjectionStore) -> None:
        self.ledger, self.store = ledger, store

    def batches(self) -> Iterator[Batch]:
        for last_id, count, by_org in org_event_pages(self.ledger, self.store.position(POSITION)):
            yield Batch(events=by_org, count=count, commit=self._at(last_id))

    def _at(self, last_id: int) -> Callable[[], None]:
        return lambda: self.store.set_position(POSITION, last_id)


class StreamFeed:
    poll_seconds = 0.5  # DynamoDB Streams allows 5 reads a second per shard

    def __init__(self, client: Any, streams: Any, table: str, positions: Path) -> None:
        from adapters.dynamodb.stream import stream_arn

        self.client, self.streams, self.table, self.path = client, streams, table, positions
        self.arn = stream_arn(client, table)
        self.shards, saved_arn = _load(positions)
        # A table made again has a new stream: the old positions mean nothing there.
        self.start_over = saved_arn != self.arn
        self._described = 0.0

    def batches(self) -> Iterator[Batch]:
        from adapters.dynamodb.stream import Shard, Trimmed, org_doorbell, read_shard, shard_ids

        if time.monotonic() - self._described > DESCRIBE_EVERY:
            listed = shard_ids(self.streams, self.arn)
            for shard_id in listed:
                self.shards.setdefault(shard_id, Shard(shard_id))
            for gone in set(self.shards) - set(listed):  # trimmed away after 24 hours
                del self.shards[gone]
            self._described = time.monotonic()
        if self.start_over:
            for shard in self.shards.values():
                shard.after, shard.closed, shard.iterator = None, False, None
            yield Batch(orgs=self._org_keys(), commit=self._started_over)
        for shard in [s for s in self.shards.values() if not s.closed]:
            try:
                records = read_shard(self.streams, self.arn, shard)
            except Trimmed:
                self.start_over = True
                self._described = 0.0
                return
            seen: dict[uuid.UUID, int] = {}
            for record in records:
                bell = org_doorbell(record)
                if bell is not None:
                    seen[bell[0]] = max(bell[1], seen.get(bell[0], 0))
            last = records[-1]["dynamodb"]["SequenceNumber"] if records else None
            yield Batch(seen=seen, count=len(records), commit=self._at(shard, last))

    def _org_keys(self) -> Iterator[uuid.UUID]:
        from adapters.dynamodb.stream import org_keys

        return org_keys(self.client, self.table)  # read lazily, as the batch is projected

    def _started_over(self) -> None:
        self.start_over = False
        self._save()

    def _at(self, shard: Any, last: str | None) -> Callable[[], None]:
        def commit() -> None:
            if last is not None:
                shard.after = last
            self._save()

        return commit

    def _save(self) -> None:
        state = {
            "stream": self.arn,
            "shards": {
                s.shard_id: {"after": s.after, "closed": s.closed} for s in self.shards.values()
            },
        }
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(state))
        os.replace(scratch, self.path)


def _load(path: Path) -> tuple[dict[str, Any], str | None]:
    from adapters.dynamodb.stream import Shard

    try:
        state = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}, None
    shards = {
        shard_id: Shard(shard_id, saved.get("after"), bool(saved.get("closed")))
        for shard_id, saved in state.get("shards", {}).items()
    }
    return shards, state.get("stream")


def dynamodb_recorder(ledger: CreditLedger) -> Any:
    """The ledger's DynamoDB recorder, or None on a store with a notification log."""
    from adapters.dynamodb.application_recorder import DynamoDBApplicationRecorder

    recorder = ledger.recorder
    return recorder if isinstance(recorder, DynamoDBApplicationRecorder) else None


def all_org_keys(ledger: CreditLedger) -> Iterator[uuid.UUID]:
    """Every org of a DynamoDB store (a Scan: for rebuilds and catching up)."""
    from adapters.dynamodb.stream import org_keys

    recorder = dynamodb_recorder(ledger)
    return org_keys(recorder.client, recorder.table_name)


def feed_for(ledger: CreditLedger, store: ProjectionStore, data_dir: Path) -> Feed:
    """The feed for the ledger's store, or CommandError (one line) if it has none."""
    recorder = dynamodb_recorder(ledger)
    if recorder is not None:
        from eventsourcing.utils import Environment

        from adapters.dynamodb.client import make_client
        from adapters.dynamodb.stream import StreamUnavailable

        streams = make_client(Environment("", dict(os.environ)), "dynamodbstreams")
        try:
            return StreamFeed(
                recorder.client, streams, recorder.table_name, data_dir / STREAM_POSITIONS_FILE
            )
        except StreamUnavailable as error:
            raise CommandError(f"cannot project from DynamoDB: {error}") from None
    try:
        ledger.recorder.max_notification_id()
    except NotImplementedError:
        module = os.environ.get("PERSISTENCE_MODULE", "")
        raise CommandError(
            f"the event store {module} has no notification log to project from"
        ) from None
    return LogFeed(ledger, store)
