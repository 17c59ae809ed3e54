"""The alert bus, its two rules, their targets and the queues behind them."""

from __future__ import annotations

import json

import pytest

from stacks.alerts import ALERT_SOURCE, ALERT_TYPES, alert_pattern
from tests.infra.synth import Synth
from tests.infra.template import Resources
from tests.infra.test_projector import assert_tls_only


def test_alert_patterns_match_the_api_spec() -> None:
    assert ALERT_SOURCE == "credit-ledger"
    assert set(ALERT_TYPES) == {"NearLimit", "LimitReached"}


@pytest.mark.parametrize("detail_type", ALERT_TYPES)
def test_each_alert_type_has_a_rule_on_the_ledgers_own_bus(synth: Synth, detail_type: str) -> None:
    resources = Resources(synth.template)
    rule = resources.at(f"Alerts/{detail_type}Rule/Resource")[1]["Properties"]
    assert rule["EventBusName"] == {"Ref": resources.id_at("Alerts/Bus/Resource")}
    assert rule["EventPattern"] == alert_pattern(detail_type)
    assert rule["State"] == "ENABLED"


@pytest.mark.parametrize("detail_type", ALERT_TYPES)
def test_each_rule_feeds_the_notifier_and_customer_success_with_a_dead_letter_queue(
    synth: Synth, detail_type: str
) -> None:
    resources = Resources(synth.template)
    rule = resources.at(f"Alerts/{detail_type}Rule/Resource")[1]["Properties"]
    notifier = resources.alias("handlers.notifier.handler")[0]
    queue = resources.id_at("Alerts/CustomerSuccess/Resource")
    dead_letters = resources.id_at("Alerts/DeliveryFailures/Resource")
    arns = {str(target["Arn"]) for target in rule["Targets"]}
    assert arns == {str({"Ref": notifier}), str({"Fn::GetAtt": [queue, "Arn"]})}
    for target in rule["Targets"]:
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dead_letters, "Arn"]}}
        assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0


def test_the_notifier_sets_aside_what_it_keeps_failing_on(synth: Synth) -> None:
    resources = Resources(synth.template)
    config = resources.at("Alerts/NotifierLive/EventInvokeConfig/Resource")[1]["Properties"]
    alias = resources.alias("handlers.notifier.handler")[0]
    assert alias in json.dumps(config["Qualifier"])  # the live alias's own settings
    failures = resources.id_at("Alerts/NotifierFailures/Resource")
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": [failures, "Arn"]
    }
    assert config["MaximumRetryAttempts"] == 2


def test_customer_success_queue_redrives_to_its_own_dead_letter_queue(synth: Synth) -> None:
    resources = Resources(synth.template)
    queue = resources.at("Alerts/CustomerSuccess/Resource")[1]["Properties"]
    failures = resources.id_at("Alerts/CustomerSuccessFailures/Resource")
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [failures, "Arn"]}


def test_every_queue_is_encrypted_and_tls_only(synth: Synth) -> None:
    resources = Resources(synth.template)
    queues = resources.of_type("AWS::SQS::Queue")
    assert len(queues) == 5
    for key, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, key
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600, key
        assert_tls_only(resources, key)


def test_the_rules_pick_up_what_the_alert_bus_adapter_puts() -> None:
    """The projector's own rule pattern (when present) and the deployed rules agree."""
    alert_bus = pytest.importorskip("adapters.alert_bus")
    pattern = alert_bus.ALERT_RULE_PATTERN
    assert pattern["source"] == [ALERT_SOURCE]
    assert set(pattern["detail-type"]) == set(ALERT_TYPES)
