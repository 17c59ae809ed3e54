"""Tampering with stored org events, as someone with write access to the store could."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ledger import CreditLedger, audit
from ledger.domain.org import org_uuid

Row = tuple[str, dict[str, Any]]  # topic, state


class StoredEvents:
    """An org's stored events, edited under the ledger's feet (SQLite or DynamoDB)."""

    def __init__(self, ledger: CreditLedger, org_id: str) -> None:
        self.ledger = ledger
        self.recorder: Any = ledger.recorder
        self.key = org_uuid(org_id)
        self.dynamodb = hasattr(self.recorder, "client")
        self.sqlite_path = str(ledger.env.get("SQLITE_DBNAME"))

    def get(self, version: int) -> Row:
        if self.dynamodb:
            item = self.recorder.client.get_item(
                TableName=self.recorder.table_name, Key=self._key(version)
            )["Item"]
            return item["topic"]["S"], json.loads(bytes(item["state"]["B"]))
        with self._sqlite() as db:
            topic, state = db.execute(
                f"SELECT topic, state FROM {self._table} "
                "WHERE originator_id=? AND originator_version=?",
                (self.key.hex, version),
            ).fetchone()
        return topic, json.loads(state)

    def put(self, version: int, row: Row) -> None:
        topic, state = row
        data = json.dumps(state).encode()
        if self.dynamodb:
            item = {**self._key(version), "topic": {"S": topic}, "state": {"B": data}}
            self.recorder.client.put_item(TableName=self.recorder.table_name, Item=item)
            return
        with self._sqlite() as db:
            db.execute(
                f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?, ?, ?)",
                (self.key.hex, version, topic, data),
            )

    def delete(self, version: int) -> None:
        if self.dynamodb:
            self.recorder.client.delete_item(
                TableName=self.recorder.table_name, Key=self._key(version)
            )
            return
        with self._sqlite() as db:
            db.execute(
                f"DELETE FROM {self._table} WHERE originator_id=? AND originator_version=?",
                (self.key.hex, version),
            )

    def edit(self, version: int, **changes: Any) -> None:
        topic, state = self.get(version)
        self.put(version, (topic, {**state, **changes}))

    def versions(self) -> list[int]:
        return [event.originator_version for event in self.ledger.events.get(self.key)]

    def strip_hashes(self) -> None:
        """As the events were before hashes were stored with them."""
        for version in self.versions():
            topic, state = self.get(version)
            state.pop("hash", None)
            self.put(version, (topic, state))

    def rehash(self, org_id: str) -> None:
        """Stores the hashes the edited history gives, as someone covering their tracks would."""
        self.strip_hashes()
        for event in list(audit.hashed(org_id, self.ledger.events.get(self.key))):
            topic, state = self.get(event.version)
            self.put(event.version, (topic, {**state, "hash": event.hash}))

    def _key(self, version: int) -> dict[str, Any]:
        return {"stream_id": {"S": str(self.key)}, "version": {"N": str(version)}}

    @property
    def _table(self) -> str:
        return str(self.recorder.events_table_name)

    @contextmanager
    def _sqlite(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.sqlite_path, isolation_level=None)
        try:
            yield db
        finally:
            db.close()
