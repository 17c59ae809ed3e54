"""The functions: runtime, architecture, tracing, code, layer and environment."""

from __future__ import annotations

import json

import pytest

from adapters.notify import WEBHOOK_ENV, WEBHOOK_PARAMETER_ENV
from adapters.tables import EVENTS, PROJECTIONS
from stacks.config import DEFAULT_CONCURRENCY
from stacks.settings import LAMBDA_PYTHON, METRICS_NAMESPACE, SERVICE
from tests.infra.synth import DEPLOY_CONTEXT, Synth
from tests.infra.template import Resources

HANDLERS = [
    "handlers.api.handler",
    "handlers.projector.handler",
    "handlers.notifier.handler",
    "handlers.digests.handler",
]
OBSERVABILITY = {
    "POWERTOOLS_SERVICE_NAME": SERVICE,
    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
    "LOG_LEVEL": "INFO",
}


def test_there_are_exactly_these_functions(synth: Synth) -> None:
    functions = Resources(synth.template).of_type("AWS::Lambda::Function").values()
    assert sorted(f["Properties"]["Handler"] for f in functions) == sorted(HANDLERS)


@pytest.mark.parametrize("handler", HANDLERS)
def test_each_function_runs_python_on_arm_with_tracing(synth: Synth, handler: str) -> None:
    props = Resources(synth.template).function(handler)[1]["Properties"]
    assert props["Runtime"] == f"python{LAMBDA_PYTHON}"
    assert LAMBDA_PYTHON in ("3.12", "3.13")
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert OBSERVABILITY.items() <= props["Environment"]["Variables"].items()


@pytest.mark.parametrize("handler", HANDLERS)
def test_each_function_shares_one_code_asset_and_the_dependency_layer(
    synth: Synth, handler: str
) -> None:
    resources = Resources(synth.template)
    props = resources.function(handler)[1]["Properties"]
    layer_id = resources.id_at("Code/Dependencies/Resource")
    assert props["Layers"] == [{"Ref": layer_id}]
    layer = resources.all[layer_id]["Properties"]
    assert layer["CompatibleArchitectures"] == ["arm64"]
    assert layer["CompatibleRuntimes"] == [f"python{LAMBDA_PYTHON}"]
    keys = {
        f["Properties"]["Code"]["S3Key"]
        for f in resources.of_type("AWS::Lambda::Function").values()
    }
    assert len(keys) == 1


@pytest.mark.parametrize("handler", HANDLERS)
def test_each_function_logs_to_its_own_log_group_with_retention(synth: Synth, handler: str) -> None:
    resources = Resources(synth.template)
    group = resources.function(handler)[1]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    assert resources.all[group]["Properties"]["RetentionInDays"] == 30


def test_the_store_functions_know_their_tables_and_the_persistence_module(synth: Synth) -> None:
    resources = Resources(synth.template)
    events = resources.id_at(f"EventStore/{EVENTS.logical_id}/Resource")
    projections = resources.id_at(f"EventStore/{PROJECTIONS.logical_id}/Resource")
    for handler in ("handlers.api.handler", "handlers.projector.handler"):
        variables = resources.function(handler)[1]["Properties"]["Environment"]["Variables"]
        assert variables["PERSISTENCE_MODULE"] == "adapters.dynamodb"
        assert variables[EVENTS.name_env] == {"Ref": events}
        assert variables[PROJECTIONS.name_env] == {"Ref": projections}


def test_only_the_projector_knows_the_alert_bus(synth: Synth) -> None:
    resources = Resources(synth.template)
    bus = resources.id_at("Alerts/Bus/Resource")
    for handler in HANDLERS:
        variables = resources.function(handler)[1]["Properties"]["Environment"]["Variables"]
        expected = {"Ref": bus} if handler == "handlers.projector.handler" else None
        assert variables.get("LEDGER_ALERT_BUS") == expected


def test_the_webhook_url_stays_in_ssm_only_its_name_is_configured(synth: Synth) -> None:
    resources = Resources(synth.template)
    variables = resources.function("handlers.notifier.handler")[1]["Properties"]["Environment"]
    assert WEBHOOK_ENV not in variables["Variables"]
    parameter = DEPLOY_CONTEXT["alert_webhook_parameter"]
    assert variables["Variables"][WEBHOOK_PARAMETER_ENV] == parameter
    assert WEBHOOK_ENV not in json.dumps(synth.template)


@pytest.mark.parametrize("handler", HANDLERS)
def test_each_function_has_reserved_concurrency(synth: Synth, handler: str) -> None:
    props = Resources(synth.template).function(handler)[1]["Properties"]
    names = {"api": "Api", "projector": "Projector", "notifier": "Notifier", "digests": "Digests"}
    name = names[handler.split(".")[1]]
    assert props["ReservedConcurrentExecutions"] == DEFAULT_CONCURRENCY[name]


@pytest.mark.parametrize("handler", HANDLERS)
def test_each_function_has_a_live_alias_on_a_published_version(synth: Synth, handler: str) -> None:
    resources = Resources(synth.template)
    function = resources.function(handler)[0]
    alias = resources.alias(handler)[1]
    assert alias["Properties"]["Name"] == "live"
    version = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    assert resources.all[version]["Type"] == "AWS::Lambda::Version"
    assert resources.all[version]["Properties"]["FunctionName"] == {"Ref": function}
