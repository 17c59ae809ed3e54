"""Wires the projection into `ledger serve`: the store, the alert sink and the worker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from adapters.notify import WEBHOOK_ENV, AllOf, LogNotifier, Notifier, WebhookNotifier
from adapters.projection_sqlite import SQLiteProjectionStore
from ledger import CreditLedger
from localmode.alerts import JsonLinesAlertSink
from localmode.delivery import WebhookDelivery
from localmode.feeds import feed_for
from localmode.worker import ProjectionWorker
from projections.settings import AlertSettings

PROJECTIONS_FILE = "projections.sqlite"
ALERTS_FILE = "alerts.jsonl"
SENT_FILE = "alerts-sent.txt"  # ids the webhook is done with


def open_projection_store(data_dir: Path) -> SQLiteProjectionStore:
    data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteProjectionStore(data_dir / PROJECTIONS_FILE)


class LocalProjection:
    """The projection worker and, with a webhook set, its delivery thread."""

    def __init__(
        self,
        store: SQLiteProjectionStore,
        worker: ProjectionWorker,
        delivery: WebhookDelivery | None,
    ) -> None:
        self.store = store
        self.worker = worker
        self.delivery = delivery

    def stop(self) -> None:
        self.worker.stop()
        if self.delivery is not None:
            self.delivery.stop()


def start_projection(ledger: CreditLedger, data_dir: Path, logger: Any) -> LocalProjection:
    """Serves usage from the local projection and keeps it (and the alerts) current."""
    store = open_projection_store(data_dir)
    feed = feed_for(ledger, store, data_dir)  # first: a store it cannot follow stops the start
    if store.lacks_rows:
        logger.info("projecting every event again: the projection lacks the cross-org rows")
        store.forget()
    notifier: Notifier = LogNotifier(logger)
    delivery = None
    url = os.environ.get(WEBHOOK_ENV)
    if url:
        webhook = WebhookNotifier(url)
        alerts, sent = data_dir / ALERTS_FILE, data_dir / SENT_FILE
        delivery = WebhookDelivery(alerts, sent, webhook, logger)
        notifier = AllOf(notifier, delivery)
    sink = JsonLinesAlertSink(data_dir / ALERTS_FILE, notifier, logger)
    if delivery is not None:
        delivery.start()  # after the sink has mended a line cut short, before it writes
    worker = ProjectionWorker(
        ledger, store, sink, AlertSettings.from_env(os.environ), logger=logger, feed=feed
    )
    worker.start()
    return LocalProjection(store, worker, delivery)
