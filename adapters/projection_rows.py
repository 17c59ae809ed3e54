"""The cross-org view's items in the projections table, and its listing by index.

Each row is written once per order it is listed in (`row#<month>#<order>`), in
the org's partition, with the index keys `orgs_list` ("<month> <order>") and
`orgs_key` (the row's place in that order). "This month's orgs, soonest to run
out first" is then one Query of the `orgs` index, in key order, read a page at a
time; state and plan are filters of that query. The index's items are small
(the keys, the state, the plan and the row's JSON), so a page of 100 rows is
about 40 KB.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from adapters.tables import PROJECTIONS
from projections.orgs import SORTS, OrgRow, OrgsQuery

ROW = "row#"
_INDEX = PROJECTIONS.global_indexes[1]
INDEX = _INDEX["name"]
LIST, KEY = (name for name, _ in _INDEX["keys"])


class RowItems:
    def __init__(self, client: Any, table: str) -> None:
        self.client, self.table = client, table

    @staticmethod
    def items(pk: dict[str, str], row: OrgRow) -> list[dict[str, Any]]:
        data = json.dumps(row.to_stored(), separators=(",", ":"))
        return [
            {
                "pk": pk,
                "sk": {"S": f"{ROW}{row.month}#{sort}"},
                LIST: {"S": f"{row.month} {sort}"},
                KEY: {"S": row.key(sort)},
                "orgs_state": {"S": row.state},
                "orgs_plan": {"S": row.plan},
                "row": {"S": data},
            }
            for sort in SORTS
        ]

    @staticmethod
    def of_org(items: list[dict[str, Any]]) -> list[OrgRow]:
        """The org's rows, one a month (each is stored once per order)."""
        rows = [_row(item) for item in items if item["sk"]["S"].endswith("#" + SORTS[0])]
        return sorted(rows, key=lambda r: r.month)

    def ordered(self, query: OrgsQuery) -> Iterator[OrgRow]:
        """The listing, read lazily: a page of the index at a time, only as far as asked."""
        names = {"#list": LIST}
        values: dict[str, Any] = {":list": {"S": f"{query.month} {query.sort}"}}
        condition = "#list = :list"
        if query.after is not None:
            names["#key"] = KEY
            values[":after"] = {"S": query.after}
            condition += " AND #key > :after"
        filters = []
        if query.state != "all":
            filters.append("orgs_state = :state")
            values[":state"] = {"S": query.state}
        if query.plan is not None:
            filters.append("orgs_plan = :plan")
            values[":plan"] = {"S": query.plan}
        extra = {"FilterExpression": " AND ".join(filters)} if filters else {}
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName=INDEX,
            KeyConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            PaginationConfig={"PageSize": query.limit + 1},  # one more: is there a next page?
            **extra,
        )
        for page in pages:
            for item in page["Items"]:
                yield _row(item)


def _row(item: dict[str, Any]) -> OrgRow:
    return OrgRow.from_stored(json.loads(item["row"]["S"]))
