"""The deadline each API request gets (see ledger.deadline).

`LEDGER_REQUEST_DEADLINE` (seconds, default 6) caps it; in Lambda it is also
kept a second under the time the invocation has left, so a BUSY answer goes
out before the function is stopped (its timeout is 10 s). On DynamoDB one HTTP
attempt may take up to adapters.dynamodb.client.CALL_LIMIT: that much is kept
in hand, so no store call starts that could outlast the deadline.
"""

from __future__ import annotations

import os
from typing import Any

DEADLINE_ENV = "LEDGER_REQUEST_DEADLINE"
DEFAULT_SECONDS = 6.0
MARGIN_SECONDS = 1.0  # to answer, log and flush metrics after giving up
SHORTEST_SECONDS = 0.1


def configured_seconds() -> float:
    """The setting; ValueError (one line) if it is not a positive number of seconds."""
    text = os.environ.get(DEADLINE_ENV, "")
    if not text:
        return DEFAULT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 900:
        raise ValueError(f"{DEADLINE_ENV} must be a number of seconds (0 to 900), not {text!r}")
    return seconds


def request_seconds(context: Any) -> float:
    seconds = configured_seconds()
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is not None:
        seconds = min(seconds, remaining() / 1000 - MARGIN_SECONDS)
    return max(seconds, SHORTEST_SECONDS)


def store_call_limit() -> float:
    if os.environ.get("PERSISTENCE_MODULE") == "adapters.dynamodb":
        from adapters.dynamodb.client import CALL_LIMIT

        return CALL_LIMIT
    return 0.0
