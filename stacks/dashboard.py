"""The dashboard: business metrics first, then the API, the functions, the queues."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from constructs import Construct

from stacks.api import STAGE
from stacks.settings import (
    METRIC_ALERTS_PUBLISHED,
    METRIC_CREDITS_CONSUMED,
    METRIC_CREDITS_REFUSED,
    METRICS_NAMESPACE,
)

if TYPE_CHECKING:
    from stacks.monitoring import Watched

PERIOD = Duration.minutes(5)


def ledger_metric(name: str, label: str) -> cw.IMetric:
    """The sum of a powertools metric over every dimension set it is emitted with."""
    search = f"SEARCH('Namespace=\"{METRICS_NAMESPACE}\" MetricName=\"{name}\"', 'Sum', 300)"
    return cw.MathExpression(expression=f"SUM({search})", label=label, period=PERIOD)


def api_metric(api: apigw.RestApi, name: str, statistic: str) -> cw.Metric:
    """One of this API's stage metrics, by its literal name and stage: no reference to
    the stage resource, which would tie the alarms (and the canaries that roll back
    on them) into a cycle with the API's deployment."""
    return cw.Metric(
        namespace="AWS/ApiGateway",
        metric_name=name,
        dimensions_map={"ApiName": api.rest_api_name, "Stage": STAGE},
        statistic=statistic,
        period=PERIOD,
    )


def build_dashboard(scope: Construct, watched: Watched, alarms: list[cw.Alarm]) -> cw.Dashboard:
    dashboard = cw.Dashboard(scope, "Dashboard", default_interval=Duration.hours(24))
    dashboard.add_widgets(*_business(watched))
    dashboard.add_widgets(*_api(watched))
    dashboard.add_widgets(*_functions(watched))
    dashboard.add_widgets(cw.AlarmStatusWidget(title="Alarms", alarms=list(alarms), width=24))
    return dashboard


def _business(watched: Watched) -> list[cw.IWidget]:
    bus = watched.alert_bus.event_bus_name
    matched = [
        cw.Metric(
            namespace="AWS/Events",
            metric_name="MatchedEvents",
            dimensions_map={"EventBusName": bus, "RuleName": rule.rule_name},
            statistic="Sum",
            period=PERIOD,
            label=f"{name} delivered",
        )
        for name, rule in watched.alert_rules.items()
    ]
    return [
        _graph("Credits used", [ledger_metric(METRIC_CREDITS_CONSUMED, "credits used")]),
        _graph("Credits refused", [ledger_metric(METRIC_CREDITS_REFUSED, "refusals")]),
        _graph("Alerts", [ledger_metric(METRIC_ALERTS_PUBLISHED, "alerts published"), *matched]),
    ]


def _api(watched: Watched) -> list[cw.IWidget]:
    api = watched.api
    return [
        _graph("API requests", [api_metric(api, "Count", "Sum")]),
        _graph("API latency p99", [api_metric(api, "Latency", "p99")]),
        _graph(
            "API errors", [api_metric(api, "4XXError", "Sum"), api_metric(api, "5XXError", "Sum")]
        ),
    ]


def _functions(watched: Watched) -> list[cw.IWidget]:
    functions = watched.functions.items()
    return [
        _graph("Function errors", [f.metric_errors(period=PERIOD, label=n) for n, f in functions]),
        _graph(
            "Function duration p99",
            [f.metric_duration(period=PERIOD, statistic="p99", label=n) for n, f in functions],
        ),
        _graph(
            "Projection lag (ms)",
            [watched.projector.metric("IteratorAge", period=PERIOD, statistic="Maximum")],
        ),
        _graph(
            "Dead-letter queues",
            [
                q.metric_approximate_number_of_messages_visible(period=PERIOD, label=n)
                for n, q in watched.dead_letter_queues.items()
            ],
        ),
    ]


def _graph(title: str, metrics: list[cw.IMetric]) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=metrics, width=8)
