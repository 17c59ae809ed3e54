"""Shared fixtures: a controllable clock and a ledger on each store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ledger import CreditLedger


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 5, 12, 0, tzinfo=UTC))


LedgerFactory = Callable[..., CreditLedger]

# Each store a rule test runs on (DynamoDB under moto, in process). The rules
# do not depend on the store: by default they run in memory (seconds);
# scripts/test runs them on all three (LEDGER_TEST_STORES=memory,sqlite,dynamodb),
# and each recorder also keeps its own contract tests.
ALL_STORES = ["memory", "sqlite", "dynamodb"]
STORES = [s for s in os.environ.get("LEDGER_TEST_STORES", "memory").split(",") if s]
if not set(STORES) <= set(ALL_STORES):
    raise ValueError(f"LEDGER_TEST_STORES names one of {', '.join(ALL_STORES)}")


def _store_env(store: str, tmp_path: Path) -> dict[str, str]:
    if store == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if store == "sqlite":
        return {
            "PERSISTENCE_MODULE": "adapters.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "events.sqlite"),
        }
    raise ValueError(store)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_env(store: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The persistence settings of one store; DynamoDB gets moto and a fresh table."""
    if store != "dynamodb":
        yield _store_env(store, tmp_path)
        return
    from tests.dynamodb_support import create_events_table, dynamodb_env, serial_mock_aws

    with serial_mock_aws():
        yield dynamodb_env(create_events_table())


@pytest.fixture
def make_ledger(store_env: dict[str, str]) -> Iterator[LedgerFactory]:
    """Builds ledgers that share one store (two instances = two processes' views)."""
    made: list[CreditLedger] = []

    def make(clock: Callable[[], datetime] | None = None) -> CreditLedger:
        ledger = CreditLedger(env=store_env, clock=clock)
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        ledger.close()


@pytest.fixture
def make_shared(store: str, make_ledger: LedgerFactory) -> LedgerFactory:
    """make_ledger, for tests of several instances on one store (as processes would be)."""
    if store == "memory":
        pytest.skip("in-memory stores are not shared between instances")
    return make_ledger


@pytest.fixture
def ledger(make_ledger: LedgerFactory, clock: FakeClock) -> CreditLedger:
    return make_ledger(clock)


def pytest_report_header() -> str | None:
    """Said at the top of every run: the infra tests are left out without the extra."""
    from importlib.util import find_spec

    if find_spec("aws_cdk") is None:
        from tests.infra.conftest import MISSING

        return f"tests/infra NOT RUN: {MISSING}"
    return None
