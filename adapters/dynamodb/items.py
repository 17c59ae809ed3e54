"""How stored events and snapshots are laid out as DynamoDB items.

One table (adapters.tables.EVENTS): partition key `stream_id`, sort key `version`.
An aggregate's events live in the partition named by its id, at their versions.
Its snapshots live in the same partition at version + 0.5 (just after the
event they were taken at) with `kind` = "snapshot", so one descending query
returns the latest snapshot and every event after it; event reads and the
stream processor skip items that have a `kind`.
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from adapters.tables import EVENTS

STREAM = EVENTS.partition_key[0]
VERSION = EVENTS.sort_key[0] if EVENTS.sort_key else "version"
TOPIC = "topic"
STATE = "state"
ZIPPED = "_z"  # the suffix of an attribute stored zlib-compressed
STATE_Z = STATE + ZIPPED  # large snapshots
COMPRESS_OVER = 1024  # bytes; a snapshot's per-user counts grow with the users
KIND = "kind"  # present only on snapshot items
SNAPSHOT = "snapshot"

Item = dict[str, dict[str, Any]]


def stream_key(originator_id: UUID | str, prefix: str = "") -> str:
    return f"{prefix}{originator_id}"


def to_item(event: StoredEvent, prefix: str = "", compress: bool = False) -> Item:
    item: Item = {
        STREAM: {"S": stream_key(event.originator_id, prefix)},
        VERSION: {"N": str(event.originator_version)},
        TOPIC: {"S": event.topic},
    }
    _add_state(item, event, compress)
    return item


def snapshot_item(snapshot: StoredEvent) -> Item:
    """A snapshot sits in its aggregate's partition just after the event it was taken at."""
    item: Item = {
        STREAM: {"S": stream_key(snapshot.originator_id)},
        VERSION: {"N": f"{snapshot.originator_version}.5"},
        TOPIC: {"S": snapshot.topic},
        KIND: {"S": SNAPSHOT},
    }
    _add_state(item, snapshot, compress=True)
    return item


def is_snapshot(item: Item) -> bool:
    return KIND in item


def _add_state(item: Item, event: StoredEvent, compress: bool) -> None:
    if compress:
        item.update(packed(STATE, event.state))
    else:
        item[STATE] = {"B": event.state}


def packed(name: str, data: bytes, plain: str = "B") -> Item:
    """`name` as it is (binary, or text with plain="S"), or `name_z` holding it
    zlib-compressed when over COMPRESS_OVER bytes."""
    if len(data) > COMPRESS_OVER:
        return {name + ZIPPED: {"B": zlib.compress(data)}}
    return {name: {plain: data if plain == "B" else data.decode()}}


def unpacked(item: Item, name: str) -> bytes:
    """What `packed` stored, whichever form it took."""
    if name + ZIPPED in item:
        return zlib.decompress(bytes(item[name + ZIPPED]["B"]))
    value = item[name]
    return bytes(value["B"]) if "B" in value else str(value["S"]).encode()


def from_item(item: Item, originator_id: UUID | str) -> StoredEvent:
    """The caller knows the originator id (it queried its partition): keep its type."""
    state = unpacked(item, STATE)
    return StoredEvent(
        originator_id=originator_id,
        originator_version=int(Decimal(item[VERSION]["N"])),  # a snapshot's N.5 is N
        topic=item[TOPIC]["S"],
        state=state,
    )


def item_size(item: Item) -> int:
    """DynamoDB's billed size of an item: attribute names plus values, in bytes."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "B":
        return len(data)
    if kind == "N":
        digits = data.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind == "M":  # 3 bytes for the map, 1 per entry, plus the entries
        return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in data.items())
    raise ValueError(f"unsized attribute type {kind}")
