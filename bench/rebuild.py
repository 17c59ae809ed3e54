"""Hook: events/s replayed by `ledger rebuild` vs `json.loads` of the same stored payloads.

The history is made by real commands on the embedded SQLite store (orgs on
Ultimate using credits over months: an org event and a receipt each). The
replay is `localmode.rebuild.rebuild`, the code `ledger rebuild` runs: it pages
through the notification log, decodes the org events (receipts are skipped
undecoded) and folds them into a fresh monthly projection. The baseline is
`json.loads` of every stored payload (the `state` bytes read from the same
store beforehand), so it counts no reading at all: a floor on the cost of
looking at each event once.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.figures import interleaved, size
from bench.projection import Clock, make_history
from ledger import CreditLedger
from localmode.rebuild import rebuild

EVENTS = int(os.environ.get("BENCH_REBUILD_EVENTS", size(20000, 400)))
ROUNDS = size(5, 1)


def _payloads(ledger: CreditLedger) -> list[bytes]:
    found = ledger.recorder.select_notifications(start=1, limit=EVENTS * 2)
    return [notification.state for notification in found]


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as folder:
        env = {"PERSISTENCE_MODULE": "adapters.sqlite", "SQLITE_DBNAME": f"{folder}/e.sqlite"}
        ledger = CreditLedger(env=env, clock=Clock())
        make_history(ledger, EVENTS)
        payloads = _payloads(ledger)

        def replayed() -> float:
            started = time.perf_counter()
            _, count = rebuild(ledger)
            assert count == len(payloads)
            return count / (time.perf_counter() - started)

        def decoded() -> float:
            started = time.perf_counter()
            for payload in payloads:
                json.loads(payload)
            return len(payloads) / (time.perf_counter() - started)

        value, base, ratio = interleaved(ROUNDS, replayed, decoded)
        ledger.close()
    return {
        "value": value,
        "baseline": base,
        "ratio": ratio,
        "unit": "events/s",
        "baseline_unit": "events/s",
        "target": ">= 0.25",
        "extra": {"stored_events": len(payloads), "rounds": ROUNDS},
    }
