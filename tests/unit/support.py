"""Small helpers shared by the rule tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger import Consumption, CreditLedger, LedgerError

_ids = itertools.count()


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def history_length(ledger: CreditLedger, org_id: str) -> int:
    return sum(1 for _ in ledger.org_events(org_id))


def refused(ledger: CreditLedger, org_id: str, code: str, command: Callable[[], Any]) -> None:
    """The command is refused with `code` and leaves the org's history as it was."""
    before = history_length(ledger, org_id)
    with pytest.raises(LedgerError) as caught:
        command()
    assert caught.value.code == code, caught.value.message
    assert history_length(ledger, org_id) == before


def use(
    ledger: CreditLedger, org_id: str, count: int, user_id: str = "u-1", prefix: str = "auto"
) -> list[Consumption]:
    """Consumes `count` credits, each with a fresh enquiry id."""
    return [
        ledger.consume_credit(org_id, user_id=user_id, enquiry_id=f"{prefix}-{next(_ids)}")
        for _ in range(count)
    ]


def consume(ledger: CreditLedger, org_id: str, user_id: str, enquiry_id: str) -> Consumption:
    return ledger.consume_credit(org_id, user_id=user_id, enquiry_id=enquiry_id)


def paid_by(ledger: CreditLedger, org_id: str) -> list[str]:
    """Who paid each recorded report, oldest first."""
    return [event.paid_by for event in ledger.org_events(org_id) if hasattr(event, "paid_by")]
