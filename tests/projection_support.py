"""Helpers for projection tests: a recording sink and a from-scratch rebuild."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsonschema

from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.alerts import Alert, detail_schema
from projections.projector import AlertSink, LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import MemoryProjectionStore, ProjectionStore

SCHEMA = detail_schema()


class RecordingSink(AlertSink):
    """Keeps every published alert event; can be told to refuse some ids."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.refuse: set[str] = set()

    def publish(self, alerts: Sequence[Alert]) -> set[str]:
        taken = {a.alert_id for a in alerts if a.alert_id not in self.refuse}
        self.events += [a.event() for a in alerts if a.alert_id in taken]
        return taken

    @property
    def ids(self) -> list[str]:
        return [e["detail"]["alert_id"] for e in self.events]

    def kinds(self) -> list[tuple[str, str, str, int]]:
        return [
            (e["detail-type"], e["detail"]["period"], e["detail"]["rule"], e["detail"]["used"])
            for e in self.events
        ]


def validate(event: dict[str, Any]) -> None:
    assert event["source"] == "credit-ledger"
    assert event["detail-type"] in ("NearLimit", "LimitReached")
    jsonschema.validate(event["detail"], SCHEMA)


def rebuild(
    ledger: CreditLedger, org_ids: Sequence[str], settings: AlertSettings | None = None
) -> MemoryProjectionStore:
    store = MemoryProjectionStore()
    projector = Projector(store, LedgerEvents(ledger), settings=settings)
    for org_id in org_ids:
        projector.project(org_uuid(org_id))
    return store


def snapshot(store: ProjectionStore, org_id: str) -> tuple[Any, ...]:
    """What must match between a live projection and a rebuild (not publication state)."""
    key = str(org_uuid(org_id))
    head = store.head(key)
    return (head, store.balances(key), store.rows(key))
