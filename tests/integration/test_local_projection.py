"""Local mode: the worker follows the SQLite notification log; alerts.jsonl holds each
alert once, across restarts and crashes; `ledger rebuild` finds differences."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.projection_sqlite import SQLiteProjectionStore
from ledger import CreditLedger
from ledger.domain.org import org_uuid
from localmode.alerts import JsonLinesAlertSink
from localmode.cli import _progress, main
from localmode.projection import open_projection_store
from localmode.rebuild import compare, rebuild
from localmode.settings import configure
from localmode.worker import POSITION, ProjectionWorker
from projections.projector import LedgerEvents, Projector
from projections.settings import AlertSettings
from tests.conftest import FakeClock
from tests.projection_support import snapshot, validate
from tests.stream_support import ids_by_identity, run_scenario

SCENARIO_ALERTS = 7


class Local:
    """The files of one data dir, opened like `ledger serve` opens them."""

    def __init__(self, data_dir: Path, clock: FakeClock) -> None:
        self.data_dir, self.clock = data_dir, clock
        self.ledger = CreditLedger(env=configure(data_dir), clock=clock)
        self.store = open_projection_store(data_dir)
        self.notified: list[dict[str, Any]] = []
        self.sink = JsonLinesAlertSink(data_dir / "alerts.jsonl", self)  # type: ignore[arg-type]
        self.worker = ProjectionWorker(self.ledger, self.store, self.sink)

    def notify(self, event: dict[str, Any]) -> None:
        self.notified.append(event)

    def use_lite(self, reports: int) -> None:
        """acme on Lite (20 a month), then `reports` enquiries by one user."""
        self.ledger.set_plan("acme", "Lite")
        for n in range(reports):
            self.ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")

    def lines(self) -> list[dict[str, Any]]:
        text = (self.data_dir / "alerts.jsonl").read_text()
        return [json.loads(line) for line in text.splitlines()]

    def close(self) -> None:
        self.store.close()
        self.ledger.close()


@pytest.fixture
def local(tmp_path: Path, clock: FakeClock) -> Iterator[Local]:
    opened = Local(tmp_path, clock)
    yield opened
    opened.close()


def reopen(local: Local) -> Local:
    local.close()
    return Local(local.data_dir, local.clock)


def test_worker_projects_and_writes_each_alert_once(local: Local) -> None:
    orgs = run_scenario(local.ledger, local.clock, lambda: local.worker.run_once())
    lines = local.lines()
    assert len(lines) == SCENARIO_ALERTS
    assert all(len(ids) == 1 for ids in ids_by_identity(lines).values())
    for line in lines:
        validate(line)
    assert local.notified == lines  # each handed to the notifier as it was written
    fresh, _ = rebuild(local.ledger)
    assert compare(local.store, fresh) == []
    assert [snapshot(local.store, o) for o in orgs] == [snapshot(fresh, o) for o in orgs]
    assert local.worker.run_once() == 0


def test_restart_resumes_from_the_saved_position(local: Local) -> None:
    local.ledger.set_plan("acme", "Lite")
    local.worker.run_once()
    position = local.store.position(POSITION)
    assert position > 0
    for n in range(20):
        local.ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
    again = reopen(local)
    assert again.worker.run_once() == 40  # 20 consumptions and their 20 receipts
    assert [line["detail-type"] for line in again.lines()] == ["NearLimit", "LimitReached"]
    again.store.set_position(POSITION, 0)  # replaying everything changes nothing
    again.worker.run_once()
    assert len(again.lines()) == 2
    again.close()


def test_crash_before_publishing_then_restart(local: Local) -> None:
    local.use_lite(20)
    # The projection (with its alerts pending) is written, then the process dies.
    Projector(local.store, LedgerEvents(local.ledger)).project(org_uuid("acme"))
    assert len(local.store.pending(str(org_uuid("acme")))) == 2
    again = reopen(local)
    again.worker.start()  # publishes what was pending
    again.worker.stop()
    assert [line["detail-type"] for line in again.lines()] == ["NearLimit", "LimitReached"]
    assert again.store.pending(str(org_uuid("acme"))) == []
    again.close()


def test_an_alert_written_before_a_crash_is_not_written_again(local: Local) -> None:
    local.use_lite(20)
    Projector(local.store, LedgerEvents(local.ledger)).project(org_uuid("acme"))
    pending = local.store.pending(str(org_uuid("acme")))
    local.sink.publish(pending[:1])  # written, but never marked published
    with (local.data_dir / "alerts.jsonl").open("a") as file:
        file.write('{"source": "credit-led')  # and a line cut short by kill -9
    again = reopen(local)
    again.worker.start()
    again.worker.stop()
    assert [line["detail-type"] for line in again.lines()] == ["NearLimit", "LimitReached"]
    again.close()


def test_rebuild_command_reports_differences(local: Local, capsys: Any) -> None:
    local.use_lite(5)
    local.worker.run_once()
    assert main(["rebuild", "--data-dir", str(local.data_dir)]) == 0
    assert "rebuilt 1 orgs from 12 events: no differences" in capsys.readouterr().err
    key = str(org_uuid("acme"))
    head = local.store.head(key)
    assert head is not None and head.current is not None
    wrong = replace(head.current, used=head.current.used - 1)
    assert local.store.save(key, head.version, replace(head, current=wrong), [wrong], [])
    assert main(["rebuild", "--data-dir", str(local.data_dir)]) == 1
    assert capsys.readouterr().out.splitlines() == ["org acme: period 2026-11 differs"]


def test_rebuild_replace_mends_the_live_projection_and_sends_no_alert_twice(
    local: Local, capsys: Any
) -> None:
    local.use_lite(19)
    local.worker.run_once()
    assert [line["detail-type"] for line in local.lines()] == ["NearLimit"]
    local.ledger.consume_credit("acme", user_id="u", enquiry_id="e-last")  # not projected yet
    key = str(org_uuid("acme"))
    head = local.store.head(key)
    assert head is not None and head.current is not None
    wrong = replace(head.current, used=head.current.used - 1)
    assert local.store.save(key, head.version, replace(head, current=wrong), [wrong], [])
    data_dir = str(local.data_dir)
    assert main(["rebuild", "--replace", "--data-dir", data_dir]) == 0
    assert "org acme: period 2026-11 differs" in capsys.readouterr().out.splitlines()
    assert main(["rebuild", "--data-dir", data_dir]) == 0  # the live one is the rebuilt one
    again = reopen(local)
    assert again.worker.run_once() == 0  # its position is past the last event
    again.worker.start()  # as `ledger serve` starts: what waits is sent, once
    again.worker.stop()
    assert [line["detail-type"] for line in again.lines()] == ["NearLimit", "LimitReached"]
    assert again.store.pending(key) == []
    again.close()


def test_rebuild_replace_tells_nothing_of_periods_already_over(local: Local) -> None:
    local.clock.set(datetime(2026, 10, 20, 9, tzinfo=UTC))
    local.use_lite(20)  # October, under settings that raise no NearLimit for it
    strict = ProjectionWorker(local.ledger, local.store, local.sink, AlertSettings(runway_days=0))
    strict.run_once()
    assert [line["detail-type"] for line in local.lines()] == ["LimitReached"]
    local.clock.set(datetime(2026, 11, 2, 9, tzinfo=UTC))
    # The default settings raise October's NearLimit in a rebuild: too late to tell.
    assert main(["rebuild", "--replace", "--data-dir", str(local.data_dir)]) == 0
    again = reopen(local)
    assert again.store.pending(str(org_uuid("acme"))) == []
    balances = again.store.balances(str(org_uuid("acme")))
    assert [b.near_limit_raised for b in balances] == [True]  # the rebuilt one, as a replay
    again.worker.start()
    again.worker.stop()
    assert [line["detail-type"] for line in again.lines()] == ["LimitReached"]
    again.close()


def test_a_failed_take_over_leaves_the_live_projection_whole(local: Local) -> None:
    local.use_lite(5)
    local.worker.run_once()
    key = str(org_uuid("acme"))
    before = (local.store.head(key), local.store.rows(key), local.store.position(POSITION))
    fresh, _ = rebuild(local.ledger)

    class Failing(type(fresh)):  # type: ignore[misc]
        def rows(self, org_key: str) -> Any:
            raise OSError("disk gone")

    broken = Failing()
    vars(broken).update(vars(fresh))
    with pytest.raises(OSError):
        local.store.take_over(broken, {POSITION: 99})
    after = (local.store.head(key), local.store.rows(key), local.store.position(POSITION))
    assert after == before


def test_rebuild_replace_waits_for_no_server(local: Local, capsys: Any) -> None:
    from localmode.lock import lock_data_dir

    local.use_lite(3)
    held = lock_data_dir(local.data_dir)  # as a running `ledger serve` holds it
    try:
        assert main(["rebuild", "--replace", "--data-dir", str(local.data_dir)]) == 2
    finally:
        held.close()
    assert "another ledger serve" in capsys.readouterr().err


def test_rebuild_reports_progress_page_by_page(local: Local, capsys: Any) -> None:
    local.use_lite(12)
    seen: list[tuple[int, int]] = []
    rebuild(local.ledger, progress=lambda done, total: seen.append((done, total)), page=10)
    assert seen == [(10, 26), (20, 26), (26, 26)]
    show = _progress()  # stderr is not a terminal here: whole lines, no carriage returns
    show(1000, 1202)
    show(1050, 1202)  # the same tenth: nothing new to say
    show(1202, 1202)
    assert capsys.readouterr().err == (
        "replayed 1000/1202 events (83%)\nreplayed 1202/1202 events (100%)\n"
    )


def test_sqlite_store_survives_reopening(tmp_path: Path) -> None:
    store = SQLiteProjectionStore(tmp_path / "p.sqlite")
    store.set_position(POSITION, 42)
    store.close()
    assert SQLiteProjectionStore(tmp_path / "p.sqlite").position(POSITION) == 42
