"""The projector: the event table's stream in, projections and alerts out."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct

from stacks.event_store import EventStore
from stacks.functions import LedgerCode, ledger_function
from stacks.queues import dead_letter_queue


class Projector(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: LedgerCode,
        store: EventStore,
        bus: events.IEventBus,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function = ledger_function(
            self,
            "Function",
            code=code,
            handler="handlers.projector.handler",
            description="credit ledger projector",
            environment={**store.environment(), "LEDGER_ALERT_BUS": bus.event_bus_name},
            timeout=Duration.minutes(1),
        )
        store.events.grant_read_data(self.function)  # to catch up from the store itself
        store.projections.grant_read_write_data(self.function)
        bus.grant_put_events_to(self.function)
        self.failures = dead_letter_queue(
            self, "Failures", holds="stream batches the projector failed on"
        )
        self.function.add_event_source(self._stream(store))

    def _stream(self, store: EventStore) -> lambda_.IEventSource:
        # Bounded retries, then the batch's position goes to the failure queue;
        # the events themselves stay in the store for a catch-up.
        return sources.DynamoEventSource(
            store.events,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=100,
            max_batching_window=Duration.seconds(1),
            bisect_batch_on_error=True,
            retry_attempts=5,
            max_record_age=Duration.hours(1),
            report_batch_item_failures=True,
            parallelization_factor=1,  # keep each org's records in order
            on_failure=sources.SqsDlq(self.failures),
        )
