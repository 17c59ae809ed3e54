"""Projection stores for parametrised tests: memory, SQLite and DynamoDB under moto."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from projections.store import MemoryProjectionStore, ProjectionStore

PROJECTION_STORES = ["memory", "sqlite", "dynamodb"]


def aws_test_env() -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }.items():
        os.environ[name] = value


@contextmanager
def projection_store(kind: str, tmp_path: Path) -> Iterator[ProjectionStore]:
    if kind == "memory":
        yield MemoryProjectionStore()
    elif kind == "sqlite":
        from adapters.projection_sqlite import SQLiteProjectionStore

        store = SQLiteProjectionStore(tmp_path / "projections.sqlite")
        yield store
        store.close()
    elif kind == "dynamodb":
        import boto3
        from moto import mock_aws

        from adapters.projection_dynamodb import DynamoDBProjectionStore
        from adapters.tables import PROJECTIONS

        aws_test_env()
        with mock_aws():
            client = boto3.client("dynamodb")
            client.create_table(**PROJECTIONS.create_table_kwargs())
            yield DynamoDBProjectionStore(client)
    else:
        raise ValueError(kind)
