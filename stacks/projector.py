"""The projector: the event table's stream in, projections and alerts out.

A schedule also invokes it to publish alerts left pending after the stream
gave up on their records (see handlers/sweep.py).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct

from adapters.projection_pending import INDEX
from projections.projector import SWEEP_EVENT
from stacks.event_store import EventStore, grant_on
from stacks.functions import LedgerCode, ledger_function
from stacks.queues import dead_letter_queue

SWEEP_EVERY = Duration.minutes(5)
# A record the projector keeps failing on (or cannot reach while throttled) goes
# to the failure queue after 12 hours, while the stream (24 hours) still holds
# it: docs/deploy.md replays the queue from the stream (handlers/replay.py).
MAX_RECORD_AGE = Duration.hours(12)


class Projector(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: LedgerCode,
        store: EventStore,
        bus: events.IEventBus,
        concurrency: int,
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
            concurrency=concurrency,  # at least the stream's shards, one batch each
        )
        role = self.function.function
        # Reads the events back with Query only; the stream grants come with its source.
        grant_on(store.events, role, "dynamodb:Query")
        self._grant_projections(store)
        bus.grant_put_events_to(role)
        self.failures = dead_letter_queue(
            self, "Failures", holds="stream batches the projector failed on"
        )
        self.function.alias.add_event_source(self._stream(store))
        self.sweep = self._sweep()

    def _grant_projections(self, store: EventStore) -> None:
        """Reads and writes of single items (a transaction is authorised as its
        writes), and a scan of the sparse pending index only, never of the table."""
        table, writes = store.projections, ("dynamodb:PutItem", "dynamodb:UpdateItem")
        role = self.function.function
        grant_on(table, role, "dynamodb:GetItem", *writes)
        grant_on(table, role, "dynamodb:Scan", index=INDEX)

    def _sweep(self) -> events.Rule:
        rule = events.Rule(
            self,
            "PendingSweep",
            description="publishes alerts the projector left pending",
            schedule=events.Schedule.rate(SWEEP_EVERY),
        )
        # A missed sweep is made up by the next one: no retries, no queue.
        rule.add_target(
            targets.LambdaFunction(
                self.function.alias,
                event=events.RuleTargetInput.from_object(SWEEP_EVENT),
                retry_attempts=0,
            )
        )
        return rule

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
            max_record_age=MAX_RECORD_AGE,
            report_batch_item_failures=True,
            parallelization_factor=1,  # keep each org's records in order
            on_failure=sources.SqsDlq(self.failures),
        )
