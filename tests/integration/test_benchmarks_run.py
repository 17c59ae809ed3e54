"""The benchmarks still run, end to end, as a smoke run (BENCH_QUICK=1).

No timing is asserted: the figures of a smoke run mean nothing. What is
checked is that every benchmark produces its figures, and that the counts
(DynamoDB requests per consume) are what the design promises, and that the
alert backtest scores the rule in force.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_reports_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    env |= {"BENCH_QUICK": "1", "BENCH_RESULTS": str(out), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # in tmp_path: the benchmarks' scratch files go there
        [sys.executable, "-m", "bench"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["smoke_run"] is True
    figures = {f["name"]: f for f in report["figures"]}
    kinds = [
        "ConsumeCredit/s",
        "import handlers.",
        "ledger serve:",
        "DynamoDB requests",
        "events/s",
        "NearLimit precision",
        "NearLimit recall",
    ]
    for kind in kinds:
        assert any(name.startswith(kind) for name in figures), f"no {kind} figure"
    for name, figure in figures.items():
        # A backtest's share may be 0 on a smoke run's few orgs; the others are rates.
        least = 0 if name.startswith("NearLimit") else 1e-12
        assert figure["value"] is not None and figure["value"] >= least, name
        assert figure["baseline"] is not None and figure["baseline"] > 0, name
        assert figure["verdict"] in ("smoke run", "reported"), name
        assert name in done.stdout  # the table shows what the JSON holds
    counts = [f for name, f in figures.items() if name.startswith("DynamoDB requests")]
    assert counts and all((f["value"], f["baseline"]) == (1, 2) for f in counts)
    assert list(tmp_path.iterdir()) == [out], "a benchmark left its scratch files"
