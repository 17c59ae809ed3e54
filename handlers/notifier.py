"""Lambda on the alert bus rule: hands each NearLimit / LimitReached to the notifier.

A failure raises, so EventBridge retries the delivery; receivers drop repeats
by `alert_id`.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.observability import logger, metrics, tracer
from handlers.wiring import services
from projections.alerts import KINDS, SOURCE, Alert


@logger.inject_lambda_context(correlation_id_path="detail.alert_id")
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("source") != SOURCE or event.get("detail-type") not in KINDS:
        logger.warning("not an alert; ignored", extra={"event_source": event.get("source")})
        return {"notified": None}
    alert = Alert.from_event(event)  # checks the detail has what an alert carries
    services().notifier.notify(alert.event())
    metrics.add_metric(name=f"{alert.kind}Notified", unit=MetricUnit.Count, value=1)
    return {"notified": alert.alert_id}
