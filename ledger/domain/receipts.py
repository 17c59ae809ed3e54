"""One small aggregate per charged enquiry and per top-up id.

Each is created once; a second creation for the same id fails the store's
version check, so a repeat can never charge twice, even across processes.
Each keeps the answer that was given, for idempotent repeats.

A command writes a receipt as its one creation event, built directly: the
aggregate object would be built only to be thrown away (about a tenth of a
consume's CPU). Reading a receipt back builds the aggregate as usual.
"""

from __future__ import annotations

import dataclasses
import functools
import uuid
from datetime import datetime
from typing import Any, ClassVar, Self

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from ledger.domain.chain import ENVELOPE
from ledger.domain.org import NAMESPACE


def enquiry_uuid(org_id: str, enquiry_id: str) -> uuid.UUID:
    return _key(EnquiryReceipt.kind, org_id, enquiry_id)


def top_up_uuid(org_id: str, top_up_id: str) -> uuid.UUID:
    return _key(TopUpReceipt.kind, org_id, top_up_id)


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


@functools.cache
def _own_fields(recorded: type[Any]) -> tuple[str, ...]:
    """A receipt event's fields past the envelope and the org id."""
    names = [f.name for f in dataclasses.fields(recorded)]
    return tuple(n for n in names if n not in ENVELOPE and n != "org_id")


class Receipt(Aggregate):
    """A command's answer, kept once per (org id, own id) as the one event of a
    small aggregate. A kind names its key prefix and its own id's field, and
    lists its fields once, on its Recorded event; the rest is here."""

    kind: ClassVar[str]  # the key's prefix: never change it for a stored kind
    id_field: ClassVar[str]
    made_at: ClassVar[str | None] = None  # the field that holds the command's moment

    class Recorded(Aggregate.Created):
        receipt: ClassVar[type[Receipt]]  # the kind this event records (set below)
        org_id: str

        @classmethod
        def keys(cls, org_id: str, own_id: str) -> list[uuid.UUID]:
            """Where a receipt for these ids may be stored: its key, then any older one."""
            return _keys(cls.receipt.kind, org_id, own_id)

        @classmethod
        def make(cls, org_id: str, own_id: str, at: datetime, **fields: Any) -> Self:
            """The receipt's creation event, as Aggregate._create would make it."""
            kind = cls.receipt
            state = {"org_id": org_id, kind.id_field: own_id, **fields}
            return cls(
                originator_topic=get_topic(kind),
                originator_id=_key(kind.kind, org_id, own_id),
                originator_version=kind.INITIAL_VERSION,
                timestamp=at,
                **state,
            )

        @classmethod
        def of(cls, org_id: str, event: Aggregate.Event) -> Self:
            """The receipt of the org event a command triggered: each field is the
            event's of the same name, and the kind's `made_at` is the event's moment."""
            kind = cls.receipt
            values: dict[str, Any] = {
                name: event.timestamp if name == kind.made_at else getattr(event, name)
                for name in _own_fields(cls)
            }
            return cls.make(org_id, values.pop(kind.id_field), event.timestamp, **values)

        def is_for(self, org_id: str, own_id: str) -> bool:
            return self.org_id == org_id and getattr(self, self.receipt.id_field) == own_id

        def apply(self, aggregate: Aggregate) -> None:
            # Only when a receipt's stream is read back as an aggregate (audits).
            vars(aggregate).update((k, v) for k, v in vars(self).items() if k not in ENVELOPE)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.Recorded.receipt = cls


class EnquiryReceipt(Receipt):
    kind, id_field, made_at = "enquiry", "enquiry_id", "consumed_at"

    class Recorded(Receipt.Recorded):
        class_version = 2  # 2: the period and the kind of credit (for refunds)

        enquiry_id: str
        user_id: str
        consumed_at: datetime
        remaining: int
        user_remaining: int | None
        period: str | None  # None in receipts written before refunds existed
        paid_by: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["period"] = state["paid_by"] = None


class RefundReceipt(Receipt):
    """An enquiry's refund, once: its key is the enquiry's under another kind."""

    kind, id_field, made_at = "refund", "enquiry_id", "refunded_at"

    class Recorded(Receipt.Recorded):
        enquiry_id: str
        user_id: str
        refunded_at: datetime
        remaining: int
        user_remaining: int | None


class TopUpReceipt(Receipt):
    kind, id_field = "top-up", "top_up_id"

    class Recorded(Receipt.Recorded):
        top_up_id: str
        credits: int
        expires_at: datetime
        limit: int
        remaining: int
