"""The embedded SQLite event store: the library's, with group commit and cheaper connections.

Selected with PERSISTENCE_MODULE=adapters.sqlite (what `ledger serve` uses).
- Concurrent commands share one transaction, so one fsync (GroupCommitRecorder).
- The library opens each connection with a statement cache of one
  (`cached_statements=True`), so every command prepared its BEGIN and INSERT
  again: about 20 µs of a command's CPU. Here each connection keeps its statements.
- `synchronous=FULL` is set rather than left to the build's default, so an
  acknowledged write survives a power cut.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing import sqlite as library
from eventsourcing.persistence import (
    ConnectionPoolClosedError,
    IntegrityError,
    InterfaceError,
    StoredEvent,
)
from eventsourcing.sqlite import SQLITE3_DEFAULT_LOCK_TIMEOUT, SQLiteConnection
from eventsourcing.utils import Environment, EnvType

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


class _Pending:
    """One caller's events, waiting to be written in the next shared transaction."""

    __slots__ = ("done", "error", "events", "ids", "woken")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.done = False
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None
        self.woken = threading.Event()  # set when written, or when it is to lead


class GroupCommitRecorder(library.SQLiteApplicationRecorder):
    """Writes concurrent callers' events in one transaction: one fsync for all.

    Each caller queues its events. If no write is under way, it leads: it takes
    everything queued so far and writes it, each caller's rows under its own
    savepoint, so a caller whose rows conflict (a version already taken) gets
    its IntegrityError while the others commit. The others wait to be woken:
    when the write holding theirs has ended, or, for the first in line, to lead
    the next one. A caller succeeds only if the shared COMMIT returned; any
    other end fails every caller in it, and each retries as after any failed
    write. A lone caller writes alone, as before. Only the leader writes, so it
    writes on a connection of its own, without the pool's locking (about 15 µs
    a command).
    """

    def __init__(
        self, datastore: library.SQLiteDatastore, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name)
        self._queue: list[_Pending] = []
        self._turn = threading.Condition()  # guards the queue and the lead
        self._leading = False
        self._writer: SQLiteConnection | None = None
        self._closed = False

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        mine = _Pending(stored_events)
        with self._turn:
            self._queue.append(mine)
            leads, self._leading = not self._leading, True
        if not leads:
            mine.woken.wait()
            leads = not mine.done  # woken to lead the next write
        if leads:
            self._lead()
        if mine.error is not None:
            raise mine.error
        return mine.ids

    def _lead(self) -> None:
        with self._turn:
            batch, self._queue = self._queue, []
        try:
            self._write(batch)
        finally:
            for pending in batch:
                pending.woken.set()
            with self._turn:
                if self._queue:
                    self._queue[0].woken.set()  # the first in line leads next
                else:
                    self._leading = False
                    self._turn.notify_all()  # a close may be waiting

    def _transaction(self) -> Any:
        if self._closed:
            raise ConnectionPoolClosedError
        pool = self.datastore.pool
        if self._writer is None and isinstance(pool, DurableConnections):
            self._writer = pool.dedicated(self._close_writer)
        if self._writer is None:
            return self.datastore.transaction(commit=True)
        return library.SQLiteTransaction(self._writer, commit=True)

    def _write(self, batch: list[_Pending]) -> None:
        failed: BaseException | None = None
        try:
            with self._transaction() as cursor:
                if len(batch) == 1:
                    batch[0].ids = self._insert_events(cursor, batch[0].events)
                else:
                    for pending in batch:
                        self._write_one(cursor, pending)
        except BaseException as error:  # none of it was written
            failed = error
            self._roll_back()
        finally:
            for pending in batch:
                if failed is not None:  # the leader raises it too, as its own error
                    pending.ids, pending.error = None, failed
                pending.done = True

    def _roll_back(self) -> None:
        """Ends a transaction a failed COMMIT can leave open. The writer may be
        closed already; the failure that matters is the one being reported."""
        with contextlib.suppress(Exception):
            if self._writer is not None and self._writer._sqlite_conn.in_transaction:
                self._writer.rollback()

    def _close_writer(self) -> None:
        """Closes the writer once the write under way (if any) has ended."""
        with self._turn:
            while self._leading:
                self._turn.wait()
            self._closed = True
            if self._writer is not None:
                self._writer.close()

    def _write_one(self, cursor: Any, pending: _Pending) -> None:
        cursor.execute("SAVEPOINT caller")
        try:
            pending.ids = self._insert_events(cursor, pending.events)
        except sqlite3.IntegrityError as error:
            cursor.execute("ROLLBACK TO caller")
            pending.error = IntegrityError(error)
        cursor.execute("RELEASE caller")


# The library finds a module's factory by looking for its one factory class,
# so the base class is named through the module, not imported here.
class Factory(library.SQLiteFactory):
    application_recorder_class = GroupCommitRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        unused = self.datastore.pool  # holds no connection yet: nothing was opened
        self.datastore.pool = DurableConnections(
            db_name=unused.db_name, lock_timeout=unused.lock_timeout
        )
        unused.close()
