"""Brings an org's projection up to date and hands its pending alerts to a sink.

A delivered event or a stream record is only a doorbell: the projector reads
what it has not applied yet from the event store, so duplicates, reordering
and gaps all end in the same state. Alerts are saved as pending together with
the balance, and marked published only once the sink has taken them.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from ledger.domain.periods import month_key
from projections.alerts import Alert
from projections.balance import Balance, OrgView, is_org_event
from projections.orgs import OrgRow, org_row
from projections.policy import step
from projections.settings import AlertSettings
from projections.store import ProjectionStore

# What the schedule sends the projector to publish alerts left pending (no
# stream record may come for an org that stopped writing).
SWEEP_EVENT = {"sweep": "pending-alerts"}
MAX_PERIODS_PER_SAVE = 20  # keeps one save within a DynamoDB transaction's item limit
READ_CHUNK = 500


class EventSource(Protocol):
    def events_after(self, org_key: uuid.UUID, version: int, limit: int) -> Iterable[Any]: ...


class AlertSink(ABC):
    @abstractmethod
    def publish(self, alerts: Sequence[Alert]) -> set[str]:
        """Delivers the alerts; returns the ids taken (the rest stay pending)."""


class ProjectionBusy(Exception):
    """Other writers kept moving the org's projection on; try again later."""


class AlertsNotPublished(Exception):
    def __init__(self, alert_ids: Sequence[str]) -> None:
        super().__init__(f"{len(alert_ids)} alert(s) not published: {', '.join(alert_ids)}")
        self.alert_ids = list(alert_ids)


def fold(
    view: OrgView | None, events: Iterable[Any], settings: AlertSettings
) -> tuple[OrgView | None, list[Balance], list[Alert], int, list[OrgRow]]:
    """Folds events until the touched periods fill one save; returns how many were
    used, and the cross-org rows of the months whose balances they moved."""
    touched: dict[str, Balance] = {}
    alerts: list[Alert] = []
    last: dict[str, tuple[Balance, Any]] = {}  # by month: the balance an event there moved
    count = 0
    for event in events:
        if len(touched) >= MAX_PERIODS_PER_SAVE:
            break
        view, raised = step(view, event, settings)
        current = view.current
        if current is not None:
            touched[current.period] = current
            if current.version == event.originator_version:  # this event moved it
                last[month_key(event.timestamp)] = (current, event.timestamp)
        alerts += raised
        count += 1
    org_id = view.org_id if view is not None else ""
    rows = [org_row(org_id, balance, at, settings) for balance, at in last.values()]
    return view, list(touched.values()), alerts, count, rows


class Projector:
    def __init__(
        self,
        store: ProjectionStore,
        source: EventSource,
        sink: AlertSink | None = None,
        settings: AlertSettings | None = None,
        attempts: int = 20,
    ) -> None:
        self.store = store
        self.source = source
        self.sink = sink
        self.settings = settings or AlertSettings()
        self.attempts = attempts

    def project(
        self, org_key: uuid.UUID, events: Sequence[Any] = (), seen_version: int | None = None
    ) -> OrgView | None:
        """Applies whatever of the org's events the projection lacks.

        `events` (in order) are used when they follow on from the projection;
        otherwise the store is read. With `seen_version`, an org already at or past
        it is left alone without reading the event store.
        """
        return self._catch_up(str(org_key), org_key, events, seen_version)[0]

    def _catch_up(
        self, key: str, org_key: uuid.UUID, events: Sequence[Any], seen_version: int | None
    ) -> tuple[OrgView | None, list[Alert]]:
        """Returns the view and the alerts pending after it (read with the head)."""
        conflicts = 0
        while conflicts < self.attempts:
            head, pending = self.store.head_and_pending(key)
            version = head.version if head else 0
            if seen_version is not None and version >= seen_version:
                return head, pending
            new = [e for e in events if e.originator_version > version]
            if events and not new:
                return head, pending
            read = not new or new[0].originator_version != version + 1
            if read:
                new = list(self.source.events_after(org_key, version, READ_CHUNK))
            if not new:
                return head, pending
            if head is None and not is_org_event(new[0]):
                return None, []  # another kind of aggregate (a receipt): nothing to project
            view, balances, alerts, used, rows = fold(head, new, self.settings)
            assert view is not None
            if not self.store.save(key, version, view, balances, alerts, rows):
                conflicts += 1  # another invocation moved it on: look again
                continue
            # Done when every event was used, unless a full chunk was read (more may
            # follow). Events handed in are the caller's to continue: reading them
            # again from the store would decode each one twice.
            if used == len(new) and not (read and len(new) == READ_CHUNK):
                return view, pending + alerts
            # A long history: save in steps, going on with the events handed in (the
            # caller's to continue past; reading on from the store is for reads).
            events, seen_version = (() if read else new[used:]), None
        raise ProjectionBusy(f"projection of {key} kept moving")

    def publish_pending(self, org_key: uuid.UUID) -> list[str]:
        """Publishes the org's pending alerts; raises if the sink did not take them all."""
        key = str(org_key)
        return self._publish(key, self.store.pending(key))

    def _publish(self, key: str, pending: list[Alert]) -> list[str]:
        if not pending or self.sink is None:
            return []
        taken = self.sink.publish(pending)
        self.store.mark_published(key, taken)
        left = [alert.alert_id for alert in pending if alert.alert_id not in taken]
        if left:
            raise AlertsNotPublished(left)
        return [alert.alert_id for alert in pending]

    def handle(
        self, org_key: uuid.UUID, events: Sequence[Any] = (), seen_version: int | None = None
    ) -> list[str]:
        """One doorbell: catch up, then publish what is pending (now or from before).

        The pending alerts come with the head's read, so a doorbell for an org
        already up to date costs one read of the projection."""
        key = str(org_key)
        _, pending = self._catch_up(key, org_key, events, seen_version)
        return self._publish(key, pending)


class LedgerEvents:
    """Reads an org's events back from the ledger's event store."""

    def __init__(self, ledger: Any) -> None:
        self.ledger = ledger

    def events_after(self, org_key: uuid.UUID, version: int, limit: int) -> Iterable[Any]:
        found: Iterable[Any] = self.ledger.events.get(org_key, gt=version or None, limit=limit)
        return found
