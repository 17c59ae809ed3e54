"""The Python entry point, as the interface documentation shows it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import ledger as package
from ledger import CreditLedger, LedgerError
from tests.conftest import FakeClock
from tests.unit.support import body, refused, use, utc

CONSUMPTION = {"org_id", "user_id", "enquiry_id", "consumed_at", "remaining", "user_remaining"}
TOP_UP = {"org_id", "top_up_id", "credits", "expires_at", "limit", "remaining"}


def test_the_documented_example_runs_as_written() -> None:
    ledger = CreditLedger(clock=lambda: datetime(2026, 11, 5, tzinfo=UTC))
    ledger.set_plan("acme", "Basic")
    ledger.set_user_limit("acme", 50)
    consumed = ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    topped = ledger.top_up("acme", 25)
    assert set(body(consumed)) == CONSUMPTION
    assert set(body(topped)) == TOP_UP
    assert body(ledger.status("acme")) == {
        "org_id": "acme",
        "plan": "Basic",
        "month": "2026-11",
        "allowance": 100,
        "top_up_credits": 25,
        "limit": 125,
        "used": 1,
        "remaining": 124,
        "user_limit": 50,
        "trial": None,
    }
    assert ledger.status("acme", at=datetime(2026, 11, 5, tzinfo=UTC)).used == 1


def test_with_no_arguments_it_runs_in_memory_on_the_system_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PERSISTENCE_MODULE", raising=False)
    before = datetime.now(UTC).strftime("%Y-%m")
    status = CreditLedger().set_plan("acme", "Lite")
    assert status.month in {before, datetime.now(UTC).strftime("%Y-%m")}
    with pytest.raises(LedgerError) as caught:  # another instance has its own memory
        CreditLedger().status("acme")
    assert caught.value.code == "NOT_FOUND"


def test_persistence_is_chosen_by_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: FakeClock
) -> None:
    monkeypatch.setenv("PERSISTENCE_MODULE", "adapters.sqlite")
    monkeypatch.setenv("SQLITE_DBNAME", str(tmp_path / "ledger.sqlite"))
    first, second = CreditLedger(clock=clock), CreditLedger(clock=clock)
    first.set_plan("acme", "Basic")
    assert (tmp_path / "ledger.sqlite").exists()
    assert second.status("acme").plan == "Basic"
    first.close()
    second.close()


def test_a_refusal_is_an_exception_with_the_code_and_a_message(ledger: CreditLedger) -> None:
    with pytest.raises(LedgerError) as caught:
        ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    assert (caught.value.code, bool(caught.value.message)) == ("NO_PLAN", True)
    assert {"CreditLedger", "LedgerError", "OrgStatus", "Consumption", "TopUp"} <= set(
        package.__all__
    )


def test_months_are_calendar_months_in_utc_whatever_the_clocks_zone(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    paris = timezone(timedelta(hours=1))
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=paris))  # still 30 November in UTC
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 20)
    assert ledger.status("acme").month == "2026-11"
    assert ledger.top_up("acme", 1).expires_at == utc(2026, 12, 1)
    use(ledger, "acme", 1)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=paris))  # midnight UTC: a new month
    status = ledger.status("acme")
    assert (status.month, status.used, status.remaining) == ("2026-12", 0, 20)
