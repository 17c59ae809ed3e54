"""Alarms (to an encrypted SNS topic) and one dashboard for the whole ledger."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from stacks.dashboard import api_metric, build_dashboard
from stacks.settings import (
    METRIC_ALERTS_LEFT_PENDING,
    METRIC_PROJECTIONS_TOO_LARGE,
    METRICS_NAMESPACE,
    SERVICE,
)

ONE_MINUTE = Duration.minutes(1)
FIVE_MINUTES = Duration.minutes(5)
MAX_ITERATOR_AGE_MS = 60_000  # the projections lag the events by more than a minute
MAX_5XX_RATE = 0.01  # share of API requests over five minutes
# 402 refusals are 4xx too: an org at its limit is business as usual, so only a
# large share over fifteen minutes (a broken caller, bad signatures) alarms.
MAX_4XX_RATE = 0.25
MAX_P99_LATENCY_MS = 3_000  # well under the function's 10 s timeout
MAX_ALERT_WAIT_S = 4 * 3600  # an alert customer success has not read in four hours


@dataclass(frozen=True)
class Watched:
    """What the alarms and the dashboard look at."""

    functions: dict[str, lambda_.Function]
    dead_letter_queues: dict[str, sqs.IQueue]
    work_queues: dict[str, sqs.IQueue]  # read by people: alarmed on the oldest message's age
    tables: dict[str, dynamodb.ITable]
    projector: lambda_.Function
    api: apigw.RestApi
    alert_bus: events.IEventBus
    alert_rules: dict[str, events.Rule]


class Monitoring(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, watched: Watched, alarm_email: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = self._topic(alarm_email)
        self.alarms: list[cw.Alarm] = []
        # Function name -> the alarms that roll a canary deployment of it back.
        self.rollback_alarms: dict[str, list[cw.IAlarm]] = {}
        self._add_alarms(watched)
        self.dashboard = build_dashboard(self, watched, self.alarms)

    def _add_alarms(self, watched: Watched) -> None:
        for name, queue in watched.dead_letter_queues.items():
            depth = queue.metric_approximate_number_of_messages_visible(
                period=ONE_MINUTE, statistic="Maximum"
            )
            self._alarm(f"{name}NotEmpty", depth, 1, f"{name} holds messages")
        for name, queue in watched.work_queues.items():
            age = queue.metric_approximate_age_of_oldest_message(
                period=FIVE_MINUTES, statistic="Maximum"
            )
            self._alarm(f"{name}Waiting", age, MAX_ALERT_WAIT_S, f"{name} has unread messages")
        for name, function in watched.functions.items():
            errors = function.metric_errors(period=ONE_MINUTE, statistic="Sum")
            failed = self._alarm(f"{name}Errors", errors, 1, f"The {name} function failed")
            throttles = function.metric_throttles(period=ONE_MINUTE, statistic="Sum")
            self._alarm(f"{name}Throttles", throttles, 1, f"The {name} function was throttled")
            self.rollback_alarms[name] = [failed]
        for name, table in watched.tables.items():
            self._alarm(
                f"{name}TableThrottled",
                _throttle_events(table),
                1,
                f"DynamoDB throttled requests on the {name.lower()} table",
            )
        age = watched.projector.metric("IteratorAge", period=ONE_MINUTE, statistic="Maximum")
        self._alarm("StreamIteratorAge", age, MAX_ITERATOR_AGE_MS, "Projections lag the events")
        for name, description in (
            (METRIC_PROJECTIONS_TOO_LARGE, "An org's projection is too large to store"),
            (METRIC_ALERTS_LEFT_PENDING, "The sweep could not publish pending alerts"),
        ):
            self._alarm(name, _ledger_metric(name), 1, description)
        self._api_alarms(watched.api)

    def _api_alarms(self, api: apigw.RestApi) -> None:
        """On this API's stage only (its unique name and the stage as dimensions)."""
        server_errors = api_metric(api, "5XXError", "Average")
        answers_5xx = self._alarm("Api5xx", server_errors, MAX_5XX_RATE, "The API answers 5xx")
        client_errors = api_metric(api, "4XXError", "Average")
        self._alarm(
            "Api4xx", client_errors, MAX_4XX_RATE, "The API refuses many requests", periods=3
        )
        latency = api_metric(api, "Latency", "p99")
        slow = self._alarm("ApiLatency", latency, MAX_P99_LATENCY_MS, "The API is slow (p99)")
        self.rollback_alarms["Api"] = [*self.rollback_alarms.get("Api", []), answers_5xx, slow]

    def _topic(self, alarm_email: str) -> sns.Topic:
        # A customer managed key, because CloudWatch cannot publish to a topic
        # encrypted with the AWS managed SNS key.
        key = kms.Key(
            self,
            "AlarmKey",
            description="Encrypts credit ledger alarm notifications",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
            pending_window=Duration.days(7),
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        )
        topic = sns.Topic(self, "AlarmTopic", master_key=key, enforce_ssl=True)
        topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        return topic

    def _alarm(
        self,
        name: str,
        metric: cw.IMetric,
        threshold: float,
        description: str,
        periods: int = 1,
    ) -> cw.Alarm:
        alarm = cw.Alarm(
            self,
            name,
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        return alarm


def _throttle_events(table: dynamodb.ITable) -> cw.IMetric:
    """Reads and writes DynamoDB throttled on the table (on demand throttles too)."""

    def events(name: str) -> cw.Metric:
        return cw.Metric(
            namespace="AWS/DynamoDB",
            metric_name=name,
            dimensions_map={"TableName": table.table_name},
            statistic="Sum",
            period=ONE_MINUTE,
        )

    return cw.MathExpression(
        expression="reads + writes",
        using_metrics={
            "reads": events("ReadThrottleEvents"),
            "writes": events("WriteThrottleEvents"),
        },
        period=ONE_MINUTE,
        label="throttled",
    )


def _ledger_metric(name: str) -> cw.Metric:
    """A powertools metric of the handlers (dimension: the service)."""
    return cw.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": SERVICE},
        statistic="Sum",
        period=FIVE_MINUTES,
    )
