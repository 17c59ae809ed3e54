"""A month with many users: the DynamoDB projection items stay under 400 KB
(compressed), and past what they hold the save says so instead of stalling."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.projection_dynamodb import DynamoDBProjectionStore
from projections.balance import Balance
from projections.store import ProjectionTooLarge
from tests.integration.test_projection_store_contract import KEY, NOV, VIEW, alert
from tests.projection_stores import projection_store

HELD = 17_000  # users a month the items hold (docs/dynamodb.md)
TOO_MANY = 20_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DynamoDBProjectionStore]:
    with projection_store("dynamodb", tmp_path) as made:
        assert isinstance(made, DynamoDBProjectionStore)
        yield made


def month_of(users: int, version: int = 2) -> Balance:
    rng = random.Random(users)
    by_user = {str(uuid.UUID(int=rng.getrandbits(128), version=4)): 3 for _ in range(users)}
    return replace(NOV, by_user=by_user, used=3 * users, version=version)


def test_a_month_of_many_users_is_saved_compressed_and_read_back(
    store: DynamoDBProjectionStore,
) -> None:
    month = month_of(HELD)
    view = replace(VIEW, current=month)
    assert store.save(KEY, 0, view, [month], [alert(80)])
    assert store.head_and_pending(KEY) == (view, [alert(80)])
    assert store.balance(KEY, "2026-11") == month
    head, period = store._get(KEY, "head"), store._get(KEY, "period#2026-11")
    assert head and "view_z" in head and "view" not in head
    assert period and "balance_z" in period and "balance" not in period
    small = replace(VIEW, version=3, current=replace(NOV, version=3))
    assert store.save(KEY, 2, small, [small.current], [])  # back to text: one form only
    head = store._get(KEY, "head")
    assert head and "view" in head and "view_z" not in head
    assert store.head(KEY) == small


def test_past_what_an_item_holds_the_save_names_the_org_and_writes_nothing(
    store: DynamoDBProjectionStore,
) -> None:
    assert store.save(KEY, 0, VIEW, [NOV], [])
    month = month_of(TOO_MANY, version=3)
    with pytest.raises(ProjectionTooLarge, match=KEY):
        store.save(KEY, 2, replace(VIEW, version=3, current=month), [month], [])
    assert store.head(KEY) == VIEW
    assert store.balance(KEY, "2026-11") == NOV
