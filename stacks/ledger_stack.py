"""The whole credit ledger in one stack, assembled from its areas."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from stacks.alerts import Alerts
from stacks.api import LedgerApi
from stacks.digests import DigestArchive
from stacks.event_store import EventStore
from stacks.functions import LedgerCode
from stacks.monitoring import Monitoring, Watched
from stacks.projector import Projector


class LedgerStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alert_webhook_url: str | None = None,
        alarm_email: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, description="Event-sourced credit ledger", **kwargs)
        code = LedgerCode(self, "Code")
        store = EventStore(self, "EventStore")
        alerts = Alerts(self, "Alerts", code=code, webhook_url=alert_webhook_url)
        projector = Projector(self, "Projector", code=code, store=store, bus=alerts.bus)
        api = LedgerApi(self, "Api", code=code, store=store)
        digests = DigestArchive(self, "Digests", code=code, store=store)
        watched = Watched(
            functions={
                "Api": api.function,
                "Projector": projector.function,
                "Notifier": alerts.notifier,
                "Digests": digests.function,
            },
            dead_letter_queues={
                "ProjectorFailures": projector.failures,
                "AlertDeliveryFailures": alerts.delivery_failures,
                "NotifierFailures": alerts.notifier_failures,
                "CustomerSuccessFailures": alerts.customer_success_failures,
            },
            projector=projector.function,
            api=api.rest_api,
            alert_bus=alerts.bus,
            alert_rules=alerts.rules,
        )
        monitoring = Monitoring(self, "Monitoring", watched=watched, alarm_email=alarm_email)
        self._outputs(store, alerts, api, monitoring)
        CfnOutput(self, "DigestBucket", value=digests.bucket.bucket_name)

    def _outputs(
        self, store: EventStore, alerts: Alerts, api: LedgerApi, monitoring: Monitoring
    ) -> None:
        CfnOutput(self, "ApiUrl", value=api.rest_api.url)
        CfnOutput(self, "EventsTable", value=store.events.table_name)
        CfnOutput(self, "ProjectionsTable", value=store.projections.table_name)
        CfnOutput(self, "AlertBus", value=alerts.bus.event_bus_name)
        CfnOutput(self, "CustomerSuccessQueueUrl", value=alerts.customer_success.queue_url)
        CfnOutput(self, "AlarmTopic", value=monitoring.topic.topic_arn)
