"""The projection store on DynamoDB (the PROJECTIONS table).

Items per org (pk "org#<org key>"): a head ("head": version, view, pending
alerts as a map) and one item per period ("period#<period>"). A save is one
transaction guarded by the head's version, so concurrent projectors cannot
take a balance back; marking alerts published removes map entries only.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from adapters.tables import PROJECTIONS
from projections.alerts import Alert
from projections.balance import Balance, OrgView
from projections.store import ProjectionStore

HEAD = "head"
PERIOD = "period#"


def _pk(org_key: str) -> dict[str, str]:
    return {"S": f"org#{org_key}"}


class DynamoDBProjectionStore(ProjectionStore):
    def __init__(self, client: Any, table_name: str | None = None) -> None:
        self.client = client
        self.table = table_name or PROJECTIONS.default_name

    def _get(self, org_key: str, sk: str) -> dict[str, Any] | None:
        key = {"pk": _pk(org_key), "sk": {"S": sk}}
        item: dict[str, Any] | None = self.client.get_item(
            TableName=self.table, Key=key, ConsistentRead=True
        ).get("Item")
        return item

    def head(self, org_key: str) -> OrgView | None:
        item = self._get(org_key, HEAD)
        return OrgView.from_dict(json.loads(item["view"]["S"])) if item else None

    def balance(self, org_key: str, period: str) -> Balance | None:
        item = self._get(org_key, PERIOD + period)
        return Balance.from_dict(json.loads(item["balance"]["S"])) if item else None

    def balances(self, org_key: str) -> list[Balance]:
        found = [
            Balance.from_dict(json.loads(item["balance"]["S"]))
            for item in self._query(org_key, PERIOD)
        ]
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
    ) -> bool:
        items = [self._head_write(org_key, expected_version, view, alerts)]
        items += [
            {"Put": {"TableName": self.table, "Item": self._period(org_key, b)}} for b in balances
        ]
        try:
            self.client.transact_write_items(TransactItems=items)
        except self.client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        return True

    def _head_write(
        self, org_key: str, expected: int, view: OrgView, alerts: Sequence[Alert]
    ) -> dict[str, Any]:
        values = {
            ":v": {"N": str(view.version)},
            ":view": {"S": json.dumps(view.to_dict())},
        }
        if expected == 0:
            item = {
                "pk": _pk(org_key),
                "sk": {"S": HEAD},
                "version": values[":v"],
                "view": values[":view"],
                "pending": {"M": {a.alert_id: {"S": a.to_json()} for a in alerts}},
            }
            condition = "attribute_not_exists(pk)"
            return {
                "Put": {"TableName": self.table, "Item": item, "ConditionExpression": condition}
            }
        names = {f"#a{i}": a.alert_id for i, a in enumerate(alerts)}
        values |= {f":a{i}": {"S": a.to_json()} for i, a in enumerate(alerts)}
        values[":old"] = {"N": str(expected)}
        sets = ["version = :v", "#view = :view"] + [
            f"pending.#a{i} = :a{i}" for i in range(len(alerts))
        ]
        return {
            "Update": {
                "TableName": self.table,
                "Key": {"pk": _pk(org_key), "sk": {"S": HEAD}},
                "UpdateExpression": "SET " + ", ".join(sets),
                "ConditionExpression": "version = :old",
                "ExpressionAttributeNames": names | {"#view": "view"},
                "ExpressionAttributeValues": values,
            }
        }

    def _period(self, org_key: str, balance: Balance) -> dict[str, Any]:
        return {
            "pk": _pk(org_key),
            "sk": {"S": PERIOD + balance.period},
            "version": {"N": str(balance.version)},
            "balance": {"S": json.dumps(balance.to_dict())},
        }

    def pending(self, org_key: str) -> list[Alert]:
        return self.head_and_pending(org_key)[1]

    def head_and_pending(self, org_key: str) -> tuple[OrgView | None, list[Alert]]:
        """The head item carries both: one consistent read."""
        item = self._get(org_key, HEAD)
        if item is None:
            return None, []
        found = item.get("pending", {}).get("M", {})
        alerts = [Alert.from_json(value["S"]) for value in found.values()]
        view = OrgView.from_dict(json.loads(item["view"]["S"]))
        return view, sorted(alerts, key=lambda a: a.occurred_at)

    def mark_published(self, org_key: str, alert_ids: Iterable[str]) -> None:
        names = {f"#a{i}": alert_id for i, alert_id in enumerate(alert_ids)}
        if not names:
            return
        missing = self.client.exceptions.ConditionalCheckFailedException
        with contextlib.suppress(missing):  # no projection, so nothing pending
            self.client.update_item(
                TableName=self.table,
                Key={"pk": _pk(org_key), "sk": {"S": HEAD}},
                UpdateExpression="REMOVE " + ", ".join(f"pending.{name}" for name in names),
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames=names,
            )

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
