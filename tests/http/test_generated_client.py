"""A client generated from the served /openapi.json by openapi-python-client is typed
(a caller's program passes `mypy --strict`) and works (the program runs the whole
flow against `ledger serve`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.http.client import LedgerProcess, call

pytestmark = pytest.mark.slow

PROGRAM = Path(__file__).with_name("client_flow.py")
BIN = Path(sys.executable).parent


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-4000:]
    return done.stdout


@pytest.fixture(scope="session")
def generated_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the generated `credit_ledger_client` package, made once a session."""
    root = tmp_path_factory.mktemp("generated-client")
    process = LedgerProcess(root / "data").start()
    try:
        (root / "openapi.json").write_text(call(process.base, "GET", "/openapi.json").text)
    finally:
        process.stop()
    generate = [BIN / "openapi-python-client", "generate", "--path", "openapi.json", "--meta"]
    _run(*generate, "none", "--output-path", root / "credit_ledger_client", cwd=root)
    return root


def test_a_program_using_the_generated_client_passes_mypy_strict(generated_client: Path) -> None:
    # The client is checked as an installed package would be (its own code is the
    # generator's: its errors are not reported, its types are used).
    cache = generated_client / ".mypy_cache"
    command = [BIN / "mypy", "--strict", "--follow-imports", "silent", "--cache-dir", cache]
    command += ["--no-incremental", PROGRAM]
    _run(*command, cwd=generated_client, env={"MYPYPATH": str(generated_client)})


def test_the_generated_client_runs_the_whole_flow(
    generated_client: Path, server: LedgerProcess
) -> None:
    output = _run(
        sys.executable,
        PROGRAM,
        server.base,
        cwd=generated_client,
        env={"PYTHONPATH": str(generated_client)},
    )
    assert output.strip() == "ok"
