"""Publishes the alerts left pending, for every org the projection store lists.

A stream record is retried for an hour at most; an org that stopped writing
(one at its limit has its consumes refused, which store nothing) would keep
an alert pending for good if the bus was down all that time.
"""

from __future__ import annotations

import uuid

from aws_lambda_powertools.metrics import MetricUnit

from handlers import metric_names
from handlers.observability import logger, metrics
from projections.projector import Projector


def sweep(projector: Projector) -> dict[str, int]:
    """One org failing does not stop the others; what is left waits for the next sweep."""
    published = failed = 0
    keys = projector.store.pending_org_keys()
    for key in keys:
        try:
            published += len(projector.publish_pending(uuid.UUID(key)))
        except Exception:
            failed += 1
            logger.exception("pending alerts not published", extra={"org_key": key})
    metrics.add_metric(name=metric_names.ALERTS_PUBLISHED, unit=MetricUnit.Count, value=published)
    metrics.add_metric(name=metric_names.ALERTS_LEFT_PENDING, unit=MetricUnit.Count, value=failed)
    logger.info("pending alerts swept", extra={"orgs": len(keys), "published": published})
    return {"orgs": len(keys), "published": published, "failed": failed}
