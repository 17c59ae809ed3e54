"""One synth of the CDK app per test run, shared by every xdist worker."""

from __future__ import annotations

import fcntl
import json
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STACK = "CreditLedger"
# What a deployer keeps in cdk.json's context (see docs/deploy.md), for the tests.
DEPLOY_CONTEXT = {
    "alarm_email": "ledger-alarms@example.com",
    "alert_webhook_parameter": "/credit-ledger/alert-webhook-url",
}


@dataclass(frozen=True)
class Synth:
    outdir: Path
    template: dict[str, Any]
    report: dict[str, Any]  # CDK's policy validation report (cdk-nag's findings)
    metadata: dict[str, Any]  # construct metadata, with the acknowledged rules
    error: str | None  # synth's exception, if it raised (a nag finding does)
    seconds: float


def synthesize_once(shared: Path) -> Synth:
    """Synthesizes into shared/cdk.out unless another worker already has."""
    outdir, done = shared / "cdk.out", shared / "cdk.synth.json"
    with (shared / "cdk.synth.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            done.write_text(json.dumps(_synthesize(outdir)))
    result = json.loads(done.read_text())
    return Synth(
        outdir=outdir,
        template=json.loads((outdir / f"{STACK}.template.json").read_text()),
        report=json.loads((outdir / "validation-report.json").read_text()),
        metadata=json.loads((outdir / f"{STACK}.metadata.json").read_text()),
        error=result["error"],
        seconds=result["seconds"],
    )


def _synthesize(outdir: Path) -> dict[str, Any]:
    from stacks.app import build_app

    context = {**json.loads((ROOT / "cdk.json").read_text())["context"], **DEPLOY_CONTEXT}
    # The cdk CLI adds construct paths to the template; so do the tests.
    context["aws:cdk:enable-path-metadata"] = True
    started = time.perf_counter()
    error = None
    try:
        build_app(str(outdir), context).synth()
    except Exception:
        error = traceback.format_exc()
    return {"error": error, "seconds": time.perf_counter() - started}
