"""The per-org hash chain: the exact bytes each event's hash covers.

An event's hash is SHA-256 over the previous event's hash (64 lowercase hex
characters; 64 zeros before an org's first event) followed by the canonical
JSON of {org_id, version, type, occurred_at, data}: RFC 8785 (JCS), UTF-8.
The documents hashed here hold only ASCII keys, strings, whole numbers,
booleans and nulls, for which RFC 8785 is `json.dumps` with sorted keys, no
spaces and no ASCII escaping; a float is refused rather than hashed in a form
another implementation might write differently. docs/AUDIT.md states the same
for auditors, with a script that checks an export.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
# The library's own fields of an event; the rest of it is the event's data.
ENVELOPE = frozenset(("originator_id", "originator_version", "timestamp", "originator_topic"))
HASH_FIELD = "hash"  # where an event saved with its hash carries it
MAX_SAFE_INTEGER = 2**53 - 1  # beyond it RFC 8785 writes numbers as doubles
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def moment_text(moment: datetime) -> str:
    """A time as the history shows it: UTC, ISO 8601, `Z`; microseconds only when not zero."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat()[:-6] + "Z"


def plain(value: Any) -> Any:
    """An event's value as it is hashed and shown: times as text, nothing but JSON."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise ValueError(f"{value} is too large to hash as an RFC 8785 number")
        return value
    if kind is dict or isinstance(value, Mapping):
        return {_key(k): plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    raise TypeError(f"{kind.__name__} values are not hashed: {value!r}")


def _key(key: object) -> str:
    # Python sorts keys by code point, RFC 8785 by UTF-16 unit: the same for ASCII.
    if type(key) is not str or not key.isascii():
        raise TypeError(f"keys must be ASCII text: {key!r}")
    return key


def document(
    org_id: str, version: int, type_name: str, occurred_at: datetime | str, data: Mapping[str, Any]
) -> dict[str, Any]:
    """What an event's hash covers (times already in text are taken as written)."""
    return {
        "org_id": org_id,
        "version": version,
        "type": type_name,
        "occurred_at": occurred_at if isinstance(occurred_at, str) else moment_text(occurred_at),
        "data": plain(data),
    }


def canonical(doc: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes of a document made by `document` (see the module's note)."""
    return _dumps(doc).encode("utf-8")


def link(previous: str, doc: Mapping[str, Any]) -> str:
    """The hash of an event, given the hash of the org's event before it."""
    return hashlib.sha256(previous.encode("ascii") + canonical(doc)).hexdigest()


def event_data(event: Any) -> dict[str, Any]:
    """What an event holds besides the envelope and its own hash."""
    return {k: v for k, v in vars(event).items() if k not in ENVELOPE and k != HASH_FIELD}


def event_document(org_id: str, event: Any) -> dict[str, Any]:
    return document(
        org_id, event.originator_version, type(event).__name__, event.timestamp, event_data(event)
    )


def stored_hash(event: Any) -> str | None:
    """The hash an event was saved with; None for an event written before hashes were stored."""
    found = vars(event).get(HASH_FIELD)
    return found if isinstance(found, str) else None


def seal(event: Any, hash_: str) -> None:
    """Stores an event's hash in it, to be saved with it. The hash covers everything
    but itself, so it is added once the event is made (events are otherwise frozen)."""
    vars(event)[HASH_FIELD] = hash_
