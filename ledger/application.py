"""CreditLedger: the commands and queries on orgs' credits.

Each command checks its input, then decides on its org in a session (see
ledger.session: the warm copy, locks, retries and the one atomic save) and
returns the answer its receipt holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from ledger import audit
from ledger.answers import Consumption, History, OrgStatus, Refund, TopUp
from ledger.domain import errors
from ledger.domain.org import Org, org_uuid
from ledger.domain.plans import CATALOGUE
from ledger.domain.receipts import EnquiryReceipt, RefundReceipt, TopUpReceipt, has_older_key
from ledger.session import Decision, OrgSessions
from ledger.validation import (
    MAX_TOP_UP,
    MAX_USER_LIMIT,
    MAX_VERSION,
    check_actor,
    check_id,
    check_moment,
    check_note,
    check_reason,
    check_whole,
)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class CreditLedger(Application[uuid.UUID]):
    """Commands and queries on orgs' credits; persistence is chosen by environment."""

    env: ClassVar[dict[str, str]] = {
        # Warm aggregates: a command costs one conditional write; a stale copy
        # fails that write's version check and is reloaded (see ledger.session).
        "AGGREGATE_CACHE_MAXSIZE": "10000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
        # No copy per command: only the org's stripe lock holder touches the
        # warm copy, and a failure that may have changed it evicts it.
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Org: 100}

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.clock: Clock = clock or system_clock
        self.orgs = OrgSessions(self, self.clock)

    # --- commands ----------------------------------------------------------

    def set_plan(
        self, org_id: str, plan: str, *, actor: str | None = None, reason: str | None = None
    ) -> OrgStatus:
        """Sets the org's plan; `actor` is who asked, `reason` why (both recorded)."""
        check_id("org_id", org_id)
        if not isinstance(plan, str) or plan not in CATALOGUE:
            raise errors.InvalidInput(f"plan must be one of {', '.join(CATALOGUE)}")
        actor, reason = check_actor(actor), check_reason(reason)

        def decide(org: Org, now: datetime) -> Decision[OrgStatus]:
            org.set_plan(CATALOGUE[plan], now, actor, reason)
            return OrgStatus.of(org, now), []

        return self.orgs.run(org_id, decide)

    def set_user_limit(
        self,
        org_id: str,
        limit: int | None,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> OrgStatus:
        check_id("org_id", org_id)
        if limit is not None:
            check_whole("limit", limit, 0, MAX_USER_LIMIT)
        actor, reason = check_actor(actor), check_reason(reason)

        def decide(org: Org, now: datetime) -> Decision[OrgStatus]:
            org.set_user_limit(limit, now, actor, reason)
            return OrgStatus.of(org, now), []

        return self.orgs.run(org_id, decide)

    def consume_credit(self, org_id: str, *, user_id: str, enquiry_id: str) -> Consumption:
        check_id("org_id", org_id)
        check_id("user_id", user_id)
        check_id("enquiry_id", enquiry_id)

        def decide(org: Org, now: datetime) -> Decision[Consumption]:
            event = org.consume(user_id, enquiry_id, now)
            receipt = EnquiryReceipt.Recorded.of(org_id, event)
            return Consumption.of(receipt), [receipt]

        def replay() -> Consumption | None:
            receipt = self.orgs.receipt(EnquiryReceipt.Recorded, org_id, enquiry_id)
            if receipt is None:
                return None
            if receipt.user_id != user_id:
                raise errors.EnquiryConflict(f"enquiry {enquiry_id} was charged to another user")
            if self.orgs.receipt(RefundReceipt.Recorded, org_id, enquiry_id) is not None:
                raise errors.EnquiryRefunded(f"enquiry {enquiry_id} was refunded; it is finished")
            # Our own earlier attempt's receipt (its answer was lost): a first charge.
            return Consumption.of(receipt, replayed=not self.orgs.is_own(receipt))

        older = has_older_key(org_id, enquiry_id)
        return self.orgs.run(org_id, decide, replay, replay_first=older)

    def top_up(
        self,
        org_id: str,
        credits: int,
        *,
        top_up_id: str | None = None,
        note: str | None = None,
        actor: str | None = None,
        reason: str | None = None,
    ) -> TopUp:
        check_id("org_id", org_id)
        check_whole("credits", credits, 1, MAX_TOP_UP)
        note = check_note(note)
        actor, reason = check_actor(actor), check_reason(reason)
        chosen_id = check_id("top_up_id", top_up_id) if top_up_id is not None else uuid.uuid4().hex

        def decide(org: Org, now: datetime) -> Decision[TopUp]:
            event = org.top_up(chosen_id, credits, note, now, actor, reason)
            receipt = TopUpReceipt.Recorded.of(org_id, event)
            return TopUp.of(receipt), [receipt]

        def replay() -> TopUp | None:
            receipt = self.orgs.receipt(TopUpReceipt.Recorded, org_id, chosen_id)
            if receipt is None:
                return None
            if receipt.credits != credits:
                raise errors.TopUpConflict(
                    f"top-up {chosen_id} was granted with {receipt.credits} credits"
                )
            return TopUp.of(receipt, replayed=not self.orgs.is_own(receipt))

        older = has_older_key(org_id, chosen_id)
        return self.orgs.run(org_id, decide, replay, replay_first=older)

    def refund_credit(
        self,
        org_id: str,
        enquiry_id: str,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> Refund:
        """Gives back the credit an enquiry was charged, once, while its period runs;
        `actor` is who asked, `reason` why (both recorded)."""
        check_id("org_id", org_id)
        check_id("enquiry_id", enquiry_id)
        actor, reason = check_actor(actor), check_reason(reason)

        def decide(org: Org, now: datetime) -> Decision[Refund]:
            charged = self.orgs.receipt(EnquiryReceipt.Recorded, org_id, enquiry_id)
            if charged is None:
                raise errors.EnquiryNotFound(f"org {org_id} never charged enquiry {enquiry_id}")
            event = org.refund(charged, now, actor, reason)
            receipt = RefundReceipt.Recorded.of(org_id, event)
            return Refund.of(receipt), [receipt]

        def replay() -> Refund | None:
            receipt = self.orgs.receipt(RefundReceipt.Recorded, org_id, enquiry_id)
            return None if receipt is None else Refund.of(receipt, replayed=True)

        return self.orgs.run(org_id, decide, replay)

    # --- queries -----------------------------------------------------------

    def status(self, org_id: str, at: datetime | None = None) -> OrgStatus:
        """The org's status now, or as it stood at a past moment (rebuilt from events)."""
        check_id("org_id", org_id)
        if at is None:
            return OrgStatus.of(self.orgs.stored(org_id), self.clock())
        check_moment("at", at)
        return OrgStatus.of(self.orgs.stored_at(org_id, at), at)

    def history(self, org_id: str, after: int = 0, limit: int = 100) -> History:
        check_id("org_id", org_id)
        check_whole("after", after, 0, MAX_VERSION)
        check_whole("limit", limit, 1, 1000)
        found = list(self.org_events(org_id, after=after, limit=limit + 1))
        if not found and (after == 0 or not self.orgs.has_events(org_uuid(org_id))):
            raise errors.OrgNotFound(f"org {org_id} has no history")
        return audit.history_page(self.events, org_id, found, after, limit)

    def digest(self, org_id: str) -> audit.Digest:
        """The head of the org's hash chain: its latest version and hash."""
        check_id("org_id", org_id)
        found = audit.digest_of(self.events, org_uuid(org_id))
        if found is None:
            raise errors.OrgNotFound(f"org {org_id} has no history")
        return found

    def org_events(
        self, org_id: str, after: int = 0, limit: int | None = None
    ) -> Iterator[Aggregate.Event]:
        """The events of one org after a version, oldest first (for replays and audits)."""
        events = self.events.get(org_uuid(org_id), gt=after or None, limit=limit)
        return cast("Iterator[Aggregate.Event]", iter(events))
