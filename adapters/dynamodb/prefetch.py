"""Events read by the snapshot recorder's query, handed to the event recorder's next read.

A cold load in the library is two reads: the latest snapshot, then the events
after it. On DynamoDB both live in the aggregate's partition, so the one
descending query that finds the snapshot has already passed over those
events. They are kept here, per thread, for exactly one read: the very next
select on this thread takes them if it asks for precisely those events, and
any other select or insert drops them.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

from eventsourcing.persistence import StoredEvent


class Prefetch:
    """Held events for one following read, per thread; shared by one factory's recorders."""

    def __init__(self) -> None:
        self._local = threading.local()

    def put(self, key: Hashable, events: list[StoredEvent]) -> None:
        self._local.held = (key, events)

    def take(self, key: Hashable | None) -> list[StoredEvent] | None:
        """The held events if they were read for this key; always drops them."""
        held: tuple[Any, list[StoredEvent]] | None = getattr(self._local, "held", None)
        self._local.held = None
        if held is not None and key is not None and held[0] == key:
            return held[1]
        return None

    def clear(self) -> None:
        self._local.held = None


def read_key(originator_id: object, gt: int | None, lte: int | None) -> tuple[str, Any, Any]:
    """What an event read after a snapshot asks for: (stream, gt, lte)."""
    return (str(originator_id), gt, lte)
