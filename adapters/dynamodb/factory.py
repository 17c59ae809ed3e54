"""The infrastructure factory the eventsourcing library finds in adapters.dynamodb."""

from __future__ import annotations

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    NotSupportedError,
    ProcessRecorder,
    TrackingRecorder,
)
from eventsourcing.utils import Environment, EnvType, strtobool

from adapters.dynamodb.application_recorder import DynamoDBApplicationRecorder
from adapters.dynamodb.client import create_table, make_client, table_name
from adapters.dynamodb.prefetch import Prefetch
from adapters.dynamodb.recorders import DynamoDBAggregateRecorder
from adapters.dynamodb.snapshots import DynamoDBSnapshotRecorder


class DynamoDBFactory(InfrastructureFactory[TrackingRecorder]):
    """Recorders on the events table named by LEDGER_EVENTS_TABLE.

    CREATE_TABLE=yes creates the table when missing (for moto or LocalStack);
    in AWS the stack creates it and the default is not to try.
    """

    CREATE_TABLE = "CREATE_TABLE"

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        self.client = make_client(self.env)
        self.table_name = table_name(self.env)
        if strtobool(self.env.get(self.CREATE_TABLE, "no") or "no"):
            create_table(self.client, self.table_name)
        # Events a snapshot read passed over, for the event read that follows it.
        self.prefetch = Prefetch()

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        # Events and snapshots share the aggregate's partition (items.py);
        # any other purpose gets its own key space.
        if purpose == "snapshots":
            return DynamoDBSnapshotRecorder(self.client, self.table_name, "", self.prefetch)
        prefix = "" if purpose == "events" else f"{purpose}#"
        return DynamoDBAggregateRecorder(self.client, self.table_name, prefix, self.prefetch)

    def application_recorder(self) -> ApplicationRecorder:
        return DynamoDBApplicationRecorder(self.client, self.table_name, "", self.prefetch)

    def tracking_recorder(
        self, tracking_recorder_class: type[TrackingRecorder] | None = None
    ) -> TrackingRecorder:
        raise NotSupportedError(
            "no tracking recorder on DynamoDB: projections track (org, version) themselves"
        )

    def process_recorder(self) -> ProcessRecorder:
        raise NotSupportedError("no process recorder on DynamoDB: it has no notification log")

    def close(self) -> None:
        self.client.close()


Factory = DynamoDBFactory
