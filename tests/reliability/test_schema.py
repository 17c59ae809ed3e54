"""Schemathesis with every check, in every phase, against /openapi.json of `ledger serve`:
no 5xx, every response as documented, valid requests taken, invalid ones refused,
405 with Allow for a method a path lacks, and sequences of calls the links infer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.http.client import LedgerProcess

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).with_name("schemathesis.toml")
# A CI-sized run (about 20 s); raise it locally with SCHEMATHESIS_EXAMPLES=500.
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "25")


def test_every_operation_passes_every_check(server: LedgerProcess, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    command = [str(st), "--config-file", str(CONFIG), "run", f"{server.base}/openapi.json"]
    options = ["--checks", "all", "--max-examples", EXAMPLES, "--generation-deterministic"]
    done = subprocess.run(
        [*command, *options, "--no-color"],
        cwd=tmp_path,  # its caches and reports stay out of the checkout
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    # Every case passed. A warning may remain (no failure): consumeCredit "mostly
    # refused" once the shared server's org has used its credits (402s).
    assert re.search(r"(\d+) generated, \1 passed", done.stdout), done.stdout[-4000:]
    selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", done.stdout)
    assert selected and len(set(selected.groups())) == 1, "every operation is tested"
