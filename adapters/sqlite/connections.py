"""Connections that keep their prepared statements and are durable by setting."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from eventsourcing import sqlite as library
from eventsourcing.persistence import ConnectionPoolClosedError, InterfaceError
from eventsourcing.sqlite import SQLITE3_DEFAULT_LOCK_TIMEOUT, SQLiteConnection

STATEMENT_CACHE = 64


class DurableConnections(library.SQLiteConnectionPool):
    def __init__(self, *, db_name: str, lock_timeout: int | None = None) -> None:
        super().__init__(db_name=db_name, lock_timeout=lock_timeout)
        self._closers: list[Callable[[], None]] = []

    def dedicated(self, closer: Callable[[], None]) -> SQLiteConnection | None:
        """A connection outside the pool, for a caller that serialises its own use;
        `closer` closes it when the pool closes. None for an in-memory store, where
        each connection would be another database."""
        if self.is_sqlite_memory_mode:
            return None
        if self.closed:
            raise ConnectionPoolClosedError
        self._closers.append(closer)
        return self._create_connection()

    def close(self) -> None:
        super().close()
        for closer in self._closers:
            closer()

    def _create_connection(self) -> SQLiteConnection:
        try:
            connection = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,  # the recorders issue BEGIN themselves
                cached_statements=STATEMENT_CACHE,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as error:
            raise InterfaceError(error) from error
        if not self.is_sqlite_memory_mode:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            self.is_journal_mode_wal = True
        connection.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=connection, max_age=self.max_age)
