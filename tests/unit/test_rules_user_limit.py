"""The per-user limit: one number per org, for every user, per month."""

from __future__ import annotations

from functools import partial

import pytest

from ledger import CreditLedger
from tests.conftest import FakeClock
from tests.unit.support import refused, use, utc


@pytest.fixture
def basic(ledger: CreditLedger) -> CreditLedger:
    ledger.set_plan("acme", "Basic")
    return ledger


def test_without_a_limit_users_are_only_bound_by_the_org(basic: CreditLedger) -> None:
    basic.set_plan("acme", "Lite")
    answers = use(basic, "acme", 20, user_id="u-1")
    assert {a.user_remaining for a in answers} == {None}
    refused(basic, "acme", "ORG_LIMIT_REACHED", lambda: use(basic, "acme", 1, "u-1"))


def test_each_user_gets_the_limit(basic: CreditLedger) -> None:
    basic.set_user_limit("acme", 3)
    assert [a.user_remaining for a in use(basic, "acme", 3, "u-1")] == [2, 1, 0]
    refused(basic, "acme", "USER_LIMIT_REACHED", lambda: use(basic, "acme", 1, "u-1"))
    answer = use(basic, "acme", 1, "u-2")[0]
    assert (answer.remaining, answer.user_remaining) == (96, 2)


def test_null_removes_the_limit(basic: CreditLedger) -> None:
    basic.set_user_limit("acme", 1)
    use(basic, "acme", 1, "u-1")
    refused(basic, "acme", "USER_LIMIT_REACHED", lambda: use(basic, "acme", 1, "u-1"))
    assert basic.set_user_limit("acme", None).user_limit is None
    assert use(basic, "acme", 1, "u-1")[0].user_remaining is None


def test_zero_blocks_every_user(basic: CreditLedger) -> None:
    assert basic.set_user_limit("acme", 0).user_limit == 0
    for user in ("u-1", "u-2", "someone-new"):
        refused(basic, "acme", "USER_LIMIT_REACHED", partial(use, basic, "acme", 1, user))
    assert basic.status("acme").remaining == 100


def test_a_lower_limit_applies_at_once(basic: CreditLedger) -> None:
    use(basic, "acme", 5, "over")
    use(basic, "acme", 3, "at")
    use(basic, "acme", 2, "under")
    basic.set_user_limit("acme", 3)
    refused(basic, "acme", "USER_LIMIT_REACHED", lambda: use(basic, "acme", 1, "over"))
    refused(basic, "acme", "USER_LIMIT_REACHED", lambda: use(basic, "acme", 1, "at"))
    assert use(basic, "acme", 1, "under")[0].user_remaining == 0
    basic.set_user_limit("acme", 6)
    assert use(basic, "acme", 1, "over")[0].user_remaining == 0


def test_the_limit_counts_per_calendar_month(basic: CreditLedger, clock: FakeClock) -> None:
    basic.set_user_limit("acme", 2)
    use(basic, "acme", 2, "u-1")
    clock.set(utc(2026, 11, 30, 23, 59, 59))
    refused(basic, "acme", "USER_LIMIT_REACHED", lambda: use(basic, "acme", 1, "u-1"))
    clock.set(utc(2026, 12, 1, 0, 0, 0))
    assert [a.user_remaining for a in use(basic, "acme", 2, "u-1")] == [1, 0]
    refused(basic, "acme", "USER_LIMIT_REACHED", lambda: use(basic, "acme", 1, "u-1"))


def test_the_limit_survives_plan_changes(basic: CreditLedger) -> None:
    basic.set_user_limit("acme", 2)
    use(basic, "acme", 2, "u-1")
    assert basic.set_plan("acme", "Ultimate").user_limit == 2
    refused(basic, "acme", "USER_LIMIT_REACHED", lambda: use(basic, "acme", 1, "u-1"))


def test_setting_a_limit_needs_no_plan(ledger: CreditLedger) -> None:
    status = ledger.set_user_limit("acme", 50)
    assert (status.plan, status.user_limit, status.trial) == (None, 50, None)
    assert (status.allowance, status.top_up_credits, status.limit) == (0, 0, 0)
    assert (status.used, status.remaining) == (0, 0)
    assert ledger.status("acme") == status
    event = ledger.history("acme").events[-1]
    assert (event.type, event.data["limit"]) == ("UserLimitSet", 50)
    assert ledger.set_plan("acme", "Lite").user_limit == 50
