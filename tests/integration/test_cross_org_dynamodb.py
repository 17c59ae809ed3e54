"""On DynamoDB a page of the cross-org view is a Query of the `orgs` index: never a Scan."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.dynamodb.items import item_size
from adapters.projection_dynamodb import DynamoDBProjectionStore
from projections.balance import OrgView
from projections.orgs import OrgsQuery, decode_cursor
from tests.integration.test_cross_org_store import row
from tests.projection_stores import projection_store

ORGS = 30


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DynamoDBProjectionStore]:
    with projection_store("dynamodb", tmp_path) as made:
        assert isinstance(made, DynamoDBProjectionStore)
        start = datetime(2026, 11, 10, tzinfo=UTC)
        for n in range(ORGS):
            each = row(f"org-{n:03d}", n % 100, run_out_at=start + timedelta(hours=ORGS - n))
            view = OrgView(org_id=each.org_id, version=2, plan="Basic")
            assert made.save(f"key-{n}", 0, view, [], [], [each])
        yield made


def requests(store: DynamoDBProjectionStore) -> list[tuple[str, dict[str, Any]]]:
    made: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        made.append((model.name, params))

    store.client.meta.events.register("provide-client-params.dynamodb.*", record)
    return made


def test_a_page_is_one_query_of_the_index(store: DynamoDBProjectionStore) -> None:
    made = requests(store)
    page = store.list_orgs(OrgsQuery(month="2026-11", limit=20))
    assert [name for name, _ in made] == ["Query"]
    assert made[0][1]["IndexName"] == "orgs" and made[0][1]["Limit"] == 21
    # Soonest to run out first: the last org made runs out first.
    assert [r.org_id for r in page.orgs] == [f"org-{n:03d}" for n in range(29, 9, -1)]
    assert page.next_after is not None
    made.clear()
    rest = store.list_orgs(
        OrgsQuery(month="2026-11", after=decode_cursor("run_out", page.next_after))
    )
    assert [name for name, _ in made] == ["Query"]
    assert len(rest.orgs) == 10 and rest.next_after is None


def test_a_filter_reads_on_until_the_page_is_full(store: DynamoDBProjectionStore) -> None:
    for n in range(3):  # run out, and last in org id order: past many reads of the index
        out = row(f"zz-{n}", 100)
        view = OrgView(org_id=out.org_id, version=2, plan="Basic")
        assert store.save(f"key-zz-{n}", 0, view, [], [], [out])
    made = requests(store)
    query = OrgsQuery(month="2026-11", state="limit_reached", sort="org_id", limit=2)
    page = store.list_orgs(query)
    assert {name for name, _ in made} == {"Query"} and len(made) > 1
    assert [r.org_id for r in page.orgs] == ["zz-0", "zz-1"] and page.next_after is not None
    assert store.list_orgs(OrgsQuery(month="2026-11", state="limit_reached", limit=5)).orgs


def test_the_size_of_a_listed_row(store: DynamoDBProjectionStore) -> None:
    """What a page costs: the index items' sizes (a row of realistic width)."""
    wide = replace(
        row("0f8fad5b-d9cb-469f-a165-70867728950e", 412, limit=525, alerts=("NearLimit",)),
        plan="Enterprise",
        suggested_plan="Ultimate",
    )
    items = store.listing.items({"S": "org#0937a602-8ae4-5946-9898-5367508c8848"}, wide)
    sizes = [item_size(item) for item in items]
    assert max(sizes) < 700  # 101 of them: under 70 KB, 18 units of 4 KB
