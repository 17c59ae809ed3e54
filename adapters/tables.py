"""The one definition of the ledger's DynamoDB tables.

Used by the persistence module, by the tests (to create tables under moto) and
by the CDK stack, so that all three agree on keys, indexes and streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TableSpec:
    logical_id: str  # the construct id in the stack
    name_env: str  # the environment variable that carries the table's name
    default_name: str
    partition_key: tuple[str, str]  # (attribute name, "S" | "N" | "B")
    sort_key: tuple[str, str] | None = None
    stream_view: str | None = None  # "NEW_IMAGE", "NEW_AND_OLD_IMAGES", ...
    global_indexes: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def create_table_kwargs(self, table_name: str | None = None) -> dict[str, Any]:
        """Arguments for boto3's create_table (tests, local DynamoDB)."""
        keys = [self.partition_key] + ([self.sort_key] if self.sort_key else [])
        attributes = {name: kind for name, kind in keys}
        for index in self.global_indexes:
            attributes.update(dict(index["keys"]))
        kwargs: dict[str, Any] = {
            "TableName": table_name or self.default_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": kind} for name, kind in attributes.items()
            ],
            "KeySchema": [
                {"AttributeName": name, "KeyType": role}
                for (name, _), role in zip(keys, ("HASH", "RANGE"), strict=False)
            ],
        }
        if self.global_indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index["name"],
                    "KeySchema": [
                        {"AttributeName": name, "KeyType": role}
                        for (name, _), role in zip(index["keys"], ("HASH", "RANGE"), strict=False)
                    ],
                    "Projection": _projection(index),
                }
                for index in self.global_indexes
            ]
        if self.stream_view:
            kwargs["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": self.stream_view,
            }
        return kwargs


def _projection(index: dict[str, Any]) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.get("projection", "ALL")}
    if index.get("non_key_attributes"):
        projection["NonKeyAttributes"] = list(index["non_key_attributes"])
    return projection


EVENTS = TableSpec(
    logical_id="EventStore",
    name_env="LEDGER_EVENTS_TABLE",
    default_name="ledger-events",
    partition_key=("stream_id", "S"),
    sort_key=("version", "N"),
    stream_view="NEW_IMAGE",
)

PROJECTIONS = TableSpec(
    logical_id="Projections",
    name_env="LEDGER_PROJECTIONS_TABLE",
    default_name="ledger-projections",
    partition_key=("pk", "S"),
    sort_key=("sk", "S"),
    # Sparse: only org heads with alerts not yet published carry `pending_org`,
    # so a sweep reads those and nothing else. Indexes are added at the end, one
    # per deployment (CloudFormation creates at most one in an update).
    global_indexes=(
        {
            "name": "pending",
            "keys": (("pending_org", "S"),),
            "projection": "INCLUDE",
            "non_key_attributes": ("pending",),
        },
        # The cross-org view: one listing per month and order ("2026-11 run_out"),
        # rows in the order shown. Only row items carry these keys.
        {
            "name": "orgs",
            "keys": (("orgs_list", "S"), ("orgs_key", "S")),
            "projection": "INCLUDE",
            "non_key_attributes": ("row", "orgs_state", "orgs_plan"),
        },
    ),
)

ALL_TABLES = (EVENTS, PROJECTIONS)
