"""The handlers' one composition root.

What the API and projector functions use is built from the environment when
first used (a cold start pays only for imports), or handed in through
bootstrap() by `ledger serve`, benchmarks and tests.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from handlers.observability import logger, trace_calls

if TYPE_CHECKING:
    from adapters.notify import Notifier
    from ledger import CreditLedger
    from projections.projector import Projector
    from projections.store import ProjectionStore


class Services:
    """The ledger, the projection store, the projector and the notifier, each
    built once. Each function imports only what it uses: the notifier's cold
    start loads no ledger."""

    def __init__(
        self,
        ledger: CreditLedger | None = None,
        projections: ProjectionStore | None = None,
        projector: Projector | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self._ledger = ledger
        self._projections = projections
        self._projector = projector
        self._notifier = notifier

    @property
    def ledger(self) -> CreditLedger:
        if self._ledger is None:
            from ledger import CreditLedger

            trace_calls("botocore")
            self._ledger = CreditLedger()  # persistence chosen by environment
        return self._ledger

    @property
    def projections(self) -> ProjectionStore:
        """The DynamoDB projection table named by environment, unless one was handed in."""
        if self._projections is None:
            from eventsourcing.utils import Environment

            from adapters.dynamodb.client import make_client
            from adapters.projection_dynamodb import DynamoDBProjectionStore
            from adapters.tables import PROJECTIONS

            trace_calls("botocore")
            table = os.environ.get(PROJECTIONS.name_env, PROJECTIONS.default_name)
            # The event store's client settings: same endpoint, region and timeouts.
            client = make_client(Environment("", dict(os.environ)))
            self._projections = DynamoDBProjectionStore(client, table)
        return self._projections

    @property
    def projector(self) -> Projector:
        """The stream projector, publishing alerts to the EventBridge bus."""
        if self._projector is None:
            import boto3

            from adapters.alert_bus import EventBridgeAlertSink
            from projections.projector import LedgerEvents, Projector
            from projections.settings import AlertSettings

            self._projector = Projector(
                self.projections,
                LedgerEvents(self.ledger),
                EventBridgeAlertSink(boto3.client("events")),
                AlertSettings.from_env(os.environ),
            )
        return self._projector

    @property
    def notifier(self) -> Notifier:
        """Where alerts go from the bus: the webhook named by environment, or the log."""
        if self._notifier is None:
            from adapters.notify import notifier_from_env

            trace_calls("httplib")  # webhook deliveries
            self._notifier = notifier_from_env(logger)
        return self._notifier


_services = Services()


def bootstrap(
    ledger: CreditLedger | None = None,
    projections: ProjectionStore | None = None,
    projector: Projector | None = None,
    notifier: Notifier | None = None,
) -> Services:
    """Starts the handlers on these services; the ones not given are built from
    the environment when first used. `bootstrap()` starts afresh."""
    global _services
    _services = Services(ledger, projections, projector, notifier)
    return _services


def services() -> Services:
    return _services
