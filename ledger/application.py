"""CreditLedger: the one application service. Each command gets, decides, saves."""

from __future__ import annotations

import contextlib
import enum
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProjectorFunction,
    project_aggregate,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, OperationalError

from ledger.domain import errors
from ledger.domain.org import Org, org_uuid
from ledger.domain.periods import month_key
from ledger.domain.plans import CATALOGUE
from ledger.domain.receipts import (
    EnquiryReceipt,
    TopUpReceipt,
    enquiry_keys,
    has_older_key,
    top_up_keys,
)
from ledger.validation import (
    MAX_TOP_UP,
    MAX_USER_LIMIT,
    MAX_VERSION,
    check_id,
    check_moment,
    check_note,
    check_whole,
)

if TYPE_CHECKING:
    from ledger.models import Consumption, History, OrgStatus, TopUp

# The answers are pydantic models, imported where the first one is built: the
# stream projector uses this class only to read events (about 90 ms of its
# cold start).
log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
R = TypeVar("R")
A = TypeVar("A", bound=Aggregate)
Kept = TypeVar("Kept", EnquiryReceipt, TopUpReceipt)
Receipt = Aggregate.Created  # a receipt's one event: see ledger.domain.receipts
_ENVELOPE = ("originator_id", "originator_version", "timestamp", "originator_topic")


class _Again(enum.Enum):
    """An attempt that must be made again: at once (the org moved on) or after a pause."""

    NOW = "now"
    LATER = "later"


def system_clock() -> datetime:
    return datetime.now(UTC)


class CreditLedger(Application[uuid.UUID]):
    """Commands and queries on orgs' credits; persistence is chosen by environment."""

    env: ClassVar[dict[str, str]] = {
        # Warm aggregates: a command costs one conditional write; a stale copy
        # fails that write's version check and is reloaded (see _command).
        "AGGREGATE_CACHE_MAXSIZE": "10000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
        # No copy per command: only the org's stripe lock holder touches the warm
        # copy, and a failure that may have changed it evicts it (_decide, _save).
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Org: 100}
    attempts = 10
    _lock_stripes = 64

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.clock: Clock = clock or system_clock
        self._locks = [threading.Lock() for _ in range(self._lock_stripes)]

    # --- commands ----------------------------------------------------------

    def set_plan(self, org_id: str, plan: str) -> OrgStatus:
        check_id("org_id", org_id)
        if not isinstance(plan, str) or plan not in CATALOGUE:
            raise errors.InvalidInput(f"plan must be one of {', '.join(CATALOGUE)}")

        def decide(org: Org, now: datetime) -> OrgStatus:
            org.set_plan(CATALOGUE[plan], now)
            return self._status(org, now)

        return self._command(org_id, decide)

    def set_user_limit(self, org_id: str, limit: int | None) -> OrgStatus:
        check_id("org_id", org_id)
        if limit is not None:
            check_whole("limit", limit, 0, MAX_USER_LIMIT)

        def decide(org: Org, now: datetime) -> OrgStatus:
            org.set_user_limit(limit, now)
            return self._status(org, now)

        return self._command(org_id, decide)

    def consume_credit(self, org_id: str, *, user_id: str, enquiry_id: str) -> Consumption:
        check_id("org_id", org_id)
        check_id("user_id", user_id)
        check_id("enquiry_id", enquiry_id)

        def replay() -> Consumption | None:
            receipt = self._receipt(
                EnquiryReceipt, enquiry_keys(org_id, enquiry_id), org_id, enquiry_id
            )
            if receipt is None:
                return None
            if receipt.user_id != user_id:
                raise errors.EnquiryConflict(f"enquiry {enquiry_id} was charged to another user")
            return _consumption(receipt, replayed=True)

        def decide(org: Org, now: datetime) -> tuple[Consumption, list[Receipt]]:
            event = org.consume(user_id, enquiry_id, now)
            receipt = EnquiryReceipt.record(
                org_id, enquiry_id, user_id, now, event.remaining, event.user_remaining
            )
            return _consumption(receipt, replayed=False), [receipt]

        older = has_older_key(org_id, enquiry_id)
        return self._command_with_receipt(org_id, decide, replay, replay_first=older)

    def top_up(
        self,
        org_id: str,
        credits: int,
        *,
        top_up_id: str | None = None,
        note: str | None = None,
    ) -> TopUp:
        check_id("org_id", org_id)
        check_whole("credits", credits, 1, MAX_TOP_UP)
        note = check_note(note)
        chosen_id = check_id("top_up_id", top_up_id) if top_up_id is not None else uuid.uuid4().hex

        def replay() -> TopUp | None:
            receipt = self._receipt(TopUpReceipt, top_up_keys(org_id, chosen_id), org_id, chosen_id)
            if receipt is None:
                return None
            if receipt.credits != credits:
                raise errors.TopUpConflict(
                    f"top-up {chosen_id} was granted with {receipt.credits} credits"
                )
            return _top_up(receipt, replayed=True)

        def decide(org: Org, now: datetime) -> tuple[TopUp, list[Receipt]]:
            event = org.top_up(chosen_id, credits, note, now)
            receipt = TopUpReceipt.record(
                org_id, chosen_id, credits, event.expires_at, event.limit, event.remaining, now
            )
            return _top_up(receipt, replayed=False), [receipt]

        older = has_older_key(org_id, chosen_id)
        return self._command_with_receipt(org_id, decide, replay, replay_first=older)

    # --- queries -----------------------------------------------------------

    def status(self, org_id: str, at: datetime | None = None) -> OrgStatus:
        """The org's status now, or as it stood at a past moment (rebuilt from events)."""
        check_id("org_id", org_id)
        if at is None:
            now = self.clock()
            return self._status(self._load(org_id), now)
        check_moment("at", at)
        org = self._load_at(org_id, at)
        return self._status(org, at)

    def history(self, org_id: str, after: int = 0, limit: int = 100) -> History:
        check_id("org_id", org_id)
        check_whole("after", after, 0, MAX_VERSION)
        check_whole("limit", limit, 1, 1000)
        found = list(self.org_events(org_id, after=after, limit=limit + 1))
        if not found and (after == 0 or not self._has_events(org_uuid(org_id))):
            raise errors.OrgNotFound(f"org {org_id} has no history")
        page = found[:limit]
        from ledger import models

        return models.History(
            org_id=org_id,
            events=[
                models.HistoryEvent(
                    version=event.originator_version,
                    type=type(event).__name__,
                    occurred_at=event.timestamp,
                    data={k: v for k, v in vars(event).items() if k not in _ENVELOPE},
                )
                for event in page
            ],
            next_after=page[-1].originator_version if len(found) > limit else None,
        )

    def org_events(
        self, org_id: str, after: int = 0, limit: int | None = None
    ) -> Iterator[Aggregate.Event]:
        """The events of one org after a version, oldest first (for replays and audits)."""
        events = self.events.get(org_uuid(org_id), gt=after or None, limit=limit)
        return cast("Iterator[Aggregate.Event]", iter(events))

    # --- the get, decide, save loop ----------------------------------------

    def _command(self, org_id: str, decide: Callable[[Org, datetime], R]) -> R:
        def decide_no_receipt(org: Org, now: datetime) -> tuple[R, list[Receipt]]:
            return decide(org, now), []

        return self._command_with_receipt(org_id, decide_no_receipt, lambda: None)

    def _command_with_receipt(
        self,
        org_id: str,
        decide: Callable[[Org, datetime], tuple[R, list[Receipt]]],
        replay: Callable[[], R | None],
        replay_first: bool = False,
    ) -> R:
        """Decides on a warm copy of the org and saves it with one conditional write.

        A conflict means another writer got there first: either the receipt
        already exists (a repeat: answer as the first time), or the org moved on
        (reload and decide again). Refusals are checked against receipts too,
        since a repeat returns its first answer whatever the balance is now.
        A read or write the store cannot serve now (throttled, say) is tried
        again after a pause; a write whose outcome is unknown is then found by
        its receipt or its version. With `replay_first`, receipts are looked for
        before deciding: one kept under an older key (see ledger.domain.receipts)
        would not clash with the new receipt's write.
        """
        if replay_first and (earlier := replay()) is not None:
            return earlier
        with self._locks[hash(org_id) % self._lock_stripes]:
            for attempt in range(self.attempts):
                try:
                    outcome = self._attempt(org_id, decide, replay)
                except OperationalError:
                    outcome = _Again.LATER
                if outcome is _Again.LATER:
                    time.sleep(random.uniform(0, 0.002 * 2**attempt))
                elif outcome is not _Again.NOW:
                    return outcome
        raise errors.Busy("the org is busy; try again")

    def _attempt(
        self,
        org_id: str,
        decide: Callable[[Org, datetime], tuple[R, list[Receipt]]],
        replay: Callable[[], R | None],
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
        except (IntegrityError, OperationalError):
            earlier = replay()
            return _Again.LATER if earlier is None else earlier
        return answer

    # The warm copy is shared, not copied, per command (only the org's stripe
    # lock holder touches it), so a failure that may have changed it drops it.

    def _decide(
        self, org: Org, decide: Callable[[Org, datetime], tuple[R, list[Receipt]]]
    ) -> tuple[R, list[Receipt]]:
        try:
            return decide(org, max(self.clock(), org.modified_on))
        except BaseException:
            if org.pending_events:  # refused after changing state: not the domain's habit
                self._evict(org.id)
            raise

    def _save(self, org: Org, receipts: list[Receipt]) -> None:
        try:
            self._save_aggregates(org, receipts)
        except BaseException:
            self._evict(org.id)  # the copy may hold events the store does not
            raise

    def _save_aggregates(self, org: Org, receipts: list[Receipt]) -> None:
        """Application.save for the org's new events and the receipts' one
        event each, as one atomic write.

        The library's save() tells events from aggregates with runtime Protocol
        checks and wraps each stored event in a notification no one here reads:
        about a third of a command's CPU outside the store. Only the org is
        cached and snapshotted: receipts are read only on repeats, and must not
        push warm orgs out of the cache.
        """
        org_events = org.collect_events()
        events: list[Any] = [*org_events, *receipts]
        self.recorder.insert_events([self.mapper.to_stored_event(e) for e in events])
        if self.repository.cache is not None:
            self.repository.cache.put(org.id, org)
        if self.snapshots is not None:
            for event in org_events:
                if event.originator_version % self.snapshotting_intervals[Org] == 0:
                    self._snapshot(org.id, event.originator_version)

    def _snapshot(self, org_key: uuid.UUID, version: int) -> None:
        """A snapshot only speeds up loading: the command is already saved, so a
        failure here must not turn its success into an error (a retry would then
        repeat a top-up that has no id)."""
        try:
            self.take_snapshot(org_key, version)
        except Exception:
            log.warning("snapshot of %s at version %d not saved", org_key, version, exc_info=True)

    def take_snapshot(
        self,
        aggregate_id: uuid.UUID,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = project_aggregate,
    ) -> None:
        """Snapshots the org just saved from its warm copy rather than replaying the store."""
        warm = self._cached(aggregate_id)
        if isinstance(warm, Org) and warm.version == version and not warm.pending_events:
            assert self.snapshots is not None
            self.snapshots.put([Org.Snapshot.take(warm)])
            return
        super().take_snapshot(aggregate_id, version, projector_func)

    def _cached(self, uid: uuid.UUID) -> Any:
        cache = self.repository.cache
        try:
            return None if cache is None else cache.get(uid)
        except KeyError:
            return None

    def _writable(self, org_id: str) -> Org:
        try:
            org: Aggregate = self.repository.get(org_uuid(org_id))
        except AggregateNotFoundError:
            return Org.open(org_id, self.clock())
        assert isinstance(org, Org)
        return org

    def _stale(self, org: Org) -> bool:
        """Whether another writer has moved the org on since this copy was cached.

        A decision that writes nothing (a refusal, a no-op) has no version
        check to catch a stale copy, so it is checked here, with one read.
        """
        if not self._has_events(org.id, after=org.version):
            return False
        self._evict(org.id)
        return True

    def _has_events(self, uid: uuid.UUID, after: int = 0) -> bool:
        """Whether the stream has an event after a version: one read of one row."""
        return any(True for _ in self.events.get(uid, gt=after or None, limit=1))

    def _evict(self, uid: uuid.UUID) -> None:
        cache = self.repository.cache
        if cache is not None:
            with contextlib.suppress(KeyError):
                cache.get(uid, evict=True)

    def _receipt(
        self, kind: type[Kept], keys: list[uuid.UUID], org_id: str, other_id: str
    ) -> Kept | None:
        """The receipt for an org's enquiry or top-up id, under whichever key it
        was kept. One under an older key may belong to other ids (see
        ledger.domain.receipts): it is not theirs to answer with."""
        for key in keys:
            found = self._find(kind, key)
            if found is not None and found.is_for(org_id, other_id):
                return found
        return None

    def _find(self, kind: type[A], uid: uuid.UUID) -> A | None:
        try:
            found: Aggregate = self.repository.get(uid)
        except AggregateNotFoundError:
            return None
        assert isinstance(found, kind)
        return found

    def _load(self, org_id: str) -> Org:
        """The org as stored now, not the warm copy (another process may have written)."""
        try:
            org: Aggregate = self.repository.get(org_uuid(org_id), version=MAX_VERSION)
        except AggregateNotFoundError:
            raise errors.OrgNotFound(f"org {org_id} has no history") from None
        assert isinstance(org, Org)
        return org

    def _load_at(self, org_id: str, at: datetime) -> Org:
        org: Any = None
        for event in self.org_events(org_id):
            if event.timestamp > at:
                break
            org = event.mutate(org)
        if org is None:
            raise errors.OrgNotFound(f"org {org_id} had no history at {at.isoformat()}")
        assert isinstance(org, Org)
        return org

    @staticmethod
    def _status(org: Org, now: datetime) -> OrgStatus:
        from ledger import models

        standing = org.standing(now)
        trial = None
        if standing.is_trial:
            assert standing.trial_started_at is not None and standing.trial_ends_at is not None
            trial = models.TrialStatus(
                started_at=standing.trial_started_at,
                ends_at=standing.trial_ends_at,
                credits=standing.allowance,
                used=standing.used,
                remaining=standing.remaining,
            )
        return models.OrgStatus(
            org_id=org.org_id,
            plan=standing.plan,
            month=month_key(now),
            allowance=standing.allowance,
            top_up_credits=standing.top_up_credits,
            limit=standing.limit,
            used=standing.used,
            remaining=standing.remaining,
            user_limit=org.user_limit,
            trial=trial,
        )


def _consumption(receipt: EnquiryReceipt | EnquiryReceipt.Recorded, replayed: bool) -> Consumption:
    """The answer to a consume, first time or repeat alike: what the receipt holds."""
    from ledger import models

    return models.Consumption(
        org_id=receipt.org_id,
        user_id=receipt.user_id,
        enquiry_id=receipt.enquiry_id,
        consumed_at=receipt.consumed_at,
        remaining=receipt.remaining,
        user_remaining=receipt.user_remaining,
        replayed=replayed,
    )


def _top_up(receipt: TopUpReceipt | TopUpReceipt.Recorded, replayed: bool) -> TopUp:
    """The answer to a top-up, first time or repeat alike: what the receipt holds."""
    from ledger import models

    return models.TopUp(
        org_id=receipt.org_id,
        top_up_id=receipt.top_up_id,
        credits=receipt.credits,
        expires_at=receipt.expires_at,
        limit=receipt.limit,
        remaining=receipt.remaining,
        replayed=replayed,
    )
