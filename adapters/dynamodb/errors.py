"""Maps DynamoDB's errors onto the eventsourcing library's persistence errors.

IntegrityError: a version already exists (another writer won); the application
reloads and decides again. OperationalError: throttling, a conflicting
transaction or a lost connection; the outcome is unknown or the write was not
attempted, and a retry is safe because every put is conditional.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
)

from adapters.dynamodb.client import DeadlinePassed

RETRYABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "TransactionInProgressException",
    "InternalServerError",
    "ServiceUnavailable",
}
RETRYABLE_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


def translate(error: Exception) -> PersistenceError:
    """The persistence error to raise in place of a botocore error."""
    if isinstance(error, (ConnectionError, HTTPClientError)):
        return OperationalError(f"DynamoDB unreachable: {error}")
    if isinstance(error, DeadlinePassed):
        return OperationalError(str(error))
    if not isinstance(error, ClientError):
        return DatabaseError(str(error))
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", str(error))
    if code == "ConditionalCheckFailedException":
        return IntegrityError(f"version already recorded: {message}")
    if code == "TransactionCanceledException":
        return _cancelled(error.response.get("CancellationReasons") or [], message)
    if code in RETRYABLE:
        return OperationalError(f"{code}: {message}")
    if code == "ResourceNotFoundException":
        return ProgrammingError(f"{code}: {message} (check LEDGER_EVENTS_TABLE)")
    if code == "ValidationException":
        return DataError(f"{code}: {message}")
    return DatabaseError(f"{code}: {message}")


def _cancelled(reasons: Sequence[Mapping[str, Any]], message: str) -> PersistenceError:
    codes = {reason.get("Code") for reason in reasons}
    if not reasons:  # reasons not parsed: they are also listed in the message
        codes = set(re.findall(r"\w+", message.rpartition("[")[2]))
    if "ConditionalCheckFailed" in codes:
        return IntegrityError(f"version already recorded: {message}")
    if codes & RETRYABLE_REASONS or not codes - {None, "None"}:
        return OperationalError(f"transaction cancelled: {message}")
    return DataError(f"transaction cancelled: {message}")
