"""Reads a DynamoDB stream record of the event table as a doorbell: which org, which version.

Only the keys (and the topic, when the image has one) are read: the projector
fetches the events themselves from the event store, so it does not depend on
how the rest of the item is laid out.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.utils import get_topic

from adapters.tables import EVENTS
from ledger.domain.org import Org

_ORG_TOPIC = get_topic(Org) + "."
_STREAM_KEY = EVENTS.partition_key[0]
_VERSION_KEY = EVENTS.sort_key[0] if EVENTS.sort_key else "version"


def doorbell(record: Any) -> tuple[uuid.UUID, int] | None:
    """(originator id, version) for a new item that may hold an org event; None to skip."""
    if record.event_name is None or record.event_name.name == "REMOVE":
        return None
    stream = record.dynamodb
    if stream is None:
        return None
    keys = stream.keys
    try:
        originator = uuid.UUID(str(keys[_STREAM_KEY]))
        version = int(keys[_VERSION_KEY])
    except (KeyError, ValueError, TypeError):
        return None  # not an event item (a head or marker item, say)
    if version < 1 or not _may_be_org_event(stream.raw_event.get("NewImage") or {}):
        return None
    return originator, version


def _may_be_org_event(image: dict[str, Any]) -> bool:
    """False only when the image names a topic that is not an org event (a receipt)."""
    for name, value in image.items():
        if "topic" in name.lower() and isinstance(value, dict) and "S" in value:
            return str(value["S"]).startswith(_ORG_TOPIC)
    return True
