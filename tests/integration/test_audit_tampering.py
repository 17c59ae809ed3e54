"""Histories edited in the store are caught by `ledger verify` and by the verifier
script in docs/AUDIT.md; an untouched store verifies."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from ledger import CreditLedger
from localmode.cli import main
from tests.audit_support import StoredEvents
from tests.conftest import FakeClock, LedgerFactory

DOCS = Path(__file__).resolve().parents[2] / "docs" / "AUDIT.md"


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def cli(
    store_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """Runs `ledger` on the test's store; returns (exit status, stdout, stderr)."""
    for name, value in store_env.items():
        if name != "PERSISTENCE_MODULE" or value != "adapters.sqlite":
            monkeypatch.setenv(name, value)

    def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
        status = main([*args, "--data-dir", str(tmp_path)])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def fill(ledger: CreditLedger, clock: FakeClock) -> None:
    """acme: versions 1 to 7; beta: 1 to 2."""
    ledger.set_plan("acme", "Basic")  # 1 OrgOpened, 2 PlanSet
    for n in range(3):  # 3, 4, 5
        clock.advance(minutes=1)
        ledger.consume_credit("acme", user_id=f"u-{n}", enquiry_id=f"e-{n}")
    clock.advance(minutes=1)
    ledger.top_up("acme", 5, top_up_id="t-1", note="goodwill")  # 6
    ledger.set_user_limit("acme", 10)  # 7
    ledger.set_plan("beta", "Trial")


def verifier(tmp_path: Path) -> Path:
    """The script docs/AUDIT.md gives auditors, exactly as written there."""
    text = DOCS.read_text(encoding="utf-8").split("## Verifying an export", 1)[1]
    script = tmp_path / "verify_export.py"
    script.write_text(re.search(r"```python\n(.*?)```", text, re.S).group(1))  # type: ignore[union-attr]
    return script


def run_verifier(tmp_path: Path, export: str, digests: str | None = None) -> tuple[int, str]:
    (tmp_path / "export.jsonl").write_text(export, encoding="utf-8")
    args = [sys.executable, str(verifier(tmp_path)), str(tmp_path / "export.jsonl")]
    if digests is not None:
        (tmp_path / "digests.jsonl").write_text(digests, encoding="utf-8")
        args.append(str(tmp_path / "digests.jsonl"))
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout


def test_an_untouched_store_verifies(
    make_ledger: LedgerFactory, clock: FakeClock, cli, tmp_path: Path, capsys
) -> None:
    fill(make_ledger(clock), clock)
    status, _, err = cli("verify", capsys=capsys)
    assert (status, err) == (0, "verified 2 org(s), 9 event(s): intact\n")
    _, digests, _ = cli("digest", capsys=capsys)
    assert [json.loads(line)["version"] for line in digests.splitlines()] == [7, 2]
    assert cli("verify", "--digests", str(_save(tmp_path, digests)), capsys=capsys)[0] == 0
    _, export, _ = cli("export", "acme", capsys=capsys)
    assert run_verifier(tmp_path, export, digests) == (0, "org acme: versions 1 to 7 verify\n")


def _save(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kept-digests.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def _shift(events: StoredEvents, start: int, end: int, by: int) -> None:
    order = range(end, start - 1, -1) if by > 0 else range(start, end + 1)
    for version in order:
        events.put(version + by, events.get(version))
        events.delete(version)


def _swap(events: StoredEvents, a: int, b: int) -> None:
    first, second = events.get(a), events.get(b)
    events.put(a, second)
    events.put(b, first)


def _edit_time(events: StoredEvents, version: int) -> None:
    topic, state = events.get(version)
    state["timestamp"]["_data_"] = "2026-11-05T12:00:30+00:00"
    events.put(version, (topic, state))


def _edit_without_hash(events: StoredEvents) -> None:
    topic, state = events.get(7)
    del state["hash"]
    events.put(7, (topic, {**state, "limit": 1000}))


def _insert(events: StoredEvents) -> None:
    _shift(events, 5, 7, by=1)
    topic, state = events.get(4)
    events.put(5, (topic, {**state, "enquiry_id": "e-forged"}))


# How the store is changed, and the first version that no longer verifies.
TAMPERING: dict[str, tuple[Callable[[StoredEvents], None], int]] = {
    "data changed": (lambda events: events.edit(4, user_id="u-other"), 4),
    "time changed": (lambda events: _edit_time(events, 3), 3),
    "middle deleted": (lambda events: _shift(events, 5, 7, by=-1), 4),
    "two reordered": (lambda events: _swap(events, 4, 5), 4),
    "one inserted": (_insert, 5),
    "hash dropped from an edited last event": (_edit_without_hash, 7),
}


@pytest.mark.parametrize("how", TAMPERING)
def test_a_tampered_stored_event_is_named(
    make_ledger: LedgerFactory, clock: FakeClock, cli, tmp_path: Path, capsys, how: str
) -> None:
    ledger = make_ledger(clock)
    fill(ledger, clock)
    tamper, version = TAMPERING[how]
    tamper(StoredEvents(ledger, "acme"))
    status, out, err = cli("verify", capsys=capsys)
    assert status == 1
    assert out.startswith(f"org acme: version {version} ") and out.count("\n") == 1
    assert err == "ledger: 1 of 2 org(s) do not verify\n"
    if how.startswith("hash dropped"):
        return  # an export carries a hash for every event; only the store shows one is gone
    _, export, _ = cli("export", "acme", capsys=capsys)
    found, said = run_verifier(tmp_path, export)
    assert (found, said) == (1, f"org acme: version {version} does not match its hash\n")


def test_a_deleted_last_event_is_caught_against_a_digest_kept_earlier(
    make_ledger: LedgerFactory, clock: FakeClock, cli, tmp_path: Path, capsys
) -> None:
    ledger = make_ledger(clock)
    fill(ledger, clock)
    _, digests, _ = cli("digest", capsys=capsys)
    StoredEvents(ledger, "acme").delete(7)
    assert cli("verify", capsys=capsys)[0] == 0  # a chain cut short is still a chain
    status, out, _ = cli("verify", "--digests", str(_save(tmp_path, digests)), capsys=capsys)
    assert (status, out) == (
        1,
        "org acme: version 7 is gone: the history is shorter than its digest\n",
    )
    _, export, _ = cli("export", "acme", capsys=capsys)
    said = "org acme: version 7 does not lead to the digest kept\n"
    assert run_verifier(tmp_path, export, digests) == (1, said)


@pytest.mark.parametrize("how", [h for h in TAMPERING if not h.startswith("hash dropped")])
def test_a_history_rewritten_with_fresh_hashes_does_not_lead_to_its_digest(
    make_ledger: LedgerFactory, clock: FakeClock, cli, tmp_path: Path, capsys, how: str
) -> None:
    """Someone who can write the store and recompute every hash (an administrator)."""
    ledger = make_ledger(clock)
    fill(ledger, clock)
    _, digests, _ = cli("digest", capsys=capsys)
    events = StoredEvents(ledger, "acme")
    TAMPERING[how][0](events)
    events.rehash("acme")
    assert cli("verify", capsys=capsys)[0] == 0
    status, out, _ = cli("verify", "--digests", str(_save(tmp_path, digests)), capsys=capsys)
    assert status == 1 and out.startswith("org acme: version ")
    _, export, _ = cli("export", "acme", capsys=capsys)
    found, said = run_verifier(tmp_path, export, digests)
    assert found == 1 and said.startswith("org acme: version ")


def test_an_export_from_a_later_moment_verifies_from_its_first_event(
    make_ledger: LedgerFactory, clock: FakeClock, cli, tmp_path: Path, capsys
) -> None:
    start = clock.now + timedelta(minutes=2)
    fill(make_ledger(clock), clock)
    _, digests, _ = cli("digest", capsys=capsys)
    _, export, _ = cli("export", "acme", "--from", start.isoformat(), capsys=capsys)
    assert [json.loads(line)["version"] for line in export.splitlines()] == [4, 5, 6, 7]
    assert run_verifier(tmp_path, export, digests) == (0, "org acme: versions 4 to 7 verify\n")
    edited = export.replace('"u-2"', '"u-9"')
    assert run_verifier(tmp_path, edited, digests) == (
        1,
        "org acme: version 5 does not match its hash\n",
    )
