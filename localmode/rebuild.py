"""`ledger rebuild`: replays every event into a fresh projection and compares it
with the live one; with `--replace`, makes the live one the rebuilt one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from eventsourcing.persistence import PersistenceError

from adapters.projection_sqlite import SQLiteProjectionStore
from ledger import CreditLedger
from ledger.domain.periods import month_key
from localmode.feeds import POSITION, all_org_keys, dynamodb_recorder
from localmode.follower import last_notification_id, org_event_pages
from projections.alerts import Alert
from projections.projector import MAX_PERIODS_PER_SAVE, LedgerEvents, Projector
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
    ledger: CreditLedger, projector: Projector, progress: Progress | None, page: int = 1000
) -> int:
    """Projects every event of the ledger; the number of events."""
    if dynamodb_recorder(ledger) is not None:  # no log: each org's stream, one by one
        done = 0
        for org_key in all_org_keys(ledger):
            view = projector.project(org_key)
            done += view.version if view else 0
        return done
    total, done = last_notification_id(ledger), 0
    for _, count, by_org in org_event_pages(ledger, 0, page):
        for org_key, events in by_org.items():
            projector.project(org_key, events)
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
    end = last_notification_id(ledger)
    seen = {key: head.version for key in live.org_keys() if (head := live.head(key)) is not None}
    fresh = MemoryProjectionStore()
    projector = Projector(fresh, LedgerEvents(ledger), None, settings)
    done, now = 0, ledger.clock()
    for already_seen in (True, False):
        for _, count, by_org in org_event_pages(ledger, 0):
            for org_key, events in by_org.items():
                upto = seen.get(str(org_key), 0)
                part = [e for e in events if (e.originator_version <= upto) == already_seen]
                for chunk in _few_months(part):  # each within one save: nothing read past it
                    projector.project(org_key, chunk)
            done += count if already_seen else 0
            if progress is not None and already_seen:
                progress(done, end)
        if already_seen:
            for key in list(fresh.pending_org_keys()):
                over = [a.alert_id for a in fresh.pending(key) if _over(a, now)]
                fresh.mark_published(key, over)
    report = RebuildReport(events=done, orgs=len(list(fresh.org_keys())))
    report.differences = compare(live, fresh)
    if report.differences:
        live.take_over(fresh, {POSITION: end})
    return report


def _over(alert: Alert, now: datetime) -> bool:
    return alert.period_ends_at is not None and alert.period_ends_at <= now


def _few_months(events: list[Any], months: int = MAX_PERIODS_PER_SAVE // 2) -> list[list[Any]]:
    """The events in runs that touch at most `months` months (two periods each at
    most, a trial's and a month's), so the projector folds each run in one save."""
    runs: list[list[Any]] = []
    seen: set[str] = set()
    for event in events:
        month = month_key(event.timestamp)
        if not runs or (month not in seen and len(seen) == months):
            runs.append([])
            seen = set()
        seen.add(month)
        runs[-1].append(event)
    return runs
