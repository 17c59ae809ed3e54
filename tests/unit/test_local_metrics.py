"""`ledger serve` prints metrics as a Lambda would; concurrent requests lose none."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.metrics import MetricUnit

from handlers.observability import metrics
from localmode.gateway import _publish_metrics
from tests.race import race

THREADS, ADDS = 8, 3000


def test_concurrent_requests_lose_no_metric_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    metrics.clear_metrics()  # values an earlier test in this process added and never published

    def request() -> None:  # each request adds a value, then publishes, as handle() does
        for _ in range(ADDS):
            metrics.add_metric(name="CreditsConsumed", unit=MetricUnit.Count, value=1)
            _publish_metrics()

    race([request] * THREADS)
    _publish_metrics()
    published = 0
    for line in capsys.readouterr().out.splitlines():
        values = json.loads(line).get("CreditsConsumed")
        if values is not None:
            published += len(values) if isinstance(values, list) else 1
    assert published == THREADS * ADDS
