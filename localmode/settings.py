"""Local-mode settings: where the embedded store lives and what powertools should not do."""

from __future__ import annotations

import os
from pathlib import Path

from localmode.errors import CommandError

EVENTS_FILE = "events.sqlite"


def configure(data_dir: Path, create: bool = True) -> dict[str, str]:
    """Prepares the process environment and returns the ledger's persistence settings.

    The embedded SQLite store is used unless PERSISTENCE_MODULE already names
    another store (DynamoDB, say). SQLite runs in WAL mode with synchronous=FULL:
    an acknowledged write survives a killed process and a power cut.

    With create=False (the read-only commands) nothing is made: a data dir
    without an event store is refused, so a mistyped path is reported as such.
    """
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "credit-ledger")
    if create:
        make_data_dir(data_dir)
    if os.environ.get("PERSISTENCE_MODULE"):
        return {}
    events = data_dir / EVENTS_FILE
    if not create and not events.is_file():
        raise CommandError(f"no ledger data in {data_dir}", status=1)
    return {
        "PERSISTENCE_MODULE": "adapters.sqlite",
        "SQLITE_DBNAME": str(events),
        "SQLITE_LOCK_TIMEOUT": "30",
    }


def make_data_dir(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise CommandError(f"the data dir {data_dir} is not a directory")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create the data dir {data_dir}: {error.strerror}") from None
