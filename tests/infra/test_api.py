"""Every route of the API, IAM on every method, body models, throttling, access logs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stacks.api import BURST_LIMIT, RATE_LIMIT, ROUTES, STAGE
from tests.infra.synth import Synth
from tests.infra.template import Resources, referenced

# API.md's route table, written out again on purpose: the stack must serve each.
SPEC_ROUTES = {
    ("PUT", "/orgs/{org_id}/plan"),
    ("PUT", "/orgs/{org_id}/user-limit"),
    ("POST", "/orgs/{org_id}/enquiries"),
    ("POST", "/orgs/{org_id}/top-ups"),
    ("GET", "/orgs"),
    ("GET", "/orgs/{org_id}"),
    ("GET", "/orgs/{org_id}/usage"),
    ("GET", "/orgs/{org_id}/events"),
    ("GET", "/orgs/{org_id}/digest"),
    ("GET", "/health"),
    ("GET", "/openapi.json"),
}
WRITES = {route for route in SPEC_ROUTES if route[0] in ("PUT", "POST")}


def _paths(resources: Resources) -> dict[str, str]:
    """Logical id of each API resource -> its full path."""
    nodes = resources.of_type("AWS::ApiGateway::Resource")
    root = {"Fn::GetAtt": [resources.id_at("Api/Api/Resource"), "RootResourceId"]}

    def path(key: str) -> str:
        props = nodes[key]["Properties"]
        parent = props["ParentId"]
        prefix = "" if parent == root else path(parent["Ref"])
        return f"{prefix}/{props['PathPart']}"

    paths = {key: path(key) for key in nodes}
    paths[json.dumps(root)] = "/"
    return paths


def _methods(synth: Synth) -> dict[tuple[str, str], dict[str, Any]]:
    resources = Resources(synth.template)
    paths = _paths(resources)
    methods = {}
    for method in resources.of_type("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        target = props["ResourceId"]
        key = target["Ref"] if "Ref" in target else json.dumps(target)
        methods[(props["HttpMethod"], paths[key])] = props
    return methods


def test_the_route_table_is_the_specs() -> None:
    assert {(route.method, route.path) for route in ROUTES} == SPEC_ROUTES


@pytest.mark.parametrize("route", sorted(SPEC_ROUTES))
def test_each_route_reaches_the_api_function(synth: Synth, route: tuple[str, str]) -> None:
    method = _methods(synth)[route]
    alias = Resources(synth.template).alias("handlers.api.handler")[0]
    integration = method["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    assert alias in json.dumps(integration["Uri"])  # the live alias, not $LATEST


def test_anything_else_reaches_the_function_which_answers_404_or_405(synth: Synth) -> None:
    methods = _methods(synth)
    assert ("ANY", "/{proxy+}") in methods
    for _, path in SPEC_ROUTES:
        assert ("ANY", path) in methods


def test_every_method_needs_an_iam_signature(synth: Synth) -> None:
    methods = _methods(synth)
    assert len(methods) > len(SPEC_ROUTES)
    assert {props["AuthorizationType"] for props in methods.values()} == {"AWS_IAM"}


@pytest.mark.parametrize("route", sorted(WRITES))
def test_each_write_route_validates_its_body_against_a_model(
    synth: Synth, route: tuple[str, str]
) -> None:
    resources = Resources(synth.template)
    props = _methods(synth)[route]
    validator = resources.all[props["RequestValidatorId"]["Ref"]]["Properties"]
    assert validator["ValidateRequestBody"] is True
    model_id = props["RequestModels"]["application/json"]["Ref"]
    schema = resources.all[model_id]["Properties"]["Schema"]
    assert schema["type"] == "object" and schema["required"]


def test_the_plan_model_names_the_catalogue(synth: Synth) -> None:
    from ledger.domain.plans import PLAN_NAMES

    resources = Resources(synth.template)
    schema = resources.at("Api/Api/SetPlan/Resource")[1]["Properties"]["Schema"]
    assert schema["properties"]["plan"]["enum"] == list(PLAN_NAMES)


def test_a_body_that_fails_its_model_is_a_422_in_the_error_body(synth: Synth) -> None:
    responses = Resources(synth.template).of_type("AWS::ApiGateway::GatewayResponse").values()
    by_type = {r["Properties"]["ResponseType"]: r["Properties"] for r in responses}
    invalid = by_type["BAD_REQUEST_BODY"]
    assert invalid["StatusCode"] == "422"
    assert '"code": "VALIDATION_ERROR"' in invalid["ResponseTemplates"]["application/json"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        assert '{"error": {"code":' in by_type[kind]["ResponseTemplates"]["application/json"]


def test_the_stage_is_throttled_traced_and_access_logged(synth: Synth) -> None:
    resources = Resources(synth.template)
    stage = resources.at(f"Api/Api/DeploymentStage.{STAGE}/Resource")[1]["Properties"]
    assert stage["StageName"] == STAGE
    assert stage["TracingEnabled"] is True
    settings = stage["MethodSettings"][0]
    assert settings["ThrottlingRateLimit"] == RATE_LIMIT
    assert settings["ThrottlingBurstLimit"] == BURST_LIMIT
    assert settings["HttpMethod"] == "*" and settings["ResourcePath"] == "/*"
    log_group = resources.id_at("Api/AccessLogs/Resource")
    assert referenced(stage["AccessLogSetting"]["DestinationArn"]) == {log_group}
    assert "$context.requestId" in stage["AccessLogSetting"]["Format"]


def test_every_route_the_handler_documents_has_its_own_method() -> None:
    """A route added to the resolver must be added to the stack's route table too."""
    api = pytest.importorskip("handlers.api")
    document = api.app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)
    served = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }
    assert served, "the handler documents no route"
    # GET /swagger (the resolver's own page) is reached through the catch-all.
    assert served - {("GET", "/swagger")} <= {(route.method, route.path) for route in ROUTES}
