"""Alarms on dead letters, function errors and throttles, stream lag and API 5xx; a dashboard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stacks.settings import (
    METRIC_ALERTS_LEFT_PENDING,
    METRIC_ALERTS_PUBLISHED,
    METRIC_CREDITS_CONSUMED,
    METRIC_CREDITS_REFUSED,
    METRIC_PROJECTIONS_TOO_LARGE,
    METRICS_NAMESPACE,
    SERVICE,
)
from tests.infra.synth import Synth
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


def test_stream_lag_and_api_server_errors_alarm(synth: Synth) -> None:
    alarms = _alarms(synth)
    assert alarms["StreamIteratorAge"]["MetricName"] == "IteratorAge"
    assert alarms["Api5xx"]["MetricName"] == "5XXError"


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
