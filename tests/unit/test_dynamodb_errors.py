"""DynamoDB errors become the library's persistence errors (a fake client, no network)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from eventsourcing.persistence import (
    DataError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)

from adapters.dynamodb.recorders import DynamoDBAggregateRecorder


class FailingClient:
    """Answers every write with one error, like DynamoDB would."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls: list[str] = []

    def put_item(self, **_: Any) -> None:
        self.calls.append("PutItem")
        raise self.error

    def transact_write_items(self, **_: Any) -> None:
        self.calls.append("TransactWriteItems")
        raise self.error


def client_error(code: str, reasons: list[str] | None = None, message: str = "") -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": message or code}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


def save(error: Exception, items: int) -> FailingClient:
    client = FailingClient(error)
    recorder = DynamoDBAggregateRecorder(client, "events")
    oid = uuid4()
    recorder.insert_events([StoredEvent(oid, v, "t", b"s") for v in range(1, items + 1)])
    return client


@pytest.mark.parametrize(
    ("error", "items", "expected"),
    [
        (client_error("ConditionalCheckFailedException"), 1, IntegrityError),
        (
            client_error("TransactionCanceledException", ["None", "ConditionalCheckFailed"]),
            2,
            IntegrityError,
        ),
        (
            client_error("TransactionCanceledException", ["TransactionConflict", "None"]),
            2,
            OperationalError,
        ),
        (
            client_error("TransactionCanceledException", ["ThrottlingError", "None"]),
            2,
            OperationalError,
        ),
        (client_error("TransactionCanceledException", ["ValidationError", "None"]), 2, DataError),
        (
            client_error(
                "TransactionCanceledException", message="reasons [None, ConditionalCheckFailed]"
            ),
            2,
            IntegrityError,
        ),
        (client_error("ProvisionedThroughputExceededException"), 1, OperationalError),
        (client_error("ThrottlingException"), 1, OperationalError),
        (client_error("TransactionConflictException"), 1, OperationalError),
        (client_error("ResourceNotFoundException"), 1, ProgrammingError),
        (client_error("ValidationException"), 1, DataError),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), 1, OperationalError),
    ],
)
def test_errors_are_mapped(error: Exception, items: int, expected: type[Exception]) -> None:
    with pytest.raises(expected) as raised:
        save(error, items)
    assert raised.value.__cause__ is error


def test_one_item_is_a_conditional_put_and_several_are_one_transaction() -> None:
    client = FailingClient(client_error("ConditionalCheckFailedException"))
    recorder = DynamoDBAggregateRecorder(client, "events")
    for items in (1, 2):
        with pytest.raises(IntegrityError):
            recorder.insert_events([StoredEvent("x", v, "t", b"") for v in range(items)])
    assert client.calls == ["PutItem", "TransactWriteItems"]


def test_a_save_over_the_transaction_limit_is_refused_before_any_write() -> None:
    client = FailingClient(AssertionError("no request expected"))
    recorder = DynamoDBAggregateRecorder(client, "events")
    with pytest.raises(ProgrammingError, match="atomic"):
        recorder.insert_events([StoredEvent("x", v, "t", b"") for v in range(101)])
    with pytest.raises(IntegrityError):
        recorder.insert_events([StoredEvent("x", 1, "t", b"")] * 2)
    assert client.calls == []
