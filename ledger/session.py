"""The org unit of work: where a command is decided, saved and retried.

A command decides on a warm copy of its org, under the org's stripe lock, and
saves the org's new events and its receipt with one conditional write. A
conflict means another writer got there first: either the receipt already
exists (a repeat: answer as the first time), or the org moved on (reload and
decide again). A read or write the store cannot serve now (throttled, say) is
tried again after a pause; a write whose outcome is unknown is then found by
its receipt or its version.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar, cast

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, OperationalError

from ledger import audit, deadline
from ledger.domain import errors
from ledger.domain.org import Org, org_uuid
from ledger.domain.receipts import Receipt
from ledger.validation import MAX_VERSION

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
R = TypeVar("R")
E = TypeVar("E", bound=Receipt.Recorded)
# A decision: the answer, and the receipts to save with the org's new events.
Decision = tuple[R, list[Receipt.Recorded]]
Replay = Callable[[], R | None]


class _Again(enum.Enum):
    """An attempt that must be made again: at once (the org moved on) or after a pause."""

    NOW = "now"
    LATER = "later"


def _nothing_earlier() -> None:
    return None


class OrgSessions:
    """Owns the warm org copies, the per-org locks, the retries, the stale check,
    replay from receipts and the one atomic save, for one application."""

    attempts = 10
    lock_stripes = 64

    def __init__(self, app: Application[uuid.UUID], clock: Clock) -> None:
        self.app = app
        self.clock = clock
        self._locks = [threading.Lock() for _ in range(self.lock_stripes)]
        # Receipts of this thread's command whose save had an unknown outcome: one
        # found later is its own earlier attempt's, answered as the first time.
        self._attempted = threading.local()

    # --- the get, decide, save loop ----------------------------------------

    def run(
        self,
        org_id: str,
        decide: Callable[[Org, datetime], Decision[R]],
        replay: Replay[R] = _nothing_earlier,
        replay_first: bool = False,
    ) -> R:
        """Decides on the org and saves the decision, trying again as needed.

        `replay` finds the answer of an earlier run of the same command (by its
        receipt). Refusals are checked against it too, since a repeat returns
        its first answer whatever the balance is now. With `replay_first`,
        receipts are looked for before deciding: one kept under an older key
        (see ledger.domain.receipts) would not clash with the new receipt's write.
        """
        self._attempted.receipts = []
        if replay_first and (earlier := replay()) is not None:
            return earlier
        with self._locked(org_id):
            for attempt in range(self.attempts):
                if deadline.passed():
                    break
                try:
                    outcome = self._attempt(org_id, decide, replay)
                except OperationalError:
                    outcome = _Again.LATER
                if outcome is _Again.LATER:
                    self._pause(random.uniform(0, 0.002 * 2**attempt))
                elif outcome is not _Again.NOW:
                    return outcome
        if deadline.passed():
            raise errors.Busy("the store did not answer in time; try again")
        raise errors.Busy("the org is busy; try again")

    @contextlib.contextmanager
    def _locked(self, org_id: str) -> Iterator[None]:
        """The org's stripe lock, waited for until the request's deadline at most."""
        lock = self._locks[hash(org_id) % self.lock_stripes]
        left = deadline.remaining()
        if not lock.acquire(timeout=-1 if left is None else max(left, 0)):
            raise errors.Busy("the org is busy; try again")
        try:
            yield
        finally:
            lock.release()

    @staticmethod
    def _pause(seconds: float) -> None:
        left = deadline.remaining()
        time.sleep(seconds if left is None else max(min(seconds, left), 0))

    def is_own(self, receipt: Receipt.Recorded) -> bool:
        """Whether a stored receipt was written by an earlier attempt of the command
        this thread is running (a write that committed but whose answer was lost):
        the same receipt, made at the same moment, by a save of unknown outcome."""
        attempted: list[Receipt.Recorded] = getattr(self._attempted, "receipts", [])
        return any(
            (mine.originator_id, mine.timestamp) == (receipt.originator_id, receipt.timestamp)
            for mine in attempted
        )

    def _attempt(
        self,
        org_id: str,
        decide: Callable[[Org, datetime], Decision[R]],
        replay: Replay[R],
    ) -> R | _Again:
        org = self._writable(org_id)
        try:
            answer, receipts = self._decide(org, decide)
        except errors.LedgerError:
            earlier = replay()
            if earlier is not None:
                return earlier
            if self._stale(org):
                return _Again.NOW
            raise
        if not org.pending_events and not receipts and self._stale(org):
            return _Again.NOW
        try:
            self._save(org, receipts)
        except (IntegrityError, OperationalError) as error:
            if isinstance(error, OperationalError):  # the write may have been made
                self._attempted.receipts += receipts
            earlier = replay()
            return _Again.LATER if earlier is None else earlier
        return answer

    # The warm copy is shared, not copied, per command (only the org's stripe
    # lock holder touches it), so a failure that may have changed it drops it.

    def _decide(self, org: Org, decide: Callable[[Org, datetime], Decision[R]]) -> Decision[R]:
        try:
            return decide(org, max(self.clock(), org.modified_on))
        except BaseException:
            if org.pending_events:  # refused after changing state: not the domain's habit
                self.evict(org.id)
            raise

    def _save(self, org: Org, receipts: list[Receipt.Recorded]) -> None:
        try:
            self._save_atomically(org, receipts)
        except BaseException:
            self.evict(org.id)  # the copy may hold events the store does not
            raise

    def _save_atomically(self, org: Org, receipts: list[Receipt.Recorded]) -> None:
        """Application.save for the org's new events and the receipts' one
        event each, as one atomic write.

        The library's save() tells events from aggregates with runtime Protocol
        checks and wraps each stored event in a notification no one here reads:
        about a third of a command's CPU outside the store. Only the org is
        cached and snapshotted: receipts are read only on repeats, and must not
        push warm orgs out of the cache.
        """
        app = self.app
        org_events = org.collect_events()
        events: list[Any] = [*org_events, *receipts]
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in events])
        if app.repository.cache is not None:
            app.repository.cache.put(org.id, org)
        if app.snapshots is not None:
            interval = app.snapshotting_intervals[Org]
            for event in org_events:
                if event.originator_version % interval == 0:
                    self._snapshot(org, event.originator_version)

    def _snapshot(self, org: Org, version: int) -> None:
        """Snapshots the org just saved, from its warm copy rather than a replay.

        A snapshot only speeds up loading: the command is already saved, so a
        failure here must not turn its success into an error (a retry would then
        repeat a top-up that has no id)."""
        try:
            if org.version == version and self.app.snapshots is not None:
                self.app.snapshots.put([Org.Snapshot.take(org)])
            else:
                self.app.take_snapshot(org.id, version)
        except Exception:
            log.warning("snapshot of %s at version %d not saved", org.id, version, exc_info=True)

    # --- reads ---------------------------------------------------------------

    def _writable(self, org_id: str) -> Org:
        try:
            org: Aggregate = self.app.repository.get(org_uuid(org_id))
        except AggregateNotFoundError:
            return Org.open(org_id, self.clock())
        assert isinstance(org, Org)
        if org.known_head() is None:  # loaded from a snapshot older than hashes
            org.head_hash = audit.hash_at(self.app.events, org.id, org.org_id, org.version)
        return org

    def _stale(self, org: Org) -> bool:
        """Whether another writer has moved the org on since this copy was cached.

        A decision that writes nothing (a refusal, a no-op) has no version
        check to catch a stale copy, so it is checked here, with one read.
        """
        if not self.has_events(org.id, after=org.version):
            return False
        self.evict(org.id)
        return True

    def has_events(self, uid: uuid.UUID, after: int = 0) -> bool:
        """Whether the stream has an event after a version: one read of one row."""
        return any(True for _ in self.app.events.get(uid, gt=after or None, limit=1))

    def evict(self, uid: uuid.UUID) -> None:
        """Drops the warm copy of an aggregate, if there is one."""
        cache = self.app.repository.cache
        if cache is not None:
            with contextlib.suppress(KeyError):
                cache.get(uid, evict=True)

    def receipt(self, kind: type[E], org_id: str, own_id: str) -> E | None:
        """The receipt for an org's enquiry or top-up id, under whichever key it
        was kept. One under an older key may belong to other ids (see
        ledger.domain.receipts): it is not theirs to answer with. Read as its
        one event: receipts are never kept warm."""
        for key in kind.keys(org_id, own_id):
            for found in self.app.events.get(key, limit=1):
                assert isinstance(found, kind)
                if found.is_for(org_id, own_id):
                    return found
        return None

    def stored(self, org_id: str) -> Org:
        """The org as stored now, not the warm copy (another process may have written)."""
        try:
            org: Aggregate = self.app.repository.get(org_uuid(org_id), version=MAX_VERSION)
        except AggregateNotFoundError:
            raise errors.OrgNotFound(f"org {org_id} has no history") from None
        assert isinstance(org, Org)
        return org

    def stored_at(self, org_id: str, at: datetime) -> Org:
        """The org as it stood at a past moment, rebuilt from its events."""
        org: Any = None
        events = cast("Iterator[Aggregate.Event]", self.app.events.get(org_uuid(org_id)))
        for event in events:
            if event.timestamp > at:
                break
            org = event.mutate(org)
        if org is None:
            raise errors.OrgNotFound(f"org {org_id} had no history at {at.isoformat()}")
        assert isinstance(org, Org)
        return org
