"""Alarms on dead letters, function errors and throttles, stream lag and API 5xx; a dashboard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.tables import EVENTS, PROJECTIONS, TableSpec
from stacks.api import STAGE
from stacks.monitoring import MAX_ALERT_WAIT_S
from stacks.settings import (
    METRIC_ALERTS_LEFT_PENDING,
    METRIC_ALERTS_PUBLISHED,
    METRIC_CREDITS_CONSUMED,
    METRIC_CREDITS_REFUSED,
    METRIC_PROJECTIONS_TOO_LARGE,
    METRICS_NAMESPACE,
    SERVICE,
)
from tests.infra.synth import DEPLOY_CONTEXT, Synth
from tests.infra.template import Resources


def _alarms(synth: Synth) -> dict[str, dict[str, Any]]:
    resources = Resources(synth.template)
    return {
        value["Metadata"]["aws:cdk:path"].split("/")[2]: value["Properties"]
        for value in resources.of_type("AWS::CloudWatch::Alarm").values()
    }


@pytest.mark.parametrize(
    "queue",
    ["ProjectorFailures", "AlertDeliveryFailures", "NotifierFailures", "CustomerSuccessFailures"],
)
def test_each_dead_letter_queue_alarms_on_its_first_message(synth: Synth, queue: str) -> None:
    alarm = _alarms(synth)[f"{queue}NotEmpty"]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


@pytest.mark.parametrize("function", ["Api", "Projector", "Notifier", "Digests"])
def test_each_function_alarms_on_errors_and_throttles(synth: Synth, function: str) -> None:
    alarms = _alarms(synth)
    assert alarms[f"{function}Errors"]["MetricName"] == "Errors"
    assert alarms[f"{function}Throttles"]["MetricName"] == "Throttles"


def test_stream_lag_alarms(synth: Synth) -> None:
    assert _alarms(synth)["StreamIteratorAge"]["MetricName"] == "IteratorAge"


@pytest.mark.parametrize(
    ("alarm", "metric", "statistic"),
    [("Api5xx", "5XXError", "Average"), ("Api4xx", "4XXError", "Average"),
     ("ApiLatency", "Latency", "p99")],
)  # fmt: skip
def test_api_alarms_watch_this_apis_stage_only(
    synth: Synth, alarm: str, metric: str, statistic: str
) -> None:
    resources = Resources(synth.template)
    api = resources.at("Api/Api/Resource")[1]["Properties"]
    found = _alarms(synth)[alarm]
    assert found["MetricName"] == metric
    assert found.get("Statistic", found.get("ExtendedStatistic")) == statistic
    dimensions = {d["Name"]: d["Value"] for d in found["Dimensions"]}
    assert dimensions == {"ApiName": api["Name"], "Stage": STAGE}
    assert api["Name"] not in ("Api", "api")  # named for this stack, not a common name


def test_customer_success_alarms_on_alerts_left_unread(synth: Synth) -> None:
    resources = Resources(synth.template)
    queue = resources.id_at("Alerts/CustomerSuccess/Resource")
    alarm = _alarms(synth)["CustomerSuccessWaiting"]
    assert alarm["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert alarm["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
    ]
    assert alarm["Threshold"] == MAX_ALERT_WAIT_S


@pytest.mark.parametrize("table", [EVENTS, PROJECTIONS])
def test_each_table_alarms_on_throttled_reads_and_writes(synth: Synth, table: TableSpec) -> None:
    resources = Resources(synth.template)
    table_id = resources.id_at(f"EventStore/{table.logical_id}/Resource")
    name = "Events" if table is EVENTS else "Projections"
    alarm = _alarms(synth)[f"{name}TableThrottled"]
    metrics = {
        m["MetricStat"]["Metric"]["MetricName"]: m["MetricStat"]["Metric"]["Dimensions"]
        for m in alarm["Metrics"]
        if "MetricStat" in m
    }
    assert set(metrics) == {"ReadThrottleEvents", "WriteThrottleEvents"}
    for dimensions in metrics.values():
        assert dimensions == [{"Name": "TableName", "Value": {"Ref": table_id}}]
    assert alarm["Threshold"] == 1


@pytest.mark.parametrize("metric", [METRIC_PROJECTIONS_TOO_LARGE, METRIC_ALERTS_LEFT_PENDING])
def test_what_the_projector_logs_and_skips_alarms(synth: Synth, metric: str) -> None:
    alarm = _alarms(synth)[metric]
    assert (alarm["Namespace"], alarm["MetricName"]) == (METRICS_NAMESPACE, metric)
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    assert alarm["Threshold"] == 1


def test_every_alarm_notifies_the_encrypted_alarm_topic(synth: Synth) -> None:
    resources = Resources(synth.template)
    topic_id, topic = resources.at("Monitoring/AlarmTopic/Resource")
    assert topic["Properties"]["KmsMasterKeyId"]
    for alarm in _alarms(synth).values():
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]


def test_the_alarm_topic_has_the_configured_subscriber(synth: Synth) -> None:
    resources = Resources(synth.template)
    topic_id = resources.id_at("Monitoring/AlarmTopic/Resource")
    (subscription,) = resources.of_type("AWS::SNS::Subscription").values()
    assert subscription["Properties"] == {
        "Protocol": "email",
        "TopicArn": {"Ref": topic_id},
        "Endpoint": DEPLOY_CONTEXT["alarm_email"],
    }


def test_the_dashboard_shows_the_ledgers_metrics(synth: Synth) -> None:
    resources = Resources(synth.template)
    dashboards = list(resources.of_type("AWS::CloudWatch::Dashboard").values())
    assert len(dashboards) == 1
    body = json.dumps(dashboards[0]["Properties"]["DashboardBody"])
    for name in (METRIC_CREDITS_CONSUMED, METRIC_CREDITS_REFUSED, METRIC_ALERTS_PUBLISHED):
        assert f'MetricName=\\\\\\"{name}\\\\\\"' in body or name in body
    assert METRICS_NAMESPACE in body
    assert "IteratorAge" in body and "MatchedEvents" in body


def test_the_handlers_emit_into_the_namespace_the_dashboard_reads() -> None:
    from handlers import observability

    assert observability.NAMESPACE == METRICS_NAMESPACE
    assert observability.SERVICE == SERVICE
