"""Figure 1: ConsumeCredit/s on the embedded SQLite store vs plain sqlite3 insert transactions.

Both sides use a file in the same directory, WAL and the `synchronous` level
read back from the ledger's own connection, so they pay the same fsyncs.
A third side writes what a consume writes (an org event and a receipt under a
new random id, in one transaction) with plain sqlite3 and no Python around
it: the most the ledger's two-row design could reach on this disk.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.figures import Figure, interleaved, size
from ledger import CreditLedger
from localmode.settings import configure

ROUNDS = size(15, 1)  # each round is a fraction of a second; more rounds steady the median
COMMANDS = size(300, 16)  # per round and side; a multiple of THREADS
THREADS = 8
PAYLOAD = b"x" * 300  # about the size of a stored CreditConsumed
ORG_EVENT, RECEIPT = b"x" * 190, b"x" * 310  # a consume's two stored payloads


class LedgerSide:
    """A ledger as `ledger serve` opens it, with orgs that have credits to spare."""

    def __init__(self, data_dir: Path, orgs: int) -> None:
        self.ledger = CreditLedger(env=configure(data_dir))
        self.orgs = [f"bench-{n}" for n in range(orgs)]
        for org in self.orgs:
            self.ledger.set_plan(org, "Ultimate")
            for _ in range(10):
                self.ledger.top_up(org, 100_000)
        self.count = 0

    def synchronous(self) -> int:
        recorder = self.ledger.recorder
        with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("PRAGMA synchronous")
            return int(cursor.fetchone()[0])

    def consume(self, org: str, commands: int) -> None:
        for _ in range(commands):
            self.count += 1
            n = self.count
            self.ledger.consume_credit(org, user_id=f"u-{n % 10}", enquiry_id=f"e-{n}")

    def sequential(self) -> float:
        start = time.perf_counter()
        self.consume(self.orgs[0], COMMANDS)
        return COMMANDS / (time.perf_counter() - start)

    def concurrent(self) -> float:
        share = COMMANDS // THREADS
        threads = [threading.Thread(target=self.consume, args=(org, share)) for org in self.orgs]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return share * THREADS / (time.perf_counter() - start)


class SqliteSide:
    """Plain sqlite3: one single-row INSERT per transaction, the store's table shape."""

    def __init__(self, path: Path, synchronous: int) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute(
            "CREATE TABLE rows (id TEXT, version INTEGER, topic TEXT, state BLOB,"
            " PRIMARY KEY (id, version))"
        )
        self.count = 0

    def inserts(self) -> float:
        return self._transactions(lambda n: [("r", n, "t", PAYLOAD)])

    def consume_rows(self) -> float:
        """A consume's rows: the org's next version and a receipt at a random id."""
        org = "o" * 32
        return self._transactions(
            lambda n: [
                (org, n, "ledger.domain.org:Org.CreditConsumed", ORG_EVENT),
                (uuid.uuid4().hex, 1, "ledger.domain.receipts:EnquiryReceipt.Recorded", RECEIPT),
            ]
        )

    def _transactions(self, rows: Callable[[int], list[tuple[object, ...]]]) -> float:
        """Transactions/s, each inserting rows(n) and committing on its own."""
        start = time.perf_counter()
        for _ in range(COMMANDS):
            self.count += 1
            self.db.execute("BEGIN")
            for row in rows(self.count):
                self.db.execute("INSERT INTO rows VALUES (?,?,?,?)", row)
            self.db.execute("COMMIT")
        return COMMANDS / (time.perf_counter() - start)


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as folder:
        ledger = LedgerSide(Path(folder) / "data", orgs=THREADS)
        synchronous = ledger.synchronous()
        plain = SqliteSide(Path(folder) / "plain.sqlite", synchronous)
        rows = SqliteSide(Path(folder) / "rows.sqlite", synchronous)
        ledger.consume(ledger.orgs[0], size(200, 2))  # warm up: caches, first snapshot
        plain.inserts()
        rows.consume_rows()
        figures = [
            _figure("ConsumeCredit/s, 1 caller", ledger.sequential, plain, synchronous),
            _figure(f"ConsumeCredit/s, {THREADS} threads", ledger.concurrent, plain, synchronous),
            _figure(
                "a consume's two rows by plain sqlite3 (the design's ceiling), tx/s",
                rows.consume_rows,
                plain,
                synchronous,
                target="",
            ),
        ]
        ledger.ledger.close()
        plain.db.close()
        rows.db.close()
    return figures


def _figure(
    name: str,
    measure: Callable[[], float],
    plain: SqliteSide,
    synchronous: int,
    target: str = ">= 0.5",
) -> Figure:
    value, base, ratio = interleaved(ROUNDS, measure, plain.inserts)
    level = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[synchronous]
    return Figure(
        name=f"{name} vs sqlite3 insert tx/s",
        value=value,
        baseline=base,
        ratio=ratio,
        unit="commands/s",
        baseline_unit="tx/s",
        target=target,
        extra={"journal_mode": "wal", "synchronous": level, "rounds": ROUNDS},
    )
