"""An alert left pending before the outlook fields existed is delivered as documented."""

from __future__ import annotations

import json

import jsonschema
import pytest

from projections.alerts import Alert, alert_id
from tests.projection_support import validate

# As the projector kept a pending alert before pace_per_day, run_out_at,
# period_ends_at and suggested_plan were added (schema version 1).
EARLIER = {
    "source": "credit-ledger",
    "detail-type": "NearLimit",
    "detail": {
        "schema_version": 1,
        "alert_id": alert_id("acme", "2026-11", "NearLimit"),
        "org_id": "acme",
        "plan": "Basic",
        "period": "2026-11",
        "limit": 100,
        "used": 80,
        "remaining": 20,
        "occurred_at": "2026-11-20T10:00:00.000000Z",
        "rule": "threshold",
        "forecast_used": 120,
    },
}


def test_an_alert_pending_from_before_the_outlook_is_published_within_the_schema() -> None:
    alert = Alert.from_json(json.dumps(EARLIER))
    validate(alert.event())
    detail = alert.detail()
    assert {k: detail[k] for k in EARLIER["detail"]} == EARLIER["detail"]
    added = ("pace_per_day", "run_out_at", "period_ends_at", "suggested_plan")
    assert [detail[k] for k in added] == [None] * 4


def test_the_schema_names_each_rule_and_what_it_promises() -> None:
    def near(**changes: object) -> dict[str, object]:
        detail = dict(Alert.from_json(json.dumps(EARLIER)).detail())
        return {"source": "credit-ledger", "detail-type": "NearLimit", "detail": detail | changes}

    validate(near(rule="forecast"))
    validate(near(rule="runway", run_out_at="2026-11-22T10:00:00.000000Z"))
    for bad in (
        near(rule="runway"),  # a runway with no run-out moment
        near(rule="forecast", remaining=0),  # nothing left to warn of
        near(rule="trend"),  # no such rule
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)
