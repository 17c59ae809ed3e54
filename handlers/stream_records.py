"""Reads a DynamoDB stream record of the event table as a doorbell: which org, which version.

The reading itself is adapters.dynamodb.stream.org_doorbell, shared with the
stream follower of `ledger serve`.
"""

from __future__ import annotations

import uuid
from typing import Any

from adapters.dynamodb.stream import org_doorbell


def doorbell(record: Any) -> tuple[uuid.UUID, int] | None:
    """(org id, version) for a new org event item; None for anything else."""
    return org_doorbell(record.raw_event)
