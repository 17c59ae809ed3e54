"""Bad input is refused with VALIDATION_ERROR, names the field, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from ledger import CreditLedger, LedgerError
from ledger.validation import check_month
from tests.unit.support import history_length, refused

BAD_IDS: list[Any] = ["", "x" * 129, "a b", "a/b", "caf\u00e9", "a\n", "a%2F", None, 5]
GOOD_IDS = ["x" * 128, "A-Za-z0-9._:-", "1"]


@pytest.fixture
def basic(ledger: CreditLedger) -> CreditLedger:
    ledger.set_plan("acme", "Basic")
    return ledger


def invalid(ledger: CreditLedger, field: str, command: Callable[[], object]) -> None:
    before = history_length(ledger, "acme")
    with pytest.raises(LedgerError) as caught:
        command()
    assert caught.value.code == "VALIDATION_ERROR"
    assert field in caught.value.message
    assert history_length(ledger, "acme") == before


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_are_1_to_128_plain_characters(basic: CreditLedger, bad: Any) -> None:
    invalid(basic, "org_id", lambda: basic.set_plan(bad, "Basic"))
    invalid(basic, "org_id", lambda: basic.status(bad))
    invalid(basic, "user_id", lambda: basic.consume_credit("acme", user_id=bad, enquiry_id="e"))
    invalid(basic, "enquiry_id", lambda: basic.consume_credit("acme", user_id="u", enquiry_id=bad))
    if bad is not None:  # no top_up_id at all is fine: the ledger makes one
        invalid(basic, "top_up_id", lambda: basic.top_up("acme", 1, top_up_id=bad))
    assert basic.status("acme").used == 0


@pytest.mark.parametrize("good", GOOD_IDS)
def test_ids_at_the_edges_are_accepted(ledger: CreditLedger, good: str) -> None:
    ledger.set_plan(good, "Lite")
    answer = ledger.consume_credit(good, user_id=good, enquiry_id=good)
    assert (answer.org_id, answer.user_id, answer.enquiry_id) == (good, good, good)
    assert ledger.top_up(good, 1, top_up_id=good).top_up_id == good


@pytest.mark.parametrize("plan", ["basic", "BASIC", "", "Free", None, 1, ["Basic"], {"Basic": 1}])
def test_only_catalogue_plans_can_be_set(ledger: CreditLedger, plan: Any) -> None:
    ledger.set_user_limit("acme", 1)
    invalid(ledger, "plan", lambda: ledger.set_plan("acme", plan))
    assert ledger.status("acme").plan is None


@pytest.mark.parametrize("credits", [0, 100_001, -5, True, 5.0, "5", None])
def test_top_up_credits_are_a_whole_number_from_1_to_100000(
    basic: CreditLedger, credits: Any
) -> None:
    invalid(basic, "credits", lambda: basic.top_up("acme", credits))
    assert basic.status("acme").top_up_credits == 0


@pytest.mark.parametrize("note", ["x" * 1001, 5])
def test_a_top_up_note_is_short_text(basic: CreditLedger, note: Any) -> None:
    invalid(basic, "note", lambda: basic.top_up("acme", 1, note=note))


@pytest.mark.parametrize("limit", [-1, True, 1.5, "3", 1_000_000_001])
def test_a_user_limit_is_a_whole_number_or_none(basic: CreditLedger, limit: Any) -> None:
    basic.set_user_limit("acme", 2)
    invalid(basic, "limit", lambda: basic.set_user_limit("acme", limit))
    assert basic.status("acme").user_limit == 2


@pytest.mark.parametrize("limit", [0, 1_000_000_000])
def test_user_limits_at_the_edges_are_accepted(basic: CreditLedger, limit: int) -> None:
    assert basic.set_user_limit("acme", limit).user_limit == limit


@pytest.mark.parametrize(("after", "limit"), [(-1, 10), (0, 0), (0, 1001), (0, True)])
def test_history_paging_values_are_checked(basic: CreditLedger, after: Any, limit: Any) -> None:
    field = "after" if after == -1 else "limit"
    invalid(basic, field, lambda: basic.history("acme", after=after, limit=limit))


def test_a_past_moment_must_carry_a_time_zone(basic: CreditLedger) -> None:
    invalid(basic, "at", lambda: basic.status("acme", at=datetime(2026, 11, 5, 12, 0)))


@pytest.mark.parametrize(
    "at",
    [
        datetime(9999, 12, 31, 23, tzinfo=UTC),  # its month's end is past year 9999
        datetime(9999, 12, 1, tzinfo=UTC),
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),  # before year 1 in UTC
    ],
)
def test_a_past_moment_must_have_a_month_dates_can_hold(basic: CreditLedger, at: datetime) -> None:
    invalid(basic, "at", lambda: basic.status("acme", at=at))


@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12", "2026-13", "2026-1", 202611])
def test_a_month_must_be_one_dates_can_hold(month: Any) -> None:
    with pytest.raises(LedgerError) as caught:
        check_month("month", month)
    assert caught.value.code == "VALIDATION_ERROR" and caught.value.message.startswith("month")


@pytest.mark.parametrize("month", ["0001-02", "2026-11", "9999-11"])
def test_months_at_the_edges_are_accepted(month: str) -> None:
    assert check_month("month", month) == month


def test_a_refusal_is_not_a_validation_error(ledger: CreditLedger) -> None:
    refused(ledger, "acme", "NO_PLAN", lambda: ledger.top_up("acme", 100_000))
