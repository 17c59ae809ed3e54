"""`ledger rebuild`: replays every event into a fresh projection and compares it
with the live one; with `--replace`, makes the live one the rebuilt one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from eventsourcing.persistence import PersistenceError

from adapters.projection_sqlite import SQLiteProjectionStore
from ledger import CreditLedger
from localmode.feeds import POSITION, all_org_keys, dynamodb_recorder
from localmode.follower import last_notification_id, org_event_pages
from projections.alerts import Alert
from projections.projector import LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import MemoryProjectionStore, ProjectionStore

Progress = Callable[[int, int], None]
# What a store that cannot be read raises (reported in one line, not a traceback).
STORE_ERRORS = (PersistenceError, ClientError, BotoCoreError)


@dataclass
class RebuildReport:
    events: int = 0
    orgs: int = 0
    differences: list[str] = field(default_factory=list)


def rebuild(
    ledger: CreditLedger,
    settings: AlertSettings | None = None,
    progress: Progress | None = None,
    page: int = 1000,
) -> tuple[MemoryProjectionStore, int]:
    """A projection built from nothing but the events; no alert is published."""
    fresh = MemoryProjectionStore()
    projector = Projector(fresh, LedgerEvents(ledger), None, settings)
    return fresh, _replay(ledger, projector, progress, page)


def _replay(
    ledger: CreditLedger,
    projector: Projector,
    progress: Progress | None,
    page: int = 1000,
    project: Callable[[uuid.UUID, list[Any]], object] | None = None,
) -> int:
    """Projects every event of the ledger (each org's part of a page by `project`,
    when given); the number of events."""
    if dynamodb_recorder(ledger) is not None:  # no log: each org's stream, one by one
        done = 0
        for org_key in all_org_keys(ledger):
            view = projector.project(org_key)
            done += view.version if view else 0
        return done
    total, done = last_notification_id(ledger), 0
    for _, count, by_org in org_event_pages(ledger, 0, page):
        for org_key, events in by_org.items():
            (project or projector.project)(org_key, events)
        done += count
        if progress is not None:
            progress(done, total)
    return done


def compare(live: ProjectionStore, fresh: ProjectionStore) -> list[str]:
    """Every org and period where the live projection differs from the rebuilt one."""
    differences = []
    for key in sorted(set(live.org_keys()) | set(fresh.org_keys())):
        live_head, fresh_head = live.head(key), fresh.head(key)
        known = fresh_head or live_head
        name = known.org_id if known else key
        if live_head is None or fresh_head is None:
            where = "live" if live_head is None else "rebuilt"
            differences.append(f"org {name}: missing from the {where} projection")
            continue
        if live_head.version != fresh_head.version:
            differences.append(
                f"org {name}: live at version {live_head.version}, events at {fresh_head.version}"
            )
        live_periods = {b.period: b for b in live.balances(key)}
        for balance in fresh.balances(key):
            if live_periods.pop(balance.period, None) != balance:
                differences.append(f"org {name}: period {balance.period} differs")
        differences += [f"org {name}: period {p} is not in the events" for p in live_periods]
        live_rows = {r.month: r for r in live.rows(key)}
        for row in fresh.rows(key):
            if live_rows.pop(row.month, None) != row:
                differences.append(f"org {name}: the cross-org row of {row.month} differs")
        differences += [f"org {name}: cross-org row {m} is not in the events" for m in live_rows]
    return differences


def rebuild_and_compare(
    ledger: CreditLedger,
    live: ProjectionStore,
    settings: AlertSettings | None = None,
    progress: Progress | None = None,
) -> RebuildReport:
    fresh, events = rebuild(ledger, settings, progress)
    return RebuildReport(
        events=events, orgs=len(list(fresh.org_keys())), differences=compare(live, fresh)
    )


def replace_live(
    ledger: CreditLedger,
    live: SQLiteProjectionStore,
    settings: AlertSettings | None = None,
    progress: Progress | None = None,
) -> RebuildReport:
    """Rebuilds and compares; where they differ, the rebuilt projection takes the
    live one's place in one transaction (the embedded event store, with no server
    running), its position at the last event. The events the live projection had
    seen are projected first: the alerts they raise again for periods already
    over are marked delivered (customer success is not told of past periods);
    the rest wait, and the sink writes an alert it has already written only once."""
    assert dynamodb_recorder(ledger) is None  # the follower's log is the embedded store's
    end = last_notification_id(ledger)
    seen = {key: head.version for key in live.org_keys() if (head := live.head(key)) is not None}
    fresh = MemoryProjectionStore()
    projector = Projector(fresh, LedgerEvents(ledger), None, settings)
    now = ledger.clock()

    def project(org_key: uuid.UUID, events: list[Any]) -> None:
        """An org's events in order: those the live projection had seen first, then
        (no alert of theirs pending yet) those of periods over marked delivered."""
        key, upto = str(org_key), seen.get(str(org_key), 0)
        early = [e for e in events if e.originator_version <= upto]
        if early:  # the projector reads nothing past the events it is handed
            projector.project(org_key, early)
        if early:
            fresh.mark_published(key, [a.alert_id for a in fresh.pending(key) if _over(a, now)])
        if len(early) < len(events):
            projector.project(org_key, events[len(early) :])

    done = _replay(ledger, projector, progress, project=project)
    report = RebuildReport(events=done, orgs=len(list(fresh.org_keys())))
    report.differences = compare(live, fresh)
    if report.differences:
        live.take_over(fresh, {POSITION: end})
    return report


def _over(alert: Alert, now: datetime) -> bool:
    return alert.period_ends_at is not None and alert.period_ends_at <= now
