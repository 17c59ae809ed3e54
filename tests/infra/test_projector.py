"""The projector's stream source: batches, bounded retries, partial failures, a failure queue."""

from __future__ import annotations

import json
from typing import Any

from adapters.projection_pending import INDEX, MARK
from adapters.projection_rows import INDEX as ORGS_INDEX
from adapters.tables import EVENTS, PROJECTIONS
from projections.projector import SWEEP_EVENT
from tests.infra.synth import Synth
from tests.infra.template import Resources


def _mapping(synth: Synth) -> dict[str, Any]:
    mappings = Resources(synth.template).of_type("AWS::Lambda::EventSourceMapping")
    assert len(mappings) == 1
    properties: dict[str, Any] = next(iter(mappings.values()))["Properties"]
    return properties


def test_the_projector_reads_the_event_tables_stream(synth: Synth) -> None:
    resources = Resources(synth.template)
    table = resources.id_at(f"EventStore/{EVENTS.logical_id}/Resource")
    mapping = _mapping(synth)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table, "StreamArn"]}
    projector = resources.alias("handlers.projector.handler")[0]
    assert projector in json.dumps(mapping["FunctionName"])  # the live alias
    assert json.dumps(mapping["FunctionName"]).endswith(':live"]]}')
    assert mapping["StartingPosition"] == "TRIM_HORIZON"


def test_batches_are_bounded_and_failures_are_reported_per_record(synth: Synth) -> None:
    mapping = _mapping(synth)
    assert 1 <= mapping["BatchSize"] <= 1000
    assert 0 < mapping["MaximumBatchingWindowInSeconds"] <= 5
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert 0 < mapping["MaximumRetryAttempts"] <= 10
    # Given up on (to the failure queue) while the stream, which keeps records 24
    # hours, still holds them for the replay: half a day to replay it.
    assert mapping["MaximumRecordAgeInSeconds"] == 12 * 3600
    assert mapping["ParallelizationFactor"] == 1


def test_what_the_projector_gives_up_on_goes_to_an_encrypted_tls_only_queue(synth: Synth) -> None:
    resources = Resources(synth.template)
    queue = resources.id_at("Projector/Failures/Resource")
    destination = _mapping(synth)["DestinationConfig"]["OnFailure"]["Destination"]
    assert destination == {"Fn::GetAtt": [queue, "Arn"]}
    assert resources.all[queue]["Properties"]["SqsManagedSseEnabled"] is True
    assert_tls_only(resources, queue)


def assert_tls_only(resources: Resources, queue: str) -> None:
    policies = [
        policy["Properties"]
        for policy in resources.of_type("AWS::SQS::QueuePolicy").values()
        if {"Ref": queue} in policy["Properties"]["Queues"]
    ]
    denials = [
        statement
        for policy in policies
        for statement in policy["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Deny"
    ]
    assert any(
        statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for statement in denials
    ), queue


def test_a_schedule_sends_the_projector_the_sweep_for_pending_alerts(synth: Synth) -> None:
    resources = Resources(synth.template)
    rule = resources.at("Projector/PendingSweep/Resource")[1]["Properties"]
    assert rule["ScheduleExpression"] == "rate(5 minutes)"
    assert "EventBusName" not in rule  # the default bus carries schedules
    (target,) = rule["Targets"]
    projector = resources.alias("handlers.projector.handler")[0]
    assert target["Arn"] == {"Ref": projector}
    assert json.loads(target["Input"]) == SWEEP_EVENT
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 0


def test_the_projections_table_has_the_sparse_pending_index(synth: Synth) -> None:
    resources = Resources(synth.template)
    table = resources.at(f"EventStore/{PROJECTIONS.logical_id}/Resource")[1]["Properties"]
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    index = indexes[INDEX]
    assert index["KeySchema"] == [{"AttributeName": MARK, "KeyType": "HASH"}]
    assert index["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["pending"]}


def test_the_cross_org_listing_is_an_index_of_small_items(synth: Synth) -> None:
    """A page of "this month's orgs, soonest to run out first" is one Query of it."""
    resources = Resources(synth.template)
    table = resources.at(f"EventStore/{PROJECTIONS.logical_id}/Resource")[1]["Properties"]
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    index = indexes[ORGS_INDEX]
    assert index["KeySchema"] == [
        {"AttributeName": "orgs_list", "KeyType": "HASH"},
        {"AttributeName": "orgs_key", "KeyType": "RANGE"},
    ]
    assert index["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["row", "orgs_state", "orgs_plan"],
    }
