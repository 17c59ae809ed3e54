"""Helpers for tests that run the DynamoDB store under moto."""

from __future__ import annotations

import copy
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import moto.dynamodb.models as moto_dynamodb
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.dynamodb.models.table import Table

from adapters.tables import EVENTS

REGION = "eu-west-1"


def create_events_table(endpoint_url: str | None = None) -> str:
    """A fresh events table, made from the one table definition; returns its name."""
    name = f"events-{uuid.uuid4().hex[:12]}"
    client(endpoint_url).create_table(**EVENTS.create_table_kwargs(name))
    return name


def client(endpoint_url: str | None = None) -> Any:
    return boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint_url)


def dynamodb_env(table: str, endpoint_url: str | None = None) -> dict[str, str]:
    env = {
        "PERSISTENCE_MODULE": "adapters.dynamodb",
        EVENTS.name_env: table,
        "AWS_DEFAULT_REGION": REGION,
    }
    if endpoint_url:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    return env


class _TableBackups:
    """Stands in for the copy module in moto's DynamoDB backend.

    Before each TransactWriteItems moto deep-copies every table it touches, to
    restore it if the transaction is cancelled: a cost that grows with the
    table, so a test's commands cost quadratic time. The store only puts
    items, and moto puts by replacing an item in the table's index, so a copy
    of the index (and of the stream's record list) restores the table as well.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(thing: Any, memo: Any = None) -> Any:
        if not isinstance(thing, Table):
            return copy.deepcopy(thing, memo)
        backup = copy.copy(thing)
        backup.items = defaultdict(
            dict, {k: dict(v) if isinstance(v, dict) else v for k, v in thing.items.items()}
        )
        if thing.stream_shard is not None:
            backup.stream_shard = copy.copy(thing.stream_shard)
            backup.stream_shard.items = list(thing.stream_shard.items)
        return backup


@contextmanager
def serial_mock_aws() -> Iterator[None]:
    """moto in process, handling one request at a time, as DynamoDB serialises writes.

    moto's in-memory DynamoDB is not safe for concurrent requests: a cancelled
    TransactWriteItems restores a copy of the whole table, which can undo a
    write another thread committed meanwhile. Threaded tests need this lock.
    """
    lock = threading.Lock()
    unlocked = BotocoreStubber.process_request

    def process_request(self: BotocoreStubber, request: Any) -> Any:
        with lock:
            return unlocked(self, request)

    BotocoreStubber.process_request = process_request  # type: ignore[method-assign]
    moto_dynamodb.copy = _TableBackups()  # type: ignore[assignment]
    try:
        with mock_aws():
            yield
    finally:
        BotocoreStubber.process_request = unlocked  # type: ignore[method-assign]
        moto_dynamodb.copy = copy
