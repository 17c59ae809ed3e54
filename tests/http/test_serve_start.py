"""One `ledger serve` per data dir: a second is refused with one line on stderr and
exit status 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

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
