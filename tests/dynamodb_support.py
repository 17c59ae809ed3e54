"""Helpers for tests that run the DynamoDB store under moto."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

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
    try:
        with mock_aws():
            yield
    finally:
        BotocoreStubber.process_request = unlocked  # type: ignore[method-assign]
