"""Wires the projection into `ledger serve`: the store, the alert sink and the worker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from adapters.notify import notifier_from_env
from adapters.projection_sqlite import SQLiteProjectionStore
from handlers import wiring
from ledger import CreditLedger
from localmode.alerts import JsonLinesAlertSink
from localmode.worker import ProjectionWorker
from projections.settings import AlertSettings

PROJECTIONS_FILE = "projections.sqlite"
ALERTS_FILE = "alerts.jsonl"


def open_projection_store(data_dir: Path) -> SQLiteProjectionStore:
    data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteProjectionStore(data_dir / PROJECTIONS_FILE)


def start_projection(ledger: CreditLedger, data_dir: Path, logger: Any) -> ProjectionWorker:
    """Serves usage from the local projection and keeps it (and the alerts) current."""
    store = open_projection_store(data_dir)
    wiring.use_projection_store(store)
    sink = JsonLinesAlertSink(data_dir / ALERTS_FILE, notifier_from_env(logger), logger)
    worker = ProjectionWorker(
        ledger, store, sink, AlertSettings.from_env(os.environ), logger=logger
    )
    worker.start()
    return worker
