"""Figure 2: import time of each Lambda handler module vs `import boto3`, fresh interpreters."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

from bench.figures import Figure, interleaved, size

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = size(7, 1)
HANDLERS = ["handlers.api", "handlers.projector", "handlers.notifier"]
# What a deployed function sees: in Lambda, no local-mode defaults, tracing on.
# LAMBDA_TASK_ROOT tells the X-Ray SDK it runs in Lambda: without it, the SDK
# builds an X-Ray client for centralised sampling, which Lambda never does.
LAMBDA_ENV = {
    "LAMBDA_TASK_ROOT": str(ROOT),
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "POWERTOOLS_SERVICE_NAME": "credit-ledger",
}
_PROBE = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"


def import_ms(module: str) -> float:
    """Milliseconds to import one module in a new interpreter (start-up not counted)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "AWS_"))}
    env.update(LAMBDA_ENV, PYTHONPATH=str(ROOT))
    return probe_ms([sys.executable, "-c", _PROBE.format(module)], cwd=ROOT, env=env)


def probe_ms(command: list[str], cwd: Path | str, env: dict[str, str]) -> float:
    """Runs a probe that prints seconds on its last line; the figure in milliseconds."""
    out = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return 1000 * float(out.stdout.strip().splitlines()[-1])


def run() -> list[Figure]:
    import_ms("boto3")  # warm the file cache and the bytecode cache
    figures = []
    for module in HANDLERS:
        if importlib.util.find_spec(module) is None:
            figures.append(Figure(name=f"import {module}", note="not available: no such module"))
            continue
        import_ms(module)
        value, base, ratio = interleaved(
            ROUNDS, partial(import_ms, module), partial(import_ms, "boto3")
        )
        figures.append(
            Figure(
                name=f"import {module} vs import boto3",
                value=value,
                baseline=base,
                ratio=ratio,
                unit="ms",
                baseline_unit="ms",
                target="<= 2",
                extra={"rounds": ROUNDS},
            )
        )
    return figures
