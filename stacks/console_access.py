"""What customer success needs to run `ledger console` against this stack's tables:
a managed policy of reads only (attach it to their role or group)."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

from adapters.projection_rows import INDEX as ORGS_INDEX
from stacks.event_store import EventStore

# The console reads a page of the cross-org index, an org's projection items, and
# that org's events (its period and recent history): nothing else, and no writes.
PROJECTION_READS = ("dynamodb:GetItem", "dynamodb:Query")
EVENT_READS = ("dynamodb:Query",)


def console_reader_policy(scope: Construct, store: EventStore) -> iam.ManagedPolicy:
    projections, events = store.projections, store.events
    return iam.ManagedPolicy(
        scope,
        "ConsoleReader",
        description="Read-only access for ledger console (customer success)",
        statements=[
            iam.PolicyStatement(actions=list(PROJECTION_READS), resources=[projections.table_arn]),
            iam.PolicyStatement(
                actions=["dynamodb:Query"],
                resources=[f"{projections.table_arn}/index/{ORGS_INDEX}"],
            ),
            iam.PolicyStatement(actions=list(EVENT_READS), resources=[events.table_arn]),
        ],
    )
