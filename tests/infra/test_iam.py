"""Least privilege: each function may touch only what it needs, and only its own."""

from __future__ import annotations

import json
from typing import Any

from adapters.projection_pending import INDEX
from adapters.projection_rows import INDEX as ORGS_INDEX
from adapters.tables import EVENTS, PROJECTIONS
from stacks.alerts import ALERT_TYPES
from stacks.api import STAGE
from tests.infra.synth import DEPLOY_CONTEXT, Synth
from tests.infra.template import Resources, actions, grants, referenced

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
    # Appends (a transaction is authorised as its puts) and queries, nothing else.
    assert allowed[ids["events"]] == {"dynamodb:PutItem", "dynamodb:Query"}
    assert allowed[ids["projections"]] == {"dynamodb:GetItem", "dynamodb:Query"}
    on_indexes = _on_indexes(synth, "handlers.api.handler", ids["projections"])
    assert on_indexes == {f"/index/{ORGS_INDEX}": {"dynamodb:Query"}}  # GET /orgs
    assert allowed["*"] == TRACE


def test_the_projector_reads_events_writes_projections_and_puts_alerts(synth: Synth) -> None:
    ids = _ids(synth)
    handler = "handlers.projector.handler"
    resources = Resources(synth.template)
    allowed = grants(resources.statements(handler))
    failures = resources.id_at("Projector/Failures/Resource")
    expected = {ids["events"], ids["projections"], ids["bus"], failures, "*"}
    assert set(allowed) == expected | {_log_group(synth, handler)}
    # Queries (catching up) and the stream; no writes, no scans.
    assert allowed[ids["events"]] == {
        "dynamodb:Query",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:DescribeStream",
    }
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


def test_the_notifier_only_logs_traces_reads_its_webhook_and_sets_aside_failures(
    synth: Synth,
) -> None:
    handler = "handlers.notifier.handler"
    resources = Resources(synth.template)
    allowed = grants(resources.statements(handler))
    failures = resources.id_at("Alerts/NotifierFailures/Resource")
    parameters = {key: value for key, value in allowed.items() if ":ssm:" in key}
    assert list(parameters.values()) == [{"ssm:GetParameter"}]
    (parameter,) = parameters
    assert parameter.endswith(f':parameter{DEPLOY_CONTEXT["alert_webhook_parameter"]}"]]}}')
    assert allowed == {
        _log_group(synth, handler): LOGS,
        "*": TRACE,
        failures: SEND,
        parameter: {"ssm:GetParameter"},
    }


# What would rewrite or remove a stored event, or read the table wholesale.
REWRITES = {
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLSelect",
    "dynamodb:Scan",
    "dynamodb:DeleteTable",
    "dynamodb:UpdateTable",
    "dynamodb:RestoreTableToPointInTime",
}


def _allows(statement: dict[str, Any], action: str) -> bool:
    """Whether the statement's actions match one, wildcards included."""
    import fnmatch

    return any(fnmatch.fnmatch(action, pattern) for pattern in actions(statement))


def test_no_role_may_rewrite_delete_or_scan_events(synth: Synth) -> None:
    """Every role in the stack (the functions', CodeDeploy's, CDK's helpers'): the
    event store is append-only and read by Query."""
    events = _ids(synth)["events"]
    resources = Resources(synth.template)
    # The daily digest reads every org's stream: a Scan finds them (stacks/digests.py).
    digests = resources.function("handlers.digests.handler")[1]["Properties"]["Role"]
    checked = 0
    for role, statements in resources.role_statements().items():
        forbidden = REWRITES - (
            {"dynamodb:Scan"} if digests == {"Fn::GetAtt": [role, "Arn"]} else set()
        )
        for statement in statements:
            targets = statement["Resource"]
            targets = targets if isinstance(targets, list) else [targets]
            on_events = any(events in referenced(t) or t == "*" for t in targets)
            if statement["Effect"] == "Allow" and on_events:
                checked += 1
                assert not [a for a in forbidden if _allows(statement, a)], (role, statement)
    assert checked >= 2  # the API's and the projector's statements were looked at


def test_only_aws_managed_policy_is_codedeploys_own(synth: Synth) -> None:
    for key, role in Resources(synth.template).of_type("AWS::IAM::Role").items():
        for arn in role["Properties"].get("ManagedPolicyArns", []):
            assert "AWSCodeDeployRoleForLambdaLimited" in json.dumps(arn), key


def test_the_event_table_denies_rewrites_to_every_principal(synth: Synth) -> None:
    resources = Resources(synth.template)
    table = resources.all[_ids(synth)["events"]]["Properties"]
    (statement,) = table["ResourcePolicy"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Principal"] == {"AWS": "*"}
    assert actions(statement) >= {
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:PartiQLUpdate",
        "dynamodb:PartiQLDelete",
    }


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
    api = resources.alias("handlers.api.handler")[0]
    digests = resources.alias("handlers.digests.handler")[0]
    notifier = resources.alias("handlers.notifier.handler")[0]
    projector = resources.alias("handlers.projector.handler")[0]
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


def test_the_api_may_invoke_its_function_from_its_own_stage_only(synth: Synth) -> None:
    resources = Resources(synth.template)
    api = resources.alias("handlers.api.handler")[0]
    (permission,) = [
        p["Properties"]
        for p in resources.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": api}
    ]
    parts = permission["SourceArn"]["Fn::Join"][1]
    assert parts[-1] == f"/{STAGE}/*/*"  # a stage named, not "/*/*/*"
