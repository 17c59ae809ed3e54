"""How stored events and snapshots are laid out as DynamoDB items.

One table (adapters.tables.EVENTS): partition key `stream_id`, sort key `version`.
An aggregate's events live in the partition named by its id; its snapshots in
the partition "snapshot#<id>", so the stream processor can skip them by key.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from adapters.tables import EVENTS

STREAM = EVENTS.partition_key[0]
VERSION = EVENTS.sort_key[0] if EVENTS.sort_key else "version"
TOPIC = "topic"
STATE = "state"
SNAPSHOT_PREFIX = "snapshot#"

Item = dict[str, dict[str, Any]]


def stream_key(originator_id: UUID | str, prefix: str = "") -> str:
    return f"{prefix}{originator_id}"


def to_item(event: StoredEvent, prefix: str = "") -> Item:
    return {
        STREAM: {"S": stream_key(event.originator_id, prefix)},
        VERSION: {"N": str(event.originator_version)},
        TOPIC: {"S": event.topic},
        STATE: {"B": event.state},
    }


def from_item(item: Item, originator_id: UUID | str) -> StoredEvent:
    """The caller knows the originator id (it queried its partition): keep its type."""
    return StoredEvent(
        originator_id=originator_id,
        originator_version=int(item[VERSION]["N"]),
        topic=item[TOPIC]["S"],
        state=bytes(item[STATE]["B"]),
    )


def item_size(item: Item) -> int:
    """DynamoDB's billed size of an item: attribute names plus values, in bytes."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        ((kind, data),) = value.items()
        if kind == "S":
            size += len(data.encode())
        elif kind == "B":
            size += len(data)
        elif kind == "N":
            digits = data.lstrip("-").replace(".", "").strip("0") or "0"
            size += (len(digits) + 1) // 2 + 1
        else:
            raise ValueError(f"unsized attribute type {kind}")
    return size
