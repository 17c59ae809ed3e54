"""The projection store on an embedded SQLite database (local mode)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from projections.alerts import Alert
from projections.balance import Balance, OrgView
from projections.orgs import SORTS, OrgRow, OrgsQuery
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
CREATE TABLE IF NOT EXISTS org_rows (
  org_key TEXT NOT NULL, month TEXT NOT NULL, state TEXT NOT NULL, plan TEXT NOT NULL,
  run_out TEXT NOT NULL, used_share TEXT NOT NULL, org_id TEXT NOT NULL, row TEXT NOT NULL,
  PRIMARY KEY (org_key, month));
CREATE INDEX IF NOT EXISTS org_rows_run_out ON org_rows (month, run_out);
CREATE INDEX IF NOT EXISTS org_rows_used_share ON org_rows (month, used_share);
CREATE INDEX IF NOT EXISTS org_rows_org_id ON org_rows (month, org_id);
"""
_PAGE = 200  # rows read at a time by a listing


class SQLiteProjectionStore(ProjectionStore):
    """One connection shared by the worker and the readers, behind a lock."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # rebuildable from the events
            had_rows = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE name='org_rows'"
            ).fetchone()
            self._db.executescript(_SCHEMA)
            # A projection made before the cross-org rows existed lacks them.
            self.lacks_rows = (
                had_rows is None
                and self._db.execute("SELECT 1 FROM heads LIMIT 1").fetchone() is not None
            )

    def forget(self) -> None:
        """Drops what was projected (not the alerts pending): the next run projects
        every event again; the sink writes an alert it already has only once."""
        with self._lock:
            self._db.executescript(
                "BEGIN; DELETE FROM heads; DELETE FROM balances; DELETE FROM org_rows;"
                " DELETE FROM positions; COMMIT;"
            )
            self.lacks_rows = False

    def take_over(self, source: ProjectionStore, positions: dict[str, int]) -> None:
        """Makes what `source` projected this store's, in one transaction: its heads,
        balances and rows replace these, its pending alerts join those waiting
        here, and the positions are set. A crash leaves the old projection whole."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for table in ("heads", "balances", "org_rows", "positions"):
                    db.execute(f"DELETE FROM {table}")
                for key in source.org_keys():
                    head = source.head(key)
                    assert head is not None
                    db.execute(
                        "INSERT INTO heads VALUES (?, ?, ?)",
                        (key, head.version, json.dumps(head.to_dict())),
                    )
                    db.executemany(
                        "INSERT INTO balances VALUES (?, ?, ?, ?)",
                        [
                            (key, b.period, b.version, json.dumps(b.to_dict()))
                            for b in source.balances(key)
                        ],
                    )
                    db.executemany(
                        "INSERT INTO org_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [_row_values(key, row) for row in source.rows(key)],
                    )
                    db.executemany(
                        "INSERT OR IGNORE INTO pending_alerts VALUES (?, ?, ?)",
                        [(a.alert_id, key, a.to_json()) for a in source.pending(key)],
                    )
                db.executemany("INSERT INTO positions VALUES (?, ?)", list(positions.items()))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

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
        rows: Sequence[OrgRow] = (),
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
                db.executemany(
                    "INSERT OR REPLACE INTO org_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [_row_values(org_key, row) for row in rows],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return True

    def rows(self, org_key: str) -> list[OrgRow]:
        sql = "SELECT row FROM org_rows WHERE org_key=? ORDER BY month"
        return [OrgRow.from_stored(json.loads(str(r[0]))) for r in self._all(sql, org_key)]

    def ordered_rows(self, query: OrgsQuery) -> Iterator[OrgRow]:
        """A page of the index at a time, filtered in the query, read as asked for."""
        column = query.sort  # one of SORTS: a column name, never the caller's text
        assert column in SORTS
        where, args = [f"month=? AND {column}>?"], [query.month]
        if query.state != "all":
            where.append("state=?")
            args.append(query.state)
        if query.plan is not None:
            where.append("plan=?")
            args.append(query.plan)
        sql = (
            f"SELECT {column}, row FROM org_rows WHERE {' AND '.join(where)} "
            f"ORDER BY {column} LIMIT {_PAGE}"
        )
        after = query.after or ""
        while True:
            found = self._all(sql, args[0], after, *args[1:])
            for _, row in found:
                yield OrgRow.from_stored(json.loads(str(row)))
            if len(found) < _PAGE:
                return
            after = str(found[-1][0])

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


def _row_values(org_key: str, row: OrgRow) -> tuple[str, ...]:
    keys = tuple(row.key(sort) for sort in SORTS)
    return (org_key, row.month, row.state, row.plan, *keys, json.dumps(row.to_stored()))
