"""Small helpers shared by the rule tests."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger import Consumption, CreditLedger, LedgerError
from ledger.domain.org import Org
from ledger.domain.plans import CATALOGUE
from ledger.domain.standing import PLAN, TOP_UP

_ids = itertools.count()


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def body(answer: Any) -> dict[str, Any]:
    """An answer's fields as the HTTP body has them: all but `replayed`."""
    fields = dataclasses.asdict(answer)
    fields.pop("replayed", None)
    return fields


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


def check_attribution(events: Iterable[object]) -> None:
    """Over an org's history, oldest first: a report is paid by the plan only while the
    plan-paid reports of its period are fewer than the allowance in force, and by a
    top-up only once they are not, and while top-up-paid reports are fewer than the
    top-up credits granted in that period so far."""
    allowance = 0
    plan_paid: Counter[str] = Counter()
    top_up_paid: Counter[str] = Counter()
    granted: Counter[str] = Counter()
    for event in events:
        if isinstance(event, Org.PlanSet):
            allowance = CATALOGUE[event.plan].credits
        elif isinstance(event, Org.TopUpGranted):
            granted[event.period] += event.credits
        elif isinstance(event, Org.CreditConsumed):
            period, version = event.period, event.originator_version
            if event.paid_by == PLAN:
                assert plan_paid[period] < allowance, f"plan-paid over the allowance: {version}"
                plan_paid[period] += 1
            else:
                assert event.paid_by == TOP_UP, event.paid_by
                assert plan_paid[period] >= allowance, f"plan credits were left: {version}"
                assert top_up_paid[period] < granted[period], f"no top-up left: {version}"
                top_up_paid[period] += 1
