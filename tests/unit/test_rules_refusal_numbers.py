"""A refusal carries the numbers behind it, so a caller can say when credit comes back."""

from __future__ import annotations

from datetime import datetime

import pytest

from ledger import CreditLedger
from ledger.domain.errors import CreditRefused
from tests.conftest import FakeClock
from tests.unit.support import consume, use, utc


def numbers(ledger: CreditLedger, user: str = "u-1") -> tuple[str, int, int, int, datetime | None]:
    with pytest.raises(CreditRefused) as caught:
        consume(ledger, "acme", user, "e-refused")
    error = caught.value
    return (error.code, error.limit, error.used, error.remaining, error.resets_at)


def test_no_plan(ledger: CreditLedger) -> None:
    assert numbers(ledger) == ("NO_PLAN", 0, 0, 0, None)


def test_the_month_used_up_comes_back_at_its_end(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 2)
    use(ledger, "acme", 22)
    assert numbers(ledger) == ("ORG_LIMIT_REACHED", 22, 22, 0, utc(2026, 12, 1))


def test_the_user_limit_gives_the_users_numbers(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.set_user_limit("acme", 3)
    use(ledger, "acme", 3, "u-1")
    use(ledger, "acme", 1, "u-2")
    assert numbers(ledger) == ("USER_LIMIT_REACHED", 3, 3, 0, utc(2026, 12, 1))
    ledger.set_user_limit("acme", 2)  # lowered below what the user used
    assert numbers(ledger) == ("USER_LIMIT_REACHED", 2, 3, 0, utc(2026, 12, 1))


def test_a_trial_brings_no_credit_back(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Trial")
    ledger.set_user_limit("acme", 4)
    use(ledger, "acme", 4, "u-1")
    assert numbers(ledger) == ("USER_LIMIT_REACHED", 4, 4, 0, None)
    ledger.set_user_limit("acme", None)
    use(ledger, "acme", 6, "u-2")
    assert numbers(ledger, "u-2") == ("TRIAL_LIMIT_REACHED", 10, 10, 0, None)
    clock.advance(days=14)
    assert numbers(ledger, "u-3") == ("TRIAL_EXPIRED", 10, 10, 0, None)
