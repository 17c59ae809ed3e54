"""Builds the ledger and the projection store once per process; the local server
may hand in its own."""

from __future__ import annotations

from handlers.observability import trace_calls
from ledger import CreditLedger
from projections.store import ProjectionStore

_ledger: CreditLedger | None = None
_projections: ProjectionStore | None = None


def get_ledger() -> CreditLedger:
    global _ledger
    if _ledger is None:
        trace_calls("botocore")
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

        from eventsourcing.utils import Environment

        from adapters.dynamodb.client import make_client
        from adapters.projection_dynamodb import DynamoDBProjectionStore
        from adapters.tables import PROJECTIONS

        trace_calls("botocore")
        table = os.environ.get(PROJECTIONS.name_env, PROJECTIONS.default_name)
        # The event store's client settings: same endpoint, region and timeouts.
        client = make_client(Environment("", dict(os.environ)))
        _projections = DynamoDBProjectionStore(client, table)
    return _projections


def use_projection_store(store: ProjectionStore | None) -> None:
    global _projections
    _projections = store
