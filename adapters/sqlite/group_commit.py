"""Group commit: concurrent callers' events written in one transaction."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing import sqlite as library
from eventsourcing.persistence import (
    ConnectionPoolClosedError,
    IntegrityError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteConnection

from adapters.sqlite.connections import DurableConnections


class _Pending:
    """One caller's events, waiting to be written in the next shared transaction."""

    __slots__ = ("_bell", "done", "error", "events", "handed", "ids", "shared")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.done = False
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None
        self.shared = False  # error is the whole write's failure, raised in the leader
        self.handed = False  # to lead the next write (set under the turn lock)
        # Rung once when written, or when it is to lead (then once more when its
        # own write ends, with no one waiting). A held lock, not an Event: an
        # Event builds a Condition, a few µs on every command.
        self._bell = threading.Lock()
        self._bell.acquire()

    def fail(self, error: BaseException) -> None:
        """The whole write failed, or never began: nothing of it was kept."""
        self.ids, self.error, self.shared, self.done = None, error, True, True

    def ring(self) -> None:
        self._bell.release()

    def wait(self) -> None:
        self._bell.acquire()


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
        try:
            with self._turn:
                self._queue.append(mine)
                leads, self._leading = not self._leading, True
                mine.handed = leads
            if not leads:
                mine.wait()
                leads = not mine.done  # woken to lead the next write
            if leads:
                self._lead()
        except BaseException:  # an interrupt while queued, or before leading
            self._leave(mine)
            raise
        if mine.error is None:
            return mine.ids
        if mine.shared and not leads:
            raise _for_another_caller(mine.error) from mine.error
        raise mine.error

    def _lead(self) -> None:
        batch: list[_Pending] = []
        try:
            with self._turn:
                batch, self._queue = self._queue, []
            self._write(batch)
        finally:
            for pending in batch:
                if not pending.done:  # interrupted before the write began
                    pending.fail(OperationalError("the write was interrupted"))
                pending.ring()
            with self._turn:
                self._hand_on()

    def _hand_on(self) -> None:
        """Ends a lead, holding the turn lock: the first in line leads next."""
        if self._queue:
            first = self._queue[0]
            first.handed = True
            first.ring()
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

    def _leave(self, mine: _Pending) -> None:
        """Takes an interrupted caller out of the queue, passing on the lead if it
        had been handed it: otherwise no one would write what is queued behind it,
        and every later write and the store's close would wait for ever. Events
        already taken into a write are written or not with it: the interrupted
        caller cannot know which, as with any interrupted write."""
        with self._turn:
            if mine not in self._queue:
                return
            self._queue.remove(mine)
            if mine.handed:
                self._hand_on()

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
                if failed is None:
                    pending.done = True
                else:
                    pending.fail(failed)

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


def _for_another_caller(error: BaseException) -> Exception:
    """A shared write's failure for a caller other than the leader, whose thread
    raised it: a fresh object, since one exception raised in many threads mixes
    their tracebacks. Of the same type, except that an interrupt (not an
    Exception) belongs to the thread it hit: the others get a failed write,
    which they retry (a retried command finds anything of its own that was
    kept, by its version or its receipt)."""
    if isinstance(error, Exception):
        with contextlib.suppress(Exception):
            return type(error)(*error.args)
    return OperationalError(f"the shared write failed: {error!r}")
