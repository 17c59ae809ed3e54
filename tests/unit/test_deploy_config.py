"""The deployment's settings come from cdk.json's context and are checked before synth:
a missing alarm subscriber or a webhook URL in the template is a clear error."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.config import DEFAULT_CONCURRENCY, BadSetting, DeployConfig


def config(**context: Any) -> DeployConfig:
    return DeployConfig.from_context(context.get)


def test_an_alarm_subscriber_is_required() -> None:
    for missing in ({}, {"alarm_email": ""}, {"alarm_email": "not an address"}):
        with pytest.raises(BadSetting, match=r"alarm_email.*cdk\.json"):
            config(**missing)


def test_a_webhook_url_in_the_context_is_refused_for_an_ssm_parameter() -> None:
    with pytest.raises(BadSetting, match="alert_webhook_parameter"):
        config(alarm_email="a@example.com", alert_webhook_url="https://hooks.example.com/x")
    with pytest.raises(BadSetting, match="SSM parameter name"):
        config(alarm_email="a@example.com", alert_webhook_parameter="https://hooks.example.com")


def test_reserved_concurrency_defaults_and_bad_values() -> None:
    assert config(alarm_email="a@example.com").reserved_concurrency == DEFAULT_CONCURRENCY
    chosen = config(alarm_email="a@example.com", reserved_concurrency={"Api": 20})
    assert chosen.reserved_concurrency == {**DEFAULT_CONCURRENCY, "Api": 20}
    for bad in ({"Api": 0}, {"Api": "5"}, {"Digest": 1}):
        with pytest.raises(BadSetting, match="reserved_concurrency"):
            config(alarm_email="a@example.com", reserved_concurrency=bad)


def test_the_committed_cdk_json_needs_only_the_subscriber() -> None:
    import json

    from tests.http.client import ROOT

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    with pytest.raises(BadSetting, match="alarm_email"):
        DeployConfig.from_context(context.get)
    assert DeployConfig.from_context({**context, "alarm_email": "ops@example.com"}.get)
