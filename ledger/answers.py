"""The ledger's answers: plain, frozen values with the same fields as the HTTP bodies.

They are built from what a command's receipt holds (so a repeat answers as the
first time did) or from the org. `replayed` says the answer is a repeat's; it
takes no part in equality and is not part of the HTTP body (`dataclasses.asdict`
includes it). The HTTP layer turns answers into its own documented models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any, TypeVar, cast

from ledger.domain.org import Org
from ledger.domain.periods import month_key
from ledger.domain.receipts import EnquiryReceipt, Receipt, RefundReceipt, TopUpReceipt

A = TypeVar("A")


def _from_receipt(answer: type[A], receipt: Receipt.Recorded, replayed: bool) -> A:
    """A command's answer: each field is the receipt's of the same name."""
    read = _READERS.get(answer)
    if read is None:  # once per kind of answer: a consume pays for no field lookup
        names = [f.name for f in fields(answer) if f.name != "replayed"]  # type: ignore[arg-type]
        read = _READERS[answer] = attrgetter(*names)
    return cast("Callable[..., A]", answer)(*read(receipt), replayed=replayed)


_READERS: dict[type[Any], attrgetter[Any]] = {}


@dataclass(frozen=True, slots=True)
class TrialStatus:
    started_at: datetime
    ends_at: datetime
    credits: int  # the trial's own credits; its top-ups are in top_up_credits and limit
    used: int  # every report of the trial, whichever kind of credit paid
    remaining: int


@dataclass(frozen=True, slots=True)
class OrgStatus:
    org_id: str
    plan: str | None
    month: str
    allowance: int
    top_up_credits: int
    limit: int
    used: int
    remaining: int
    user_limit: int | None
    trial: TrialStatus | None

    @classmethod
    def of(cls, org: Org, now: datetime) -> OrgStatus:
        standing = org.standing(now)
        trial = None
        if standing.trial_started_at is not None and standing.trial_ends_at is not None:
            trial = TrialStatus(
                started_at=standing.trial_started_at,
                ends_at=standing.trial_ends_at,
                credits=standing.allowance,
                used=standing.used,
                remaining=standing.remaining,
            )
        return cls(
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


@dataclass(frozen=True, slots=True)
class Consumption:
    org_id: str
    user_id: str
    enquiry_id: str
    consumed_at: datetime
    remaining: int
    user_remaining: int | None
    replayed: bool = field(default=False, compare=False)

    @classmethod
    def of(cls, receipt: EnquiryReceipt.Recorded, replayed: bool = False) -> Consumption:
        return _from_receipt(cls, receipt, replayed)


@dataclass(frozen=True, slots=True)
class TopUp:
    org_id: str
    top_up_id: str
    credits: int
    expires_at: datetime
    limit: int
    remaining: int
    replayed: bool = field(default=False, compare=False)

    @classmethod
    def of(cls, receipt: TopUpReceipt.Recorded, replayed: bool = False) -> TopUp:
        return _from_receipt(cls, receipt, replayed)


@dataclass(frozen=True, slots=True)
class Refund:
    org_id: str
    enquiry_id: str
    user_id: str
    refunded_at: datetime
    remaining: int
    user_remaining: int | None
    replayed: bool = field(default=False, compare=False)

    @classmethod
    def of(cls, receipt: RefundReceipt.Recorded, replayed: bool = False) -> Refund:
        return _from_receipt(cls, receipt, replayed)


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    version: int
    type: str
    occurred_at: datetime
    data: dict[str, Any]  # the event's fields, as the hash chain covers them
    hash: str  # the event's SHA-256 in the org's hash chain


@dataclass(frozen=True, slots=True)
class History:
    org_id: str
    events: list[HistoryEvent]
    next_after: int | None  # `after` for the next page; None on the last
