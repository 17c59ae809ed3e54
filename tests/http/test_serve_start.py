"""`ledger serve` refuses a start it cannot carry through with one line on stderr and
exit status 2, before it projects or posts anything."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from ledger import CreditLedger
from localmode.settings import configure
from tests.http.client import LedgerProcess, call, run_ledger


def assert_refused(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert words in done.stderr


def serve(data_dir: Path, *args: str) -> list[str]:
    return ["serve", "--data-dir", str(data_dir), *args]


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    first = LedgerProcess(tmp_path).start()
    try:
        assert call(first.base, "PUT", "/orgs/acme/plan", {"plan": "Lite"}).status == 200
        assert_refused(run_ledger(*serve(tmp_path, "--port", "0")), "another ledger serve")
        # The read-only commands do not take the lock.
        for command in (["status", "acme"], ["history", "acme"]):
            done = run_ledger(*command, "--data-dir", str(tmp_path))
            assert done.returncode == 0, done.stderr
        done = run_ledger("rebuild", "--data-dir", str(tmp_path))  # 1: the worker may lag
        assert done.returncode in (0, 1) and "rebuilt 1 orgs" in done.stderr, done.stderr
        assert call(first.base, "GET", "/orgs/acme").json()["plan"] == "Lite"
    finally:
        first.stop()


def test_the_lock_goes_with_a_killed_server(tmp_path: Path) -> None:
    first = LedgerProcess(tmp_path).start()
    first.kill()
    second = LedgerProcess(tmp_path).start()  # no stale lock left behind
    assert call(second.base, "GET", "/health").status == 200
    second.stop()


def test_a_port_in_use_stops_the_start_before_any_projection(tmp_path: Path) -> None:
    ledger = CreditLedger(env=configure(tmp_path))
    ledger.set_plan("acme", "Lite")
    for n in range(20):  # alerts for a worker to write, were it started
        ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
    ledger.close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert_refused(run_ledger(*serve(tmp_path, "--port", port)), "in use")
    assert not (tmp_path / "projections.sqlite").exists()
    assert not (tmp_path / "alerts.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--port", "70000"], {}, "not a port number"),
        (["--host", "192.0.2.1"], {}, "cannot listen on 192.0.2.1"),  # not this machine's
        ([], {"LEDGER_ALERT_WEBHOOK_URL": "ftp://x"}, "LEDGER_ALERT_WEBHOOK_URL"),
    ],
)
def test_a_bad_argument_or_setting_is_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], words: str
) -> None:
    assert_refused(run_ledger(*serve(tmp_path, "--port", "0", *args), env=env), words)


def test_a_data_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").touch()
    assert_refused(run_ledger(*serve(tmp_path / "file", "--port", "0")), "not a directory")
