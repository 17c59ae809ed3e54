"""Lambda on the event table's stream: projects balances, publishes alerts.

Each record is a doorbell for one org. A record fails (and is retried by the
event source mapping) only when its org's projection is busy or an alert could
not be published; duplicates, reordering and gaps are handled by catching up
from the event store. An org too large to store is logged and skipped, so it
does not hold up the records behind it. On a schedule the same function gets
SWEEP_EVENT and publishes the alerts still pending (handlers/sweep.py).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers import metric_names
from handlers.observability import logger, metrics, tracer
from handlers.stream_records import doorbell
from handlers.sweep import sweep
from handlers.wiring import services
from projections.projector import SWEEP_EVENT
from projections.store import ProjectionTooLarge

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    bell = doorbell(record)
    if bell is None:
        return
    org_key, version = bell
    try:
        published = services().projector.handle(org_key, seen_version=version)
    except ProjectionTooLarge:
        # Retrying cannot help: stalling the shard would hold up every other org.
        metrics.add_metric(name=metric_names.PROJECTIONS_TOO_LARGE, unit=MetricUnit.Count, value=1)
        logger.exception("projection too large; org left behind", extra={"org_key": str(org_key)})
        return
    if published:
        metrics.add_metric(
            name=metric_names.ALERTS_PUBLISHED, unit=MetricUnit.Count, value=len(published)
        )
        logger.info("alerts published", extra={"org_key": str(org_key), "alert_ids": published})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(
    event: dict[str, Any], context: LambdaContext
) -> PartialItemFailureResponse | dict[str, int]:
    if event == SWEEP_EVENT:
        return sweep(services().projector)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
