"""The event store and the projection table, both read from adapters/tables.py."""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from adapters.tables import EVENTS, PROJECTIONS, TableSpec

_KINDS = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}


# What would change or remove a stored event: no principal may do it, whatever
# its own policies allow (the table's resource policy denies it to everyone).
EVENT_REWRITES = (
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
)


class EventStore(Construct):
    """The events (the record of truth: append-only, retained, protected) and their
    projections."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.events = table_from_spec(
            self,
            EVENTS,
            removal_policy=RemovalPolicy.RETAIN,
            deletion_protection=True,
            resource_policy=iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        sid="AppendOnly",
                        effect=iam.Effect.DENY,
                        principals=[iam.AnyPrincipal()],
                        actions=list(EVENT_REWRITES),
                        resources=["*"],  # this table (its own ARN would be circular)
                    )
                ]
            ),
        )
        # Projections are derived from the events and can be rebuilt from them.
        self.projections = table_from_spec(
            self, PROJECTIONS, removal_policy=RemovalPolicy.DESTROY, deletion_protection=False
        )

    def environment(self) -> dict[str, str]:
        """What a function needs to open the ledger and its projections on these tables."""
        return {
            "PERSISTENCE_MODULE": "adapters.dynamodb",
            EVENTS.name_env: self.events.table_name,
            PROJECTIONS.name_env: self.projections.table_name,
        }


def table_from_spec(
    scope: Construct,
    spec: TableSpec,
    *,
    removal_policy: RemovalPolicy,
    deletion_protection: bool,
    resource_policy: iam.PolicyDocument | None = None,
) -> dynamodb.Table:
    """An on-demand, encrypted table with PITR, shaped by the spec's keys, stream and indexes."""
    table = dynamodb.Table(
        scope,
        spec.logical_id,
        partition_key=_attribute(spec.partition_key),
        sort_key=_attribute(spec.sort_key) if spec.sort_key else None,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        stream=dynamodb.StreamViewType[spec.stream_view] if spec.stream_view else None,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=deletion_protection,
        removal_policy=removal_policy,
        resource_policy=resource_policy,
    )
    for index in spec.global_indexes:
        _add_index(table, index)
    return table


def _add_index(table: dynamodb.Table, index: dict[str, Any]) -> None:
    keys = list(index["keys"])
    table.add_global_secondary_index(
        index_name=index["name"],
        partition_key=_attribute(keys[0]),
        sort_key=_attribute(keys[1]) if len(keys) > 1 else None,
        projection_type=dynamodb.ProjectionType[index.get("projection", "ALL")],
        non_key_attributes=list(index.get("non_key_attributes", [])) or None,
    )


def _attribute(key: tuple[str, str]) -> dynamodb.Attribute:
    name, kind = key
    return dynamodb.Attribute(name=name, type=_KINDS[kind])


def grant_on(
    table: dynamodb.ITable, grantee: iam.IGrantable, *actions: str, index: str = ""
) -> None:
    """Actions on the table itself, or on one of its indexes; never on `index/*`
    (the CDK's grants add it), so no role reaches an index it has no use for."""
    arn = f"{table.table_arn}/index/{index}" if index else table.table_arn
    iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=[arn])
