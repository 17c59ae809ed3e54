"""Builds the ledger and the projection store once per process; the local server
may hand in its own."""

from __future__ import annotations

from ledger import CreditLedger
from projections.store import ProjectionStore

_ledger: CreditLedger | None = None
_projections: ProjectionStore | None = None


def get_ledger() -> CreditLedger:
    global _ledger
    if _ledger is None:
        _ledger = CreditLedger()  # persistence chosen by environment
    return _ledger


def use_ledger(ledger: CreditLedger | None) -> None:
    global _ledger
    _ledger = ledger


def get_projection_store() -> ProjectionStore:
    """The DynamoDB projection table named by environment, unless one was handed in."""
    global _projections
    if _projections is None:
        import os

        import boto3

        from adapters.projection_dynamodb import DynamoDBProjectionStore
        from adapters.tables import PROJECTIONS

        table = os.environ.get(PROJECTIONS.name_env, PROJECTIONS.default_name)
        _projections = DynamoDBProjectionStore(boto3.client("dynamodb"), table)
    return _projections


def use_projection_store(store: ProjectionStore | None) -> None:
    global _projections
    _projections = store
