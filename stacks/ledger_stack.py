"""The whole credit ledger in one stack, assembled from its areas.

Each area is a construct of its own; a new one (a function, a bucket) is added
here, handed what it uses, and listed in `Watched` and `deployments` if it has
functions, without changing the others.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from stacks.alerts import Alerts
from stacks.api import LedgerApi
from stacks.config import DeployConfig
from stacks.console_access import console_reader_policy
from stacks.deployment import CanaryDeployments
from stacks.digests import DigestArchive
from stacks.event_store import EventStore
from stacks.functions import LedgerCode
from stacks.monitoring import Monitoring, Watched
from stacks.projector import Projector


class LedgerStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: DeployConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, description="Event-sourced credit ledger", **kwargs)
        concurrency = config.reserved_concurrency
        code = LedgerCode(self, "Code", bytecode=config.bytecode)
        store = EventStore(self, "EventStore")
        alerts = Alerts(
            self,
            "Alerts",
            code=code,
            webhook_parameter=config.webhook_parameter,
            concurrency=concurrency["Notifier"],
        )
        projector = Projector(
            self,
            "Projector",
            code=code,
            store=store,
            bus=alerts.bus,
            concurrency=concurrency["Projector"],
        )
        api = LedgerApi(self, "Api", code=code, store=store, concurrency=concurrency["Api"])
        digests = DigestArchive(
            self, "Digests", code=code, store=store, concurrency=concurrency["Digests"]
        )
        functions = {
            "Api": api.function,
            "Projector": projector.function,
            "Notifier": alerts.notifier,
            "Digests": digests.function,
        }
        watched = Watched(
            functions={name: f.function for name, f in functions.items()},
            dead_letter_queues={
                "ProjectorFailures": projector.failures,
                "AlertDeliveryFailures": alerts.delivery_failures,
                "NotifierFailures": alerts.notifier_failures,
                "CustomerSuccessFailures": alerts.customer_success_failures,
            },
            work_queues={"CustomerSuccess": alerts.customer_success},
            tables={"Events": store.events, "Projections": store.projections},
            projector=projector.function.function,
            api=api.rest_api,
            alert_bus=alerts.bus,
            alert_rules=alerts.rules,
        )
        monitoring = Monitoring(self, "Monitoring", watched=watched, alarm_email=config.alarm_email)
        self.deployments = CanaryDeployments(
            self,
            "Deployments",
            aliases={name: f.alias for name, f in functions.items()},
            alarms=monitoring.rollback_alarms,
        )
        console = console_reader_policy(self, store)
        CfnOutput(self, "ConsoleReaderPolicyArn", value=console.managed_policy_arn)
        self._outputs(store, alerts, api, projector, monitoring)
        CfnOutput(self, "DigestBucket", value=digests.bucket.bucket_name)

    def _outputs(
        self,
        store: EventStore,
        alerts: Alerts,
        api: LedgerApi,
        projector: Projector,
        monitoring: Monitoring,
    ) -> None:
        CfnOutput(self, "ApiUrl", value=api.rest_api.url)
        CfnOutput(self, "EventsTable", value=store.events.table_name)
        CfnOutput(self, "ProjectionsTable", value=store.projections.table_name)
        CfnOutput(self, "AlertBus", value=alerts.bus.event_bus_name)
        CfnOutput(self, "CustomerSuccessQueueUrl", value=alerts.customer_success.queue_url)
        CfnOutput(self, "ProjectorFailuresQueueUrl", value=projector.failures.queue_url)
        CfnOutput(self, "ProjectorFunction", value=projector.function.alias.function_arn)
        CfnOutput(self, "AlarmTopic", value=monitoring.topic.topic_arn)
