"""The projection store on an embedded SQLite database (local mode)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from projections.alerts import Alert
from projections.balance import Balance, OrgView
from projections.store import ProjectionStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS heads (
  org_key TEXT PRIMARY KEY, version INTEGER NOT NULL, view TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS balances (
  org_key TEXT NOT NULL, period TEXT NOT NULL, version INTEGER NOT NULL,
  balance TEXT NOT NULL, PRIMARY KEY (org_key, period));
CREATE TABLE IF NOT EXISTS pending_alerts (
  alert_id TEXT PRIMARY KEY, org_key TEXT NOT NULL, event TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS positions (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
"""


class SQLiteProjectionStore(ProjectionStore):
    """One connection shared by the worker and the readers, behind a lock."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # rebuildable from the events
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _one(self, sql: str, *args: object) -> tuple[object, ...] | None:
        with self._lock:
            row: tuple[object, ...] | None = self._db.execute(sql, args).fetchone()
            return row

    def _all(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def head(self, org_key: str) -> OrgView | None:
        row = self._one("SELECT view FROM heads WHERE org_key=?", org_key)
        return OrgView.from_dict(json.loads(str(row[0]))) if row else None

    def balance(self, org_key: str, period: str) -> Balance | None:
        sql = "SELECT balance FROM balances WHERE org_key=? AND period=?"
        row = self._one(sql, org_key, period)
        return Balance.from_dict(json.loads(str(row[0]))) if row else None

    def balances(self, org_key: str) -> list[Balance]:
        sql = "SELECT balance FROM balances WHERE org_key=? ORDER BY version"
        return [Balance.from_dict(json.loads(str(r[0]))) for r in self._all(sql, org_key)]

    def save(
        self,
        org_key: str,
        expected_version: int,
        view: OrgView,
        balances: Sequence[Balance],
        alerts: Sequence[Alert],
    ) -> bool:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT version FROM heads WHERE org_key=?", (org_key,)).fetchone()
                if (row[0] if row else 0) != expected_version:
                    db.execute("ROLLBACK")
                    return False
                db.execute(
                    "INSERT OR REPLACE INTO heads VALUES (?, ?, ?)",
                    (org_key, view.version, json.dumps(view.to_dict())),
                )
                db.executemany(
                    "INSERT OR REPLACE INTO balances VALUES (?, ?, ?, ?)",
                    [(org_key, b.period, b.version, json.dumps(b.to_dict())) for b in balances],
                )
                db.executemany(
                    "INSERT OR IGNORE INTO pending_alerts VALUES (?, ?, ?)",
                    [(a.alert_id, org_key, a.to_json()) for a in alerts],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return True

    def pending(self, org_key: str) -> list[Alert]:
        sql = "SELECT event FROM pending_alerts WHERE org_key=? ORDER BY rowid"
        return [Alert.from_json(str(r[0])) for r in self._all(sql, org_key)]

    def pending_org_keys(self) -> list[str]:
        return [str(r[0]) for r in self._all("SELECT DISTINCT org_key FROM pending_alerts")]

    def mark_published(self, org_key: str, alert_ids: Iterable[str]) -> None:
        with self._lock:
            self._db.executemany(
                "DELETE FROM pending_alerts WHERE alert_id=?", [(i,) for i in alert_ids]
            )

    def org_keys(self) -> Iterator[str]:
        return iter([str(r[0]) for r in self._all("SELECT org_key FROM heads ORDER BY org_key")])

    def position(self, name: str) -> int:
        row = self._one("SELECT position FROM positions WHERE name=?", name)
        return int(str(row[0])) if row else 0

    def set_position(self, name: str, position: int) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO positions VALUES (?, ?)", (name, position))
