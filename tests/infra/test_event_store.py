"""The tables follow adapters/tables.py; the event store is protected and retained."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.tables import EVENTS, PROJECTIONS, TableSpec
from tests.infra.synth import Synth
from tests.infra.template import Resources


def _table(synth: Synth, spec: TableSpec) -> dict[str, Any]:
    return Resources(synth.template).at(f"EventStore/{spec.logical_id}/Resource")[1]


def _expected_shape(spec: TableSpec) -> dict[str, Any]:
    """The keys, attributes and indexes boto3 would create: the same definition."""
    made = spec.create_table_kwargs()
    shape = {key: made[key] for key in ("KeySchema", "AttributeDefinitions")}
    shape["GlobalSecondaryIndexes"] = made.get("GlobalSecondaryIndexes", [])
    return shape


def _shape(table: dict[str, Any]) -> dict[str, Any]:
    props = table["Properties"]
    indexes = [
        {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
        for index in props.get("GlobalSecondaryIndexes", [])
    ]
    return {
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": sorted(
            props["AttributeDefinitions"], key=lambda item: item["AttributeName"]
        ),
        "GlobalSecondaryIndexes": indexes,
    }


@pytest.mark.parametrize("spec", [EVENTS, PROJECTIONS], ids=lambda spec: spec.logical_id)
def test_each_table_has_the_keys_and_indexes_of_its_spec(synth: Synth, spec: TableSpec) -> None:
    expected = _expected_shape(spec)
    expected["AttributeDefinitions"].sort(key=lambda item: item["AttributeName"])
    assert _shape(_table(synth, spec)) == expected


@pytest.mark.parametrize("spec", [EVENTS, PROJECTIONS], ids=lambda spec: spec.logical_id)
def test_each_table_is_on_demand_encrypted_and_recoverable(synth: Synth, spec: TableSpec) -> None:
    props = _table(synth, spec)["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["SSESpecification"] == {"SSEEnabled": True}  # the AWS managed KMS key
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_event_table_streams_the_view_the_spec_names(synth: Synth) -> None:
    assert EVENTS.stream_view
    stream = _table(synth, EVENTS)["Properties"]["StreamSpecification"]
    assert stream == {"StreamViewType": EVENTS.stream_view}


def test_the_event_table_survives_deletion_of_the_stack(synth: Synth) -> None:
    table = _table(synth, EVENTS)
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


def test_the_projection_table_can_go_with_the_stack(synth: Synth) -> None:
    assert _table(synth, PROJECTIONS)["DeletionPolicy"] == "Delete"
