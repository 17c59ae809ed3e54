"""Local-mode settings: where the embedded store lives and what powertools should not do."""

from __future__ import annotations

import os
from pathlib import Path


def configure(data_dir: Path) -> dict[str, str]:
    """Prepares the process environment and returns the ledger's persistence settings.

    The embedded SQLite store is used unless PERSISTENCE_MODULE already names
    another store (DynamoDB, say). SQLite runs in WAL mode with synchronous=FULL:
    an acknowledged write survives a killed process and a power cut.
    """
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "credit-ledger")
    if os.environ.get("PERSISTENCE_MODULE"):
        return {}
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "adapters.sqlite",
        "SQLITE_DBNAME": str(data_dir / "events.sqlite"),
        "SQLITE_LOCK_TIMEOUT": "30",
    }
