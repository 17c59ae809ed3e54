"""The alert bus, its rules, the notifier and the queue customer success reads."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_destinations as destinations
from constructs import Construct

from adapters.notify import WEBHOOK_PARAMETER_ENV
from projections.alerts import KINDS, SOURCE
from stacks.functions import LedgerCode, LedgerFunction, ledger_function
from stacks.queues import dead_letter_queue, work_queue

# The rule patterns, one per alert type, from the alert definitions the projector emits.
ALERT_SOURCE = SOURCE
ALERT_TYPES: tuple[str, ...] = tuple(KINDS)
ARCHIVE_RETENTION = Duration.days(400)  # every alert of the last year and a bit, replayable


def alert_pattern(detail_type: str) -> dict[str, list[str]]:
    """The EventBridge pattern (as JSON) that the rule for one alert type matches."""
    return {"source": [ALERT_SOURCE], "detail-type": [detail_type]}


class Alerts(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: LedgerCode,
        webhook_parameter: str | None,
        concurrency: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "Bus", description="Credit ledger alerts")
        # Every alert the bus took, kept to be replayed to a rule (after a
        # receiver's outage, or to a new one).
        self.archive = self.bus.archive(
            "Archive",
            description="Every credit ledger alert",
            event_pattern=events.EventPattern(source=[ALERT_SOURCE]),
            retention=ARCHIVE_RETENTION,
        )
        self.notifier = self._notifier(code, webhook_parameter, concurrency)
        self.delivery_failures = dead_letter_queue(
            self, "DeliveryFailures", holds="alerts EventBridge could not deliver to a target"
        )
        self.customer_success_failures = dead_letter_queue(
            self, "CustomerSuccessFailures", holds="alerts customer success failed to handle"
        )
        self.customer_success = work_queue(
            self, "CustomerSuccess", dead_letters=self.customer_success_failures
        )
        self.rules = {detail_type: self._rule(detail_type) for detail_type in ALERT_TYPES}

    def _notifier(
        self, code: LedgerCode, webhook_parameter: str | None, concurrency: int
    ) -> LedgerFunction:
        # The webhook URL (a secret: it often carries a token) stays in SSM; the
        # template and the function's configuration hold only the parameter's name.
        environment = {WEBHOOK_PARAMETER_ENV: webhook_parameter} if webhook_parameter else {}
        notifier = ledger_function(
            self,
            "Notifier",
            code=code,
            handler="handlers.notifier.handler",
            description="credit ledger alert notifier",
            environment=environment,
            timeout=Duration.seconds(30),
            concurrency=concurrency,
            memory_size=256,
        )
        if webhook_parameter:
            stack = Stack.of(self)
            notifier.function.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["ssm:GetParameter"],
                    resources=[
                        f"arn:{stack.partition}:ssm:{stack.region}:{stack.account}:parameter"
                        f"{webhook_parameter}"
                    ],
                )
            )
        # EventBridge invokes asynchronously: an alert the notifier keeps failing
        # on lands in a queue instead of vanishing after Lambda's retries.
        self.notifier_failures = dead_letter_queue(
            self, "NotifierFailures", holds="alerts the notifier failed on after retries"
        )
        notifier.alias.configure_async_invoke(
            retry_attempts=2,
            max_event_age=Duration.hours(6),
            on_failure=destinations.SqsDestination(self.notifier_failures),
        )
        return notifier

    def _rule(self, detail_type: str) -> events.Rule:
        pattern = alert_pattern(detail_type)
        rule = events.Rule(
            self,
            f"{detail_type}Rule",
            event_bus=self.bus,
            description=f"{detail_type} alerts to the notifier and customer success",
            event_pattern=events.EventPattern(
                source=pattern["source"], detail_type=pattern["detail-type"]
            ),
        )
        dead_letters, retries, max_age = self.delivery_failures, 8, Duration.hours(24)
        rule.add_target(
            targets.LambdaFunction(
                self.notifier.alias,
                dead_letter_queue=dead_letters,
                retry_attempts=retries,
                max_event_age=max_age,
            )
        )
        rule.add_target(
            targets.SqsQueue(
                self.customer_success,
                dead_letter_queue=dead_letters,
                retry_attempts=retries,
                max_event_age=max_age,
            )
        )
        return rule
