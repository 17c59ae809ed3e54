"""One small aggregate per charged enquiry and per top-up id.

Each is created once; a second creation for the same id fails the store's
version check, so a repeat can never charge twice, even across processes.
Each keeps the answer that was given, for idempotent repeats.

A command writes a receipt as its one creation event, built directly: the
aggregate object would be built only to be thrown away (about a tenth of a
consume's CPU). Reading a receipt back builds the aggregate as usual.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypeVar

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from ledger.domain.org import NAMESPACE


def enquiry_uuid(org_id: str, enquiry_id: str) -> uuid.UUID:
    return _key("enquiry", org_id, enquiry_id)


def top_up_uuid(org_id: str, top_up_id: str) -> uuid.UUID:
    return _key("top-up", org_id, top_up_id)


def enquiry_keys(org_id: str, enquiry_id: str) -> list[uuid.UUID]:
    """Where a receipt for these ids may be stored: its key, then any older one."""
    return _keys("enquiry", org_id, enquiry_id)


def top_up_keys(org_id: str, top_up_id: str) -> list[uuid.UUID]:
    return _keys("top-up", org_id, top_up_id)


def has_older_key(org_id: str, other_id: str) -> bool:
    """Whether a receipt for these ids may sit under its older key (see _key)."""
    return ":" in org_id or ":" in other_id


def _key(kind: str, org_id: str, other_id: str) -> uuid.UUID:
    # Ids may contain ':', so "kind:a:b:c" names both (a, b:c) and (a:b, c):
    # such pairs are keyed with the org id's length, which tells them apart.
    # Pairs without ':' keep the key they always had.
    if has_older_key(org_id, other_id):
        return uuid.uuid5(NAMESPACE, f"{kind}/{len(org_id)}/{org_id}/{other_id}")
    return _older_key(kind, org_id, other_id)


def _older_key(kind: str, org_id: str, other_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{org_id}:{other_id}")


def _keys(kind: str, org_id: str, other_id: str) -> list[uuid.UUID]:
    keys = [_key(kind, org_id, other_id)]
    if has_older_key(org_id, other_id):
        keys.append(_older_key(kind, org_id, other_id))
    return keys


E = TypeVar("E", bound=Aggregate.Created)


def _creation(
    aggregate: type[Aggregate], event: type[E], uid: uuid.UUID, at: datetime, **state: Any
) -> E:
    """The event that creates `aggregate`, as Aggregate._create would make it."""
    return event(
        originator_topic=get_topic(aggregate),
        originator_id=uid,
        originator_version=aggregate.INITIAL_VERSION,
        timestamp=at,
        **state,
    )


class EnquiryReceipt(Aggregate):
    class Recorded(Aggregate.Created):
        org_id: str
        enquiry_id: str
        user_id: str
        consumed_at: datetime
        remaining: int
        user_remaining: int | None

    def __init__(
        self,
        org_id: str,
        enquiry_id: str,
        user_id: str,
        consumed_at: datetime,
        remaining: int,
        user_remaining: int | None,
    ) -> None:
        self.org_id = org_id
        self.enquiry_id = enquiry_id
        self.user_id = user_id
        self.consumed_at = consumed_at
        self.remaining = remaining
        self.user_remaining = user_remaining

    def is_for(self, org_id: str, enquiry_id: str) -> bool:
        return (self.org_id, self.enquiry_id) == (org_id, enquiry_id)

    @classmethod
    def record(
        cls,
        org_id: str,
        enquiry_id: str,
        user_id: str,
        consumed_at: datetime,
        remaining: int,
        user_remaining: int | None,
    ) -> EnquiryReceipt.Recorded:
        return _creation(
            cls,
            cls.Recorded,
            enquiry_uuid(org_id, enquiry_id),
            consumed_at,
            org_id=org_id,
            enquiry_id=enquiry_id,
            user_id=user_id,
            consumed_at=consumed_at,
            remaining=remaining,
            user_remaining=user_remaining,
        )


class TopUpReceipt(Aggregate):
    class Recorded(Aggregate.Created):
        org_id: str
        top_up_id: str
        credits: int
        expires_at: datetime
        limit: int
        remaining: int

    def __init__(
        self,
        org_id: str,
        top_up_id: str,
        credits: int,
        expires_at: datetime,
        limit: int,
        remaining: int,
    ) -> None:
        self.org_id = org_id
        self.top_up_id = top_up_id
        self.credits = credits
        self.expires_at = expires_at
        self.limit = limit
        self.remaining = remaining

    def is_for(self, org_id: str, top_up_id: str) -> bool:
        return (self.org_id, self.top_up_id) == (org_id, top_up_id)

    @classmethod
    def record(
        cls,
        org_id: str,
        top_up_id: str,
        credits: int,
        expires_at: datetime,
        limit: int,
        remaining: int,
        granted_at: datetime,
    ) -> TopUpReceipt.Recorded:
        return _creation(
            cls,
            cls.Recorded,
            top_up_uuid(org_id, top_up_id),
            granted_at,
            org_id=org_id,
            top_up_id=top_up_id,
            credits=credits,
            expires_at=expires_at,
            limit=limit,
            remaining=remaining,
        )
