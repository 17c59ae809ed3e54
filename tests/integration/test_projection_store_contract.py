"""Every projection store keeps the same promises (memory, SQLite, DynamoDB)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from projections.alerts import Alert
from projections.balance import Balance, OrgView
from projections.store import ProjectionStore
from tests.projection_stores import PROJECTION_STORES, projection_store

KEY = "0b9c7c56-7a51-5c0c-9d6c-0c5c1e1b0a01"
NOV = Balance(
    period="2026-11",
    plan="Basic",
    allowance=100,
    starts_at=datetime(2026, 11, 1, tzinfo=UTC),
    ends_at=datetime(2026, 12, 1, tzinfo=UTC),
    version=2,
    used=80,
    by_user={"u-1": 80},
    daily=(0, 30, 0, 50),
    near_limit_raised=True,
    alert_ids=("a",),
)
VIEW = OrgView(org_id="acme", version=2, plan="Basic", current=NOV)


def alert(used: int, kind: str = "NearLimit") -> Alert:
    return Alert(
        kind=kind,  # type: ignore[arg-type]
        org_id="acme",
        plan="Basic",
        period="2026-11",
        limit=100 + used,
        used=used,
        remaining=100,
        occurred_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        rule="forecast",
        forecast_used=used,
        pace_per_day=used / 19,
        run_out_at=datetime(2026, 11, 28, 9, 30, tzinfo=UTC),
        period_ends_at=datetime(2026, 12, 1, tzinfo=UTC),
        suggested_plan="Enterprise",
    )


@pytest.fixture(params=PROJECTION_STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProjectionStore]:
    with projection_store(request.param, tmp_path) as made:
        yield made


def test_save_and_read_back(store: ProjectionStore) -> None:
    assert store.head(KEY) is None
    assert store.save(KEY, 0, VIEW, [NOV], [alert(80)])
    assert store.head(KEY) == VIEW
    assert store.balance(KEY, "2026-11") == NOV
    assert store.balances(KEY) == [NOV]
    assert [a.alert_id for a in store.pending(KEY)] == [alert(80).alert_id]
    assert store.pending(KEY) == [alert(80)]
    assert store.head_and_pending(KEY) == (VIEW, [alert(80)])
    assert store.head_and_pending("other") == (None, [])
    assert list(store.org_keys()) == [KEY]


def test_a_saved_balance_keeps_its_counts_when_the_callers_copy_changes(
    store: ProjectionStore,
) -> None:
    balance = replace(NOV, by_user={"u-1": 80})
    assert store.save(KEY, 0, VIEW, [balance], [])
    balance.by_user["u-1"] = 1
    assert store.balance(KEY, "2026-11") == NOV


def test_a_stale_writer_cannot_regress_the_balance(store: ProjectionStore) -> None:
    assert store.save(KEY, 0, VIEW, [NOV], [])
    newer = replace(NOV, used=81, version=3)
    assert store.save(KEY, 2, replace(VIEW, version=3, current=newer), [newer], [])
    stale = replace(NOV, used=50, version=3)
    assert not store.save(KEY, 2, replace(VIEW, version=3, current=stale), [stale], [alert(1)])
    assert not store.save(KEY, 0, VIEW, [NOV], [])
    assert store.balance(KEY, "2026-11") == newer
    assert store.head(KEY).version == 3  # type: ignore[union-attr]
    assert store.pending(KEY) == []


def test_pending_alerts_until_marked_published(store: ProjectionStore) -> None:
    first, second = alert(80), alert(100, "LimitReached")
    assert store.save(KEY, 0, VIEW, [NOV], [first])
    assert store.save(KEY, 2, replace(VIEW, version=3), [], [second])
    assert {a.alert_id for a in store.pending(KEY)} == {first.alert_id, second.alert_id}
    store.mark_published(KEY, [first.alert_id])
    assert store.pending(KEY) == [second]
    store.mark_published(KEY, [first.alert_id, second.alert_id])  # twice is fine
    assert store.pending(KEY) == []
    store.mark_published("no-such-org", ["x"])
    assert store.head("no-such-org") is None


def test_balances_are_listed_oldest_first(store: ProjectionStore) -> None:
    trial = replace(NOV, period="trial", plan="Trial", version=1)
    assert store.save(KEY, 0, VIEW, [NOV, trial], [])
    assert [b.period for b in store.balances(KEY)] == ["trial", "2026-11"]


def test_orgs_with_pending_alerts_are_listed_until_published(store: ProjectionStore) -> None:
    other = "5a1d8a3e-0c1f-4b7e-9a57-3f5f0d7e2b10"
    assert store.save(KEY, 0, VIEW, [NOV], [alert(80), alert(100, "LimitReached")])
    assert store.save(other, 0, VIEW, [NOV], [])
    assert store.pending_org_keys() == [KEY]
    store.mark_published(KEY, [alert(80).alert_id])
    assert store.pending_org_keys() == [KEY]
    store.mark_published(KEY, [alert(100, "LimitReached").alert_id])
    assert store.pending_org_keys() == []
    assert store.save(KEY, 2, replace(VIEW, version=3), [], [alert(90)])
    assert store.pending_org_keys() == [KEY]
