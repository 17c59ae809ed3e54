"""The DynamoDB projection items: the pending marker the sweep's index is keyed on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.projection_dynamodb import DynamoDBProjectionStore
from adapters.projection_pending import MARK
from tests.integration.test_projection_store_contract import KEY, NOV, VIEW, alert
from tests.projection_stores import projection_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DynamoDBProjectionStore]:
    with projection_store("dynamodb", tmp_path) as made:
        assert isinstance(made, DynamoDBProjectionStore)
        yield made


def head(store: DynamoDBProjectionStore) -> dict[str, Any]:
    item = store._get(KEY, "head")
    assert item is not None
    return item


def test_the_marker_comes_and_goes_with_the_pending_map(store: DynamoDBProjectionStore) -> None:
    first, second = alert(80), alert(100, "LimitReached")
    assert store.save(KEY, 0, VIEW, [NOV], [])
    assert MARK not in head(store)
    assert store.save(KEY, 2, replace(VIEW, version=3), [], [first, second])
    assert head(store)[MARK] == {"S": KEY}
    store.mark_published(KEY, [first.alert_id])
    assert head(store)[MARK] == {"S": KEY}  # one still pending
    store.mark_published(KEY, [second.alert_id])
    assert MARK not in head(store) and head(store)["pending"] == {"M": {}}


def test_a_new_head_with_alerts_is_marked(store: DynamoDBProjectionStore) -> None:
    assert store.save(KEY, 0, VIEW, [NOV], [alert(80)])
    assert head(store)[MARK] == {"S": KEY}
    store.mark_published(KEY, [alert(80).alert_id, "already-gone"])
    assert MARK not in head(store)


def test_publishers_that_each_removed_some_leave_no_marker(store: DynamoDBProjectionStore) -> None:
    first, second = alert(80), alert(100, "LimitReached")
    assert store.save(KEY, 0, VIEW, [NOV], [first, second])
    store.mark_published(KEY, [first.alert_id, "published-elsewhere"])
    store.mark_published(KEY, [second.alert_id, first.alert_id])
    assert MARK not in head(store)


def leave_a_marker(store: DynamoDBProjectionStore) -> None:
    """An org with nothing pending but a marker, as after a crash between two writes."""
    assert store.save(KEY, 0, VIEW, [NOV], [])
    store.client.update_item(
        TableName=store.table,
        Key={"pk": {"S": f"org#{KEY}"}, "sk": {"S": "head"}},
        UpdateExpression=f"SET {MARK} = :k",
        ExpressionAttributeValues={":k": {"S": KEY}},
    )


def test_a_marker_left_on_an_empty_map_is_cleared_by_the_listing(
    store: DynamoDBProjectionStore,
) -> None:
    leave_a_marker(store)
    assert store.pending_org_keys() == []
    assert MARK not in head(store)


def test_a_failed_tidy_of_a_left_marker_does_not_stop_the_listing(
    store: DynamoDBProjectionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    leave_a_marker(store)
    other = "0b9c7c56-7a51-5c0c-9d6c-0c5c1e1b0a02"
    assert store.save(other, 0, VIEW, [NOV], [alert(80)])

    def throttled(*args: Any, **kwargs: Any) -> None:
        raise store.client.exceptions.ProvisionedThroughputExceededException(
            {"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem"
        )

    monkeypatch.setattr(store.alerts, "_clear_marker", throttled)
    assert store.pending_org_keys() == [other]
