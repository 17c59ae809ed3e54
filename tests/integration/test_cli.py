"""The `ledger` command as people expect it: --version, --json on every command that
prints data, help on every flag and the environment it reads, one-line errors with
exit 2 for a bad argument, and progress fit for a file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ledger import CreditLedger
from localmode import cli
from localmode.cli import main
from localmode.settings import configure
from tests.http.client import run_ledger


def with_events(data_dir: Path) -> Path:
    ledger = CreditLedger(env=configure(data_dir))
    ledger.set_plan("acme", "Basic")
    ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    ledger.close()
    return data_dir


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(found.choices)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("ledger ")


def test_every_flag_has_help_and_the_help_names_the_environment() -> None:
    for name, parser in _commands().items():
        for action in parser._actions:
            assert action.help, f"ledger {name} {action.dest}"
        assert "LEDGER_DATA_DIR" in parser.format_help(), name
    assert "LEDGER_ALERT_WEBHOOK_URL" in cli._parser().format_help()


def test_every_command_that_prints_data_takes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(with_events(tmp_path))
    for command in (["status", "acme"], ["history", "acme"], ["rebuild"]):
        assert "--json" in _commands()[command[0]].format_help()
        main([*command, "--json", "--data-dir", data_dir])
        lines = capsys.readouterr().out.splitlines()
        assert lines and all(json.loads(line) for line in lines), command
    main(["status", "acme", "--json", "--data-dir", data_dir])
    assert json.loads(capsys.readouterr().out)["used"] == 1


def test_the_history_table_shows_times_in_the_data_as_the_api_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = CreditLedger(env=configure(tmp_path))
    ledger.set_plan("acme", "Basic")
    charged = ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    ledger.refund_credit("acme", "e-1")
    ledger.close()
    main(["history", "acme", "--data-dir", str(tmp_path)])
    refund = capsys.readouterr().out.splitlines()[-1]
    main(["history", "acme", "--json", "--data-dir", str(tmp_path)])
    shown = json.loads(capsys.readouterr().out.splitlines()[-1])["data"]["charged_at"]
    assert shown.endswith("Z") and f'"charged_at":"{shown}"' in refund
    assert shown.startswith(charged.consumed_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_the_data_dir_may_come_from_the_environment(tmp_path: Path) -> None:
    with_events(tmp_path)
    done = run_ledger("status", "acme", "--json", env={"LEDGER_DATA_DIR": str(tmp_path)})
    assert done.returncode == 0 and json.loads(done.stdout)["plan"] == "Basic"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["status", "acme", "--at", "yesterday"], "--at: 'yesterday' is not an ISO 8601 time"),
        (["status", "acme", "--at", "2026-11-05T12:00"], "--at: give a time zone"),
        (["serve", "--port", "70000"], "--port: '70000' is not a port number"),
        (["status", "a b"], "org_id must be"),
        (["history", "acme", "--nonsense"], "unrecognized arguments: --nonsense"),
    ],
)
def test_a_bad_argument_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, args: list[str], words: str
) -> None:
    done = run_ledger(*args, "--data-dir", str(with_events(tmp_path)))
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_progress_into_a_file_has_no_carriage_returns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    show = cli._progress()
    for done in range(0, 5001, 50):
        show(done, 5000)
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines()[-1] == "replayed 5000/5000 events (100%)"
    assert len(err.splitlines()) == 11  # one a tenth
