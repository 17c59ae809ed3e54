"""Least privilege: each function may touch only what it needs, and only its own."""

from __future__ import annotations

from typing import Any

from adapters.projection_pending import INDEX
from adapters.tables import EVENTS, PROJECTIONS
from stacks.alerts import ALERT_TYPES
from tests.infra.synth import Synth
from tests.infra.template import Resources, actions, grants, referenced

READ = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"}
WRITE = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}
TRACE = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
SEND = {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}


def _ids(synth: Synth) -> dict[str, str]:
    resources = Resources(synth.template)
    return {
        "events": resources.id_at(f"EventStore/{EVENTS.logical_id}/Resource"),
        "projections": resources.id_at(f"EventStore/{PROJECTIONS.logical_id}/Resource"),
        "bus": resources.id_at("Alerts/Bus/Resource"),
    }


def _log_group(synth: Synth, handler: str) -> str:
    props = Resources(synth.template).function(handler)[1]["Properties"]
    return str(props["LoggingConfig"]["LogGroup"]["Ref"])


def _on_indexes(synth: Synth, handler: str, table: str) -> dict[str, set[str]]:
    """Index ARN suffix -> actions, for the statements on the table's indexes."""
    found: dict[str, set[str]] = {}
    for statement in Resources(synth.template).statements(handler):
        targets = statement["Resource"]
        for target in targets if isinstance(targets, list) else [targets]:
            suffix = _index_suffix(target, table)
            if suffix:
                found.setdefault(suffix, set()).update(actions(statement))
    return found


def _index_suffix(target: Any, table: str) -> str | None:
    """'/index/NAME' for {"Fn::Join": ["", [{"Fn::GetAtt": [table, "Arn"]}, "/index/NAME"]]}."""
    if not isinstance(target, dict) or "Fn::Join" not in target:
        return None
    parts = target["Fn::Join"][1]
    if parts[0] == {"Fn::GetAtt": [table, "Arn"]} and str(parts[1]).startswith("/index/"):
        return str(parts[1])
    return None


def test_the_api_reads_and_writes_events_and_reads_projections(synth: Synth) -> None:
    ids = _ids(synth)
    allowed = grants(Resources(synth.template).statements("handlers.api.handler"))
    assert set(allowed) == {
        ids["events"],
        ids["projections"],
        "*",
        _log_group(synth, "handlers.api.handler"),
    }
    assert allowed[ids["events"]] >= READ | WRITE
    assert allowed[ids["projections"]] == {"dynamodb:GetItem", "dynamodb:Query"}
    assert _on_indexes(synth, "handlers.api.handler", ids["projections"]) == {}
    assert allowed["*"] == TRACE


def test_the_projector_reads_events_writes_projections_and_puts_alerts(synth: Synth) -> None:
    ids = _ids(synth)
    handler = "handlers.projector.handler"
    resources = Resources(synth.template)
    allowed = grants(resources.statements(handler))
    failures = resources.id_at("Projector/Failures/Resource")
    expected = {ids["events"], ids["projections"], ids["bus"], failures, "*"}
    assert set(allowed) == expected | {_log_group(synth, handler)}
    assert allowed[ids["events"]] >= READ
    assert not WRITE & allowed[ids["events"]]
    assert {"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"} <= (
        allowed[ids["events"]]
    )
    # Single items, and a scan of the pending index only (the sweep), never of the table.
    assert allowed[ids["projections"]] == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Scan",
    }
    on_indexes = _on_indexes(synth, handler, ids["projections"])
    assert on_indexes == {f"/index/{INDEX}": {"dynamodb:Scan"}}
    assert allowed[ids["bus"]] == {"events:PutEvents"}
    assert allowed[failures] == SEND
    assert allowed["*"] == TRACE | {"dynamodb:ListStreams"}


def test_the_notifier_only_logs_traces_and_sets_aside_its_failures(synth: Synth) -> None:
    handler = "handlers.notifier.handler"
    resources = Resources(synth.template)
    allowed = grants(resources.statements(handler))
    failures = resources.id_at("Alerts/NotifierFailures/Resource")
    assert allowed == {_log_group(synth, handler): LOGS, "*": TRACE, failures: SEND}


def test_functions_write_logs_to_their_own_group_only(synth: Synth) -> None:
    resources = Resources(synth.template)
    for function in resources.of_type("AWS::Lambda::Function").values():
        handler = function["Properties"]["Handler"]
        allowed = grants(resources.statements(handler))
        groups = [key for key, actions in allowed.items() if actions & LOGS]
        assert groups == [_log_group(synth, handler)]
        assert allowed[groups[0]] == LOGS


def test_only_this_api_the_alert_rules_and_the_schedules_may_invoke_functions(
    synth: Synth,
) -> None:
    resources = Resources(synth.template)
    api = resources.function("handlers.api.handler")[0]
    digests = resources.function("handlers.digests.handler")[0]
    notifier = resources.function("handlers.notifier.handler")[0]
    projector = resources.function("handlers.projector.handler")[0]
    sweep = resources.id_at("Projector/PendingSweep/Resource")
    rest_api = resources.id_at("Api/Api/Resource")
    rules = [resources.id_at(f"Alerts/{kind}Rule/Resource") for kind in ALERT_TYPES]
    permissions = resources.of_type("AWS::Lambda::Permission").values()
    callers = sorted(
        (
            min(referenced(props["FunctionName"])),
            props["Principal"],
            min(referenced(props["SourceArn"])),
        )
        for props in (permission["Properties"] for permission in permissions)
    )
    expected = [(api, "apigateway.amazonaws.com", rest_api)]
    expected += [(notifier, "events.amazonaws.com", rule) for rule in rules]
    expected += [(projector, "events.amazonaws.com", sweep)]
    daily = resources.id_at("Digests/Daily/Resource")
    expected += [(digests, "events.amazonaws.com", daily)]
    assert callers == sorted(expected)
