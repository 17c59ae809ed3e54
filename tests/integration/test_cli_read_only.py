"""The read-only commands (status, history, rebuild, verify, digest, export) make
nothing: a data dir without ledger data is reported in one line; output cut short by
the reader ends quietly."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger import CreditLedger
from localmode.cli import BROKEN_PIPE, main
from localmode.settings import configure
from projections.settings import CONFIDENCE_ENV
from tests.http.client import run_ledger

COMMANDS = [
    ["status", "acme"],
    ["history", "acme"],
    ["rebuild"],
    ["verify"],
    ["digest"],
    ["export", "acme"],
]


def with_events(data_dir: Path, enquiries: int = 0) -> Path:
    ledger = CreditLedger(env=configure(data_dir))
    ledger.set_plan("acme", "Basic")
    for n in range(enquiries):
        ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
    ledger.close()
    return data_dir


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_data_dir_is_reported_not_made(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo"
    assert main([*command, "--data-dir", str(typo)]) == 1
    assert capsys.readouterr().err == f"ledger: no ledger data in {typo}\n"
    assert not typo.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_dir_without_an_event_store_stays_empty(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--data-dir", str(tmp_path)]) == 1
    assert "no ledger data" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_rebuild_without_a_live_projection_makes_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_events(tmp_path)
    assert main(["rebuild", "--data-dir", str(tmp_path)]) == 1  # all of it is missing
    assert "rebuilt 1 orgs" in capsys.readouterr().err
    assert not (tmp_path / "projections.sqlite").exists()


def test_history_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    with_events(tmp_path, enquiries=50)
    reader, writer = os.pipe()
    os.close(reader)  # like `| head` once it has its lines
    try:
        done = run_ledger("history", "acme", "--data-dir", str(tmp_path), stdout=writer)
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (BROKEN_PIPE, "")


def test_rebuild_with_bad_alert_settings_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = with_events(tmp_path / "data")
    monkeypatch.setenv(CONFIDENCE_ENV, "-1")
    assert main(["rebuild", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ledger: alert settings:") and err.count("\n") == 1


def test_a_moment_without_an_offset_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_events(tmp_path)
    command = ["status", "acme", "--data-dir", str(tmp_path), "--at"]
    with pytest.raises(SystemExit) as exited:
        main([*command, "2026-11-05T12:00"])
    assert exited.value.code == 2
    assert "give a time zone" in capsys.readouterr().err
    assert main([*command, datetime.now(UTC).isoformat()]) == 0
