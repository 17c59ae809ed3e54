"""Where the digest function writes: its bucket's setting and each run's key.

Apart from handlers.digests so the stack reads them without loading a function's
imports (Powertools, the X-Ray SDK) at synth.
"""

from __future__ import annotations

from datetime import UTC, datetime

BUCKET_ENV = "LEDGER_DIGEST_BUCKET"
PREFIX = "digests/"


def object_key(moment: datetime) -> str:
    return PREFIX + moment.astimezone(UTC).strftime("%Y/%m/%d/%H%M%SZ.jsonl")
