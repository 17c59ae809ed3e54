"""Input checks shared by every entry point, so bad input never reaches the store."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ledger.domain.errors import InvalidInput

ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
_ID = re.compile(ID_PATTERN)
MAX_TOP_UP = 100_000
MAX_USER_LIMIT = 1_000_000_000
MAX_NOTE = 1000
MAX_REASON = 500
MAX_ACTOR = 2048  # an IAM ARN's longest
MAX_VERSION = 2**62  # beyond any org's history; bounds `after` in paging
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)
# Months whose start and end, in UTC, Python's dates can hold (years 1 to 9999).
_EARLIEST = datetime(1, 2, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 1, tzinfo=UTC)
_FROM, _UNTIL = _EARLIEST.date().isoformat(), _LATEST.date().isoformat()


def check_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidInput(f"{field} must be 1 to 128 characters of A-Z a-z 0-9 . _ : -")
    return value


def check_whole(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{field} must be a whole number from {low} to {high}")
    return value


def check_text(field: str, value: object, most: int) -> str | None:
    """Optional free text: at most `most` characters that UTF-8 can hold (a lone
    surrogate, which a JSON escape can carry, cannot be stored or hashed)."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > most or not _encodable(value):
        raise InvalidInput(f"{field} must be text of at most {most} characters")
    return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_note(value: object) -> str | None:
    return check_text("note", value, MAX_NOTE)


def check_reason(value: object) -> str | None:
    return check_text("reason", value, MAX_REASON)


def check_actor(value: object) -> str | None:
    return check_text("actor", value, MAX_ACTOR)


def check_moment(field: str, value: object) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(f"{field} must be a date and time with a time zone")
    if not _EARLIEST <= value < _LATEST:
        raise InvalidInput(f"{field} must be from {_FROM} to before {_UNTIL} (UTC)")
    return value


def check_month(field: str, value: object) -> str:
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise InvalidInput(f"{field} must be a month, YYYY-MM")
    if not _FROM[:7] <= value < _UNTIL[:7]:
        raise InvalidInput(f"{field} must be from {_FROM[:7]} to before {_UNTIL[:7]}")
    return value
