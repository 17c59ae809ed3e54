"""Every projection store lists the cross-org rows alike: one month, in order, in pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger.domain.errors import InvalidInput
from projections.balance import Balance, OrgView
from projections.orgs import OrgRow, OrgsQuery, decode_cursor
from projections.store import ProjectionStore
from tests.projection_stores import PROJECTION_STORES, projection_store

NOV = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)


def row(
    org_id: str, used: int, limit: int = 100, run_out_day: int | None = None, **more: object
) -> OrgRow:
    made = OrgRow(
        org_id=org_id,
        month="2026-11",
        period="2026-11",
        plan="Basic",
        limit=limit,
        used=used,
        remaining=max(0, limit - used),
        forecast_used=used,
        pace_per_day=1.0,
        run_out_at=datetime(2026, 11, run_out_day, tzinfo=UTC) if run_out_day else None,
        period_ends_at=END,
        suggested_plan=None,
        alerts=(),
        as_of=datetime(2026, 11, 10, tzinfo=UTC),
        near_limit=False,
    )
    return replace(made, **more)  # type: ignore[arg-type]


ROWS = [
    row("late", 10, run_out_day=28),
    row("none", 1),
    row("soon", 60, run_out_day=12, near_limit=True, alerts=("NearLimit",)),
    row("out", 100, alerts=("LimitReached",)),
    row("lite", 5, limit=20, plan="Lite", run_out_day=20),
    row("october", 99, month="2026-10", period="2026-10", run_out_day=None),
]


@pytest.fixture(params=PROJECTION_STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProjectionStore]:
    with projection_store(request.param, tmp_path) as made:
        for number, each in enumerate(ROWS):
            key = f"key-{number}"
            balance = Balance(
                period=each.period,
                plan=each.plan,
                allowance=each.limit,
                starts_at=NOV,
                ends_at=END,
                version=2,
            )
            view = OrgView(org_id=each.org_id, version=2, plan=each.plan, current=balance)
            assert made.save(key, 0, view, [balance], [], [each])
        yield made


def ids(store: ProjectionStore, month: str = "2026-11", **query: object) -> list[str]:
    found = store.list_orgs(OrgsQuery(month=month, **query))  # type: ignore[arg-type]
    return [r.org_id for r in found.orgs]


def test_soonest_to_run_out_first_run_out_before_and_undated_last(store: ProjectionStore) -> None:
    assert ids(store) == ["out", "soon", "lite", "late", "none"]


def test_other_orders(store: ProjectionStore) -> None:
    assert ids(store, sort="used_share") == ["out", "soon", "lite", "late", "none"]
    assert ids(store, sort="org_id") == ["late", "lite", "none", "out", "soon"]


def test_filters_by_state_and_plan(store: ProjectionStore) -> None:
    assert ids(store, state="limit_reached") == ["out"]
    assert ids(store, state="near_limit") == ["soon"]
    assert ids(store, state="ok") == ["lite", "late", "none"]
    assert ids(store, plan="Lite") == ["lite"]
    assert ids(store, plan="Lite", state="near_limit") == []
    assert ids(store, month="2026-10") == ["october"]


def test_pages_follow_the_cursor_to_the_end(store: ProjectionStore) -> None:
    seen, after = [], None
    while True:
        page = store.list_orgs(OrgsQuery(month="2026-11", state="ok", limit=2, after=after))
        seen += [[r.org_id for r in page.orgs]]
        if page.next_after is None:
            break
        after = decode_cursor("run_out", page.next_after)
    assert seen == [["lite", "late"], ["none"]]


def test_a_cursor_of_another_order_is_refused() -> None:
    page_cursor = "b3JnX2lkCmxhdGU"  # "org_id\nlate"
    assert decode_cursor("org_id", page_cursor) == "late"
    for bad in (page_cursor, "!!", "", "cnVuX291dA"):
        with pytest.raises(InvalidInput):
            decode_cursor("run_out", bad)


def test_a_newer_row_takes_the_org_s_place(store: ProjectionStore) -> None:
    key = "key-1"  # "none"
    newer = row("none", 100, alerts=("LimitReached",), as_of=datetime(2026, 11, 9, tzinfo=UTC))
    view = OrgView(org_id="none", version=3, plan="Basic")
    assert store.save(key, 2, view, [], [], [newer])
    assert ids(store)[:2] == ["none", "out"]  # ran out on the 9th, before "out" on the 10th
    assert store.rows(key) == [newer]
    assert len(ids(store)) == 5
