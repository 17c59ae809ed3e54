"""Deployment safety and operations on the template: canary deployments that roll
back on alarm, access logs kept beyond the stack, tags, the alert bus's archive."""

from __future__ import annotations

import json

import pytest

from projections.alerts import SOURCE
from stacks.alerts import ARCHIVE_RETENTION
from stacks.api import ACCESS_LOG_FIELDS
from stacks.deployment import CANARY
from tests.infra.synth import Synth
from tests.infra.template import Resources

HANDLERS = {
    "Api": "handlers.api.handler",
    "Projector": "handlers.projector.handler",
    "Notifier": "handlers.notifier.handler",
    "Digests": "handlers.digests.handler",
}


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_each_alias_moves_by_canary_and_rolls_back_on_its_alarms(synth: Synth, name: str) -> None:
    resources = Resources(synth.template)
    _alias_id, alias = resources.alias(HANDLERS[name])
    group_id, group = resources.at(f"Deployments/{name}/Resource")
    update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    assert update["DeploymentGroupName"] == {"Ref": group_id}
    props = group["Properties"]
    assert props["DeploymentConfigName"] == CANARY.deployment_config_name
    assert "Canary10Percent5Minutes" in props["DeploymentConfigName"]
    rollback = props["AutoRollbackConfiguration"]
    assert rollback["Enabled"] is True
    assert {"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"} <= set(rollback["Events"])
    alarms = {alarm["Name"]["Ref"] for alarm in props["AlarmConfiguration"]["Alarms"]}
    assert props["AlarmConfiguration"]["Enabled"] is True
    assert resources.id_at(f"Monitoring/{name}Errors/Resource") in alarms
    if name == "Api":
        for alarm in ("Api5xx", "ApiLatency"):
            assert resources.id_at(f"Monitoring/{alarm}/Resource") in alarms


def test_access_logs_carry_path_and_latency_and_outlive_the_stack(synth: Synth) -> None:
    resources = Resources(synth.template)
    stage = next(iter(resources.of_type("AWS::ApiGateway::Stage").values()))["Properties"]
    fields = json.loads(stage["AccessLogSetting"]["Format"])
    assert fields == ACCESS_LOG_FIELDS
    assert {"$context.path", "$context.responseLatency", "$context.status"} <= set(fields.values())
    logs = resources.at("Api/AccessLogs/Resource")[1]
    assert logs["DeletionPolicy"] == "Retain" and logs["UpdateReplacePolicy"] == "Retain"
    assert logs["Properties"]["RetentionInDays"] >= 365


@pytest.mark.parametrize(
    "kind",
    ["AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SNS::Topic",
     "AWS::Logs::LogGroup", "AWS::KMS::Key", "AWS::IAM::Role", "AWS::ApiGateway::RestApi"],
)  # fmt: skip
def test_resources_carry_the_service_tag(synth: Synth, kind: str) -> None:
    found = Resources(synth.template).of_type(kind)
    assert found
    for key, resource in found.items():
        tags = resource["Properties"].get("Tags", [])
        assert {"Key": "service", "Value": "CreditLedger"} in tags, key


def test_the_alert_bus_archives_every_alert(synth: Synth) -> None:
    resources = Resources(synth.template)
    bus = resources.id_at("Alerts/Bus/Resource")
    (archive,) = resources.of_type("AWS::Events::Archive").values()
    props = archive["Properties"]
    assert props["SourceArn"] == {"Fn::GetAtt": [bus, "Arn"]}
    assert props["RetentionDays"] == ARCHIVE_RETENTION.to_days()
    assert props["EventPattern"] == {"source": [SOURCE]}
