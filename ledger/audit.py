"""Reading an org's hash chain: the hash of each event, digests, and checks.

An event saved with its hash carries it (`hash` in the stored event); an event
written before hashes were stored has its hash computed here, from its
content and the hash before it, so the chain starts at every org's first
event either way. Once an org has an event with a stored hash, every later
event must carry one: an event that lost it has been altered.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ledger.answers import History, HistoryEvent
from ledger.domain import chain, errors


@dataclass(frozen=True)
class ChainedEvent:
    """An event as the history shows it and as its hash covers it."""

    org_id: str
    version: int
    type: str
    occurred_at: str
    data: dict[str, Any]
    hash: str

    def document(self) -> dict[str, Any]:
        return chain.document(self.org_id, self.version, self.type, self.occurred_at, self.data)

    def line(self) -> dict[str, Any]:
        """One line of an export: the hashed document and its hash."""
        return {**self.document(), "hash": self.hash}


@dataclass(frozen=True)
class Digest:
    """The head of an org's chain: keep it elsewhere, check the history against it later."""

    org_id: str
    version: int
    hash: str
    occurred_at: str

    def line(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "version": self.version,
            "hash": self.hash,
            "occurred_at": self.occurred_at,
        }


@dataclass(frozen=True)
class Break:
    """The first place where an org's history does not verify."""

    org_id: str
    version: int
    reason: str

    def __str__(self) -> str:
        return f"org {self.org_id}: version {self.version} {self.reason}"


def links(
    org_id: str, events: Iterable[Any], previous: str = chain.GENESIS
) -> Iterator[tuple[Any, ChainedEvent, str]]:
    """Each event, as shown, with the hash its content and the previous hash give.

    The event shown carries its stored hash where it has one (what was
    written), else the computed one; the next link is made from what is shown,
    so an altered event breaks the chain at itself, not at every later one.
    """
    for event in events:
        doc = chain.event_document(org_id, event)  # built once: hashed, then shown
        computed = chain.link(previous, doc)
        shown = ChainedEvent(**doc, hash=chain.stored_hash(event) or computed)
        yield event, shown, computed
        previous = shown.hash


def hashed(
    org_id: str,
    events: Iterable[Any],
    start: datetime | None = None,
    end: datetime | None = None,
    previous: str = chain.GENESIS,
) -> Iterator[ChainedEvent]:
    """The events with their hashes; only those from `start` (inclusive) to `end`
    (exclusive) when given, though every earlier one is read for its hash."""
    for event, shown, _ in links(org_id, events, previous):
        if end is not None and event.timestamp >= end:
            return
        if start is None or event.timestamp >= start:
            yield shown


def first_break(org_id: str, events: Iterable[Any]) -> Break | None:
    """Where an org's chain, read from its first event, does not hold."""
    expected, hashes_stored = 1, False
    for event, shown, computed in links(org_id, events):
        if shown.version != expected:
            return Break(org_id, expected, f"is missing (the next event is {shown.version})")
        if shown.hash != computed:
            return Break(org_id, shown.version, "does not match its hash")
        if hashes_stored and chain.stored_hash(event) is None:
            return Break(org_id, shown.version, "has lost its stored hash")
        hashes_stored = hashes_stored or chain.stored_hash(event) is not None
        expected += 1
    if expected == 1:
        return Break(org_id, 1, "is missing (the org has no events)")
    return None


def head(org_id: str, events: Iterable[Any]) -> Digest | None:
    last: ChainedEvent | None = None
    for shown in hashed(org_id, events):
        last = shown
    if last is None:
        return None
    return Digest(org_id, last.version, last.hash, last.occurred_at)


def check_against(digest: Digest, events: Iterable[Any]) -> Break | None:
    """Whether a history still leads to a digest kept earlier (a cut history does not)."""
    for shown in hashed(digest.org_id, events):
        if shown.version == digest.version:
            if shown.hash == digest.hash:
                return None
            return Break(digest.org_id, digest.version, "differs from the digest kept")
    return Break(digest.org_id, digest.version, "is gone: the history is shorter than its digest")


# --- over the ledger's store ---------------------------------------------------


class EventStore(Protocol):
    """The application's event store, as far as the audits read it."""

    def get(
        self,
        originator_id: uuid.UUID,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Iterable[Any]: ...


def hash_at(store: EventStore, key: uuid.UUID, org_id: str, version: int) -> str:
    """The hash of the org's event at a version (64 zeros at 0): the one it was
    saved with, or else the one its history gives."""
    if version == 0:
        return chain.GENESIS
    for event in store.get(key, gt=version - 1, lte=version):
        stored = chain.stored_hash(event)
        if stored is not None:
            return stored
    found = head(org_id, store.get(key, lte=version))
    if found is None or found.version != version:
        raise errors.OrgNotFound(f"org {org_id} has no version {version}")
    return found.hash


def history_page(
    store: EventStore, org_id: str, found: list[Any], after: int, limit: int
) -> History:
    """A page of the org's history from `found` (up to `limit` + 1 events after
    `after`: one more says there is a next page), each event with its hash."""
    page = found[:limit]
    previous = hash_at(store, found[0].originator_id, org_id, after) if page else ""
    events = [
        HistoryEvent(
            version=event.originator_version,
            type=type(event).__name__,
            occurred_at=event.timestamp,
            data=chain.event_data(event),
            hash=shown.hash,
        )
        for event, shown, _ in links(org_id, page, previous)
    ]
    next_after = page[-1].originator_version if len(found) > limit else None
    return History(org_id=org_id, events=events, next_after=next_after)


def digest_of(store: EventStore, key: uuid.UUID) -> Digest | None:
    """An org's digest: its latest event's stored hash (two reads), or, when that
    event was written before hashes were stored, the hash its history gives."""
    first = list(store.get(key, limit=1))
    if not first:
        return None
    org_id = org_name(first, key)
    for last in store.get(key, desc=True, limit=1):
        stored = chain.stored_hash(last)
        if stored is not None:
            moment = chain.moment_text(last.timestamp)
            return Digest(org_id, last.originator_version, stored, moment)
    return head(org_id, store.get(key))


CSV_COLUMNS = ("org_id", "version", "type", "occurred_at", "data", "hash")


def csv_rows(lines: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Export lines as CSV rows, header first: the data column holds the same
    canonical JSON the hash covers, so a row can be checked as a JSON line can."""
    yield _csv_row(CSV_COLUMNS)
    for line in lines:
        cells = {**line, "data": chain.canonical(line["data"]).decode("utf-8")}
        yield _csv_row([cells[column] for column in CSV_COLUMNS])


def _csv_row(cells: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def history_line(org_id: str, event: Any) -> dict[str, Any]:
    """A history page's event (ledger.answers.HistoryEvent) as an export line."""
    doc = chain.document(org_id, event.version, event.type, event.occurred_at, event.data)
    return {**doc, "hash": event.hash}


def org_name(events: Sequence[Any], key: object) -> str:
    """The org's id, from its first event (the only one that names it); the
    stream's key when that event is gone."""
    named = getattr(events[0], "org_id", None) if events else None
    return named if isinstance(named, str) else str(key)
