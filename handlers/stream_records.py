"""Reads a DynamoDB stream record of the event table as a doorbell: which org, which version.

Only the keys and the topic are read (adapters.dynamodb.items lays them out):
the projector fetches the events themselves from the event store, so a
record's payload is never trusted or decoded here.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.utils import get_topic

from adapters.dynamodb.items import KIND, STREAM, TOPIC, VERSION
from ledger.domain.org import Org

_ORG_TOPIC = get_topic(Org) + "."


def doorbell(record: Any) -> tuple[uuid.UUID, int] | None:
    """(org id, version) for a new org event item; None for anything else."""
    if record.event_name is None or record.event_name.name == "REMOVE":
        return None
    raw = record.raw_event.get("dynamodb") or {}
    keys, image = raw.get("Keys") or {}, raw.get("NewImage") or {}
    if KIND in image:
        return None  # a snapshot, kept in its org's partition at version N.5
    try:
        # Other non-event items (not a UUID, not a whole version) fail here.
        originator = uuid.UUID(keys[STREAM]["S"])
        version = int(keys[VERSION]["N"])
    except (KeyError, ValueError, TypeError):
        return None
    topic = (image.get(TOPIC) or {}).get("S")
    if version < 1 or (topic is not None and not topic.startswith(_ORG_TOPIC)):
        return None  # receipts have their own streams and no balance
    return originator, version
