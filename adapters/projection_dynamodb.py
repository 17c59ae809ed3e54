"""The projection store on DynamoDB (the PROJECTIONS table).

Items per org (pk "org#<org key>"): a head ("head": version, view, pending
alerts as a map) and one item per period ("period#<period>"). A save is one
transaction guarded by the head's version, so concurrent projectors cannot
take a balance back; marking alerts published removes map entries only.
A head with pending alerts also carries `pending_org`, the key of the sparse
index a sweep reads; it is set and cleared by the writes that fill and empty
the map. Views and balances over 1 KB are stored compressed (projection_items).
The cross-org view is one item per org, month and order ("row#<month>#<order>"),
listed by the `orgs` index (see adapters/projection_rows.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from adapters.projection_items import (
    HEAD_ROOM,
    check_size,
    json_attributes,
    other_form,
    read_json,
)
from adapters.projection_pending import PendingAlerts
from adapters.projection_rows import ROW, RowItems
from adapters.tables import PROJECTIONS
from projections.alerts import Alert
from projections.balance import Balance, OrgView
from projections.orgs import OrgRow, OrgsQuery
from projections.store import ProjectionStore, ProjectionTooLarge

HEAD = "head"
PERIOD = "period#"


def _pk(org_key: str) -> dict[str, str]:
    return {"S": f"org#{org_key}"}


def _view(item: dict[str, Any]) -> OrgView:
    return OrgView.from_dict(read_json(item, "view"))


def _balance(item: dict[str, Any]) -> Balance:
    return Balance.from_dict(read_json(item, "balance"))


class DynamoDBProjectionStore(ProjectionStore):
    def __init__(self, client: Any, table_name: str | None = None) -> None:
        self.client = client
        self.table = table_name or PROJECTIONS.default_name
        self.alerts = PendingAlerts(client, self.table, HEAD)
        self.listing = RowItems(client, self.table)

    def _get(self, org_key: str, sk: str) -> dict[str, Any] | None:
        key = {"pk": _pk(org_key), "sk": {"S": sk}}
        item: dict[str, Any] | None = self.client.get_item(
            TableName=self.table, Key=key, ConsistentRead=True
        ).get("Item")
        return item

    def head(self, org_key: str) -> OrgView | None:
        item = self._get(org_key, HEAD)
        return _view(item) if item else None

    def balance(self, org_key: str, period: str) -> Balance | None:
        item = self._get(org_key, PERIOD + period)
        return _balance(item) if item else None

    def balances(self, org_key: str) -> list[Balance]:
        found = [_balance(item) for item in self._query(org_key, PERIOD)]
        return sorted(found, key=lambda b: b.version)

    def _query(self, org_key: str, prefix: str) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": _pk(org_key), ":prefix": {"S": prefix}},
            ConsistentRead=True,
        )
        for page in pages:
            yield from page["Items"]

    def save(
        self,
        org_key: str,
        expected_version: int,
        view: OrgView,
        balances: Sequence[Balance],
        alerts: Sequence[Alert],
        rows: Sequence[OrgRow] = (),
    ) -> bool:
        periods = [self._period(org_key, b) for b in balances]
        for item in periods:
            check_size(org_key, item)
        items = [self._head_write(org_key, expected_version, view, alerts)]
        periods += [item for row in rows for item in self.listing.items(_pk(org_key), row)]
        items += [{"Put": {"TableName": self.table, "Item": item}} for item in periods]
        try:
            self.client.transact_write_items(TransactItems=items)
        except self.client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        except self.client.exceptions.ClientError as error:
            if _too_large(error):  # what the size checks did not foresee
                raise ProjectionTooLarge(f"projection of org {org_key}: {error}") from error
            raise
        return True

    def _head_write(
        self, org_key: str, expected: int, view: OrgView, alerts: Sequence[Alert]
    ) -> dict[str, Any]:
        key = {"pk": _pk(org_key), "sk": {"S": HEAD}}
        ((name, value),) = json_attributes("view", view.to_dict()).items()
        head = key | {"version": {"N": str(view.version)}, name: value}
        pending = self.alerts.as_map(alerts)
        check_size(org_key, head | pending, room=HEAD_ROOM)
        if expected == 0:
            item = head | pending | self.alerts.marker(org_key, alerts)
            condition = "attribute_not_exists(pk)"
            return {
                "Put": {"TableName": self.table, "Item": item, "ConditionExpression": condition}
            }
        other = other_form(name)
        update = self.alerts.added(org_key, alerts)
        update["names"] |= {"#view": name, "#other": other}
        update["values"] |= {":v": head["version"], ":view": value, ":old": {"N": str(expected)}}
        sets = ["version = :v", "#view = :view", *update["sets"]]
        return {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": f"SET {', '.join(sets)} REMOVE #other",
                "ConditionExpression": "version = :old",
                "ExpressionAttributeNames": update["names"],
                "ExpressionAttributeValues": update["values"],
            }
        }

    def _period(self, org_key: str, balance: Balance) -> dict[str, Any]:
        return {
            "pk": _pk(org_key),
            "sk": {"S": PERIOD + balance.period},
            "version": {"N": str(balance.version)},
            **json_attributes("balance", balance.to_dict()),
        }

    def rows(self, org_key: str) -> list[OrgRow]:
        return self.listing.of_org(list(self._query(org_key, ROW)))

    def ordered_rows(self, query: OrgsQuery) -> Iterator[OrgRow]:
        return self.listing.ordered(query)

    def pending(self, org_key: str) -> list[Alert]:
        return self.head_and_pending(org_key)[1]

    def head_and_pending(self, org_key: str) -> tuple[OrgView | None, list[Alert]]:
        """The head item carries both: one consistent read."""
        item = self._get(org_key, HEAD)
        if item is None:
            return None, []
        return _view(item), self.alerts.read(item)

    def mark_published(self, org_key: str, alert_ids: Iterable[str]) -> None:
        self.alerts.remove(_pk(org_key), list(alert_ids))

    def pending_org_keys(self) -> list[str]:
        return self.alerts.org_keys()

    def org_keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="sk = :head",
            ExpressionAttributeValues={":head": {"S": HEAD}},
            ProjectionExpression="pk",
        )
        for page in pages:
            for item in page["Items"]:
                yield item["pk"]["S"].removeprefix("org#")


def _too_large(error: Exception) -> bool:
    """DynamoDB's refusal of an item over its size limit, and nothing else."""
    details = getattr(error, "response", {}).get("Error", {})
    return (
        details.get("Code") == "ValidationException"
        and "size" in details.get("Message", "").lower()
    )
