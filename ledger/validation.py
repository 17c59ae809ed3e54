"""Input checks shared by every entry point, so bad input never reaches the store."""

from __future__ import annotations

import re
from datetime import datetime

from ledger.domain.errors import InvalidInput

ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
_ID = re.compile(ID_PATTERN)
MAX_TOP_UP = 100_000
MAX_USER_LIMIT = 1_000_000_000
MAX_NOTE = 1000


def check_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidInput(f"{field} must be 1 to 128 characters of A-Z a-z 0-9 . _ : -")
    return value


def check_whole(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{field} must be a whole number from {low} to {high}")
    return value


def check_note(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise InvalidInput(f"note must be text of at most {MAX_NOTE} characters")
    return value


def check_moment(field: str, value: object) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(f"{field} must be a date and time with a time zone")
    return value
