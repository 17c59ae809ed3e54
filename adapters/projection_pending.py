"""The pending alerts of an org's head item, and the marker that lists the org for a sweep.

`pending` maps alert id to the alert event. While it has entries the head also
carries `pending_org` (the org key), the key of the sparse index `pending`: a
sweep reads only the heads that have something to publish. The marker is set
in the write that adds entries and removed in the write that removes the last.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from adapters.tables import PROJECTIONS
from projections.alerts import Alert

PENDING = "pending"
MARK = PROJECTIONS.global_indexes[0]["keys"][0][0]
INDEX = PROJECTIONS.global_indexes[0]["name"]


class PendingAlerts:
    def __init__(self, client: Any, table: str, head: str) -> None:
        self.client, self.table, self.head = client, table, head
        self.missed = client.exceptions.ConditionalCheckFailedException

    @staticmethod
    def as_map(alerts: Sequence[Alert]) -> dict[str, Any]:
        return {PENDING: {"M": {a.alert_id: {"S": a.to_json()} for a in alerts}}}

    @staticmethod
    def marker(org_key: str, alerts: Sequence[Alert]) -> dict[str, Any]:
        return {MARK: {"S": org_key}} if alerts else {}

    @staticmethod
    def added(org_key: str, alerts: Sequence[Alert]) -> dict[str, Any]:
        """The SET clauses, names and values that add alerts to an existing head."""
        names = {f"#a{i}": a.alert_id for i, a in enumerate(alerts)}
        values = {f":a{i}": {"S": a.to_json()} for i, a in enumerate(alerts)}
        sets = [f"{PENDING}.#a{i} = :a{i}" for i in range(len(alerts))]
        if alerts:
            sets.append(f"{MARK} = :org")
            values[":org"] = {"S": org_key}
        return {"sets": sets, "names": names, "values": values}

    @staticmethod
    def read(item: dict[str, Any]) -> list[Alert]:
        found = item.get(PENDING, {}).get("M", {})
        alerts = [Alert.from_json(value["S"]) for value in found.values()]
        return sorted(alerts, key=lambda a: a.occurred_at)

    def remove(self, pk: dict[str, str], alert_ids: list[str]) -> None:
        if not alert_ids:
            return
        names = {f"#a{i}": alert_id for i, alert_id in enumerate(alert_ids)}
        entries = ", ".join(f"{PENDING}.{name}" for name in names)
        exist = " AND ".join(f"attribute_exists({PENDING}.{name})" for name in names)
        count = {":n": {"N": str(len(names))}}
        with contextlib.suppress(self.missed):  # the last ones: entries and marker at once
            self._update(
                pk, f"REMOVE {entries}, {MARK}", f"{exist} AND size({PENDING}) = :n", names, count
            )
            return
        try:  # others stay pending, or some were removed already
            item = self._update(
                pk, f"REMOVE {entries}", "attribute_exists(pk)", names, returned=True
            )
        except self.missed:
            return  # no projection, so nothing pending
        if MARK in item and not item.get(PENDING, {}).get("M"):
            self._clear_marker(pk)  # two publishers removed the last entries between them

    def _update(
        self,
        pk: dict[str, str],
        expression: str,
        condition: str,
        names: dict[str, str],
        values: dict[str, Any] | None = None,
        returned: bool = False,
    ) -> dict[str, Any]:
        """The update; with `returned`, the head as it now is (a whole item: asked
        for only where it is read)."""
        extra: dict[str, Any] = {"ExpressionAttributeNames": names} if names else {}
        if values:
            extra["ExpressionAttributeValues"] = values
        found: dict[str, Any] = self.client.update_item(
            TableName=self.table,
            Key={"pk": pk, "sk": {"S": self.head}},
            UpdateExpression=expression,
            ConditionExpression=condition,
            ReturnValues="ALL_NEW" if returned else "NONE",
            **extra,
        ).get("Attributes", {})
        return found

    def _clear_marker(self, pk: dict[str, str]) -> None:
        with contextlib.suppress(self.missed):  # an alert was added since: keep it listed
            self._update(
                pk, f"REMOVE {MARK}", f"size({PENDING}) = :zero", {}, {":zero": {"N": "0"}}
            )

    def org_keys(self) -> list[str]:
        """The orgs the index lists with alerts pending (a stale listing costs a read)."""
        keys = []
        pages = self.client.get_paginator("scan").paginate(TableName=self.table, IndexName=INDEX)
        for page in pages:
            for item in page["Items"]:
                if item.get(PENDING, {}).get("M"):
                    keys.append(item[MARK]["S"])
                else:
                    # Tidying only: a marker left on an empty map costs a read at the
                    # next sweep, so a failure here (a throttle) must not stop this one.
                    with contextlib.suppress(Exception):
                        self._clear_marker(item["pk"])
        return keys
