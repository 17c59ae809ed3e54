"""/openapi.json documents the bounds the server enforces and only the errors it sends."""

from __future__ import annotations

import json
import re

from tests.http.client import LedgerProcess, call

MAX_AFTER = 2**62


def test_after_documents_the_bound_the_server_enforces(server: LedgerProcess) -> None:
    document = call(server.base, "GET", "/openapi.json").json()
    parameters = document["paths"]["/orgs/{org_id}/events"]["get"]["parameters"]
    after = next(p for p in parameters if p["name"] == "after")["schema"]
    assert (after["minimum"], after["maximum"]) == (0, MAX_AFTER)
    assert call(server.base, "PUT", "/orgs/openapi-after/plan", {"plan": "Basic"}).status == 200
    path = "/orgs/openapi-after/events?after="
    assert call(server.base, "GET", f"{path}{MAX_AFTER}").status == 200
    assert call(server.base, "GET", f"{path}{MAX_AFTER + 1}").status == 422


def test_health_documents_only_the_error_it_sends(server: LedgerProcess) -> None:
    text = call(server.base, "GET", "/openapi.json").text
    assert set(json.loads(text)["paths"]["/health"]["get"]["responses"]) == {"200", "422"}
    assert call(server.base, "GET", "/health?verbose=1").status == 422  # not a parameter of it
    assert "HTTPValidationError" not in text  # no route sends Powertools' own error shape


def test_every_reference_resolves(server: LedgerProcess) -> None:
    text = call(server.base, "GET", "/openapi.json").text
    names = set(re.findall(r'"#/components/schemas/([^"]+)"', text))
    assert names and names <= set(json.loads(text)["components"]["schemas"])


def test_an_integral_number_is_an_integer(server: LedgerProcess) -> None:
    """JSON Schema's integer is any number without a fraction: 5.0 is 5."""
    assert call(server.base, "PUT", "/orgs/openapi-whole/plan", {"plan": "Basic"}).status == 200
    reply = call(server.base, "PUT", "/orgs/openapi-whole/user-limit", raw=b'{"limit": 5.0}')
    assert (reply.status, reply.json()["user_limit"]) == (200, 5)
    reply = call(server.base, "POST", "/orgs/openapi-whole/top-ups", raw=b'{"credits": 2.5e1}')
    assert (reply.status, reply.json()["credits"], reply.json()["limit"]) == (201, 25, 125)


def test_every_operation_is_named_described_and_has_examples(server: LedgerProcess) -> None:
    document = call(server.base, "GET", "/openapi.json").json()
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["operationId"].isalnum() and operation["tags"], where
            assert operation["summary"] != where and operation["description"], where
            bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
            for body in bodies:
                for content in body.get("content", {}).values():
                    schema = content["schema"]
                    refs = [s["$ref"] for s in [schema, *schema.get("anyOf", [])] if "$ref" in s]
                    if not refs:  # a CSV page, say
                        assert content.get("examples"), where
                    for ref in refs:
                        name = ref.rsplit("/", 1)[-1]
                        assert schemas[name].get("examples"), f"{where}: {name}"


def test_errors_list_their_codes_and_headers_are_documented(server: LedgerProcess) -> None:
    document = call(server.base, "GET", "/openapi.json").json()
    schemas = document["components"]["schemas"]
    consume = document["paths"]["/orgs/{org_id}/enquiries"]["post"]["responses"]
    refusal = schemas[consume["402"]["content"]["application/json"]["schema"]["$ref"][21:]]
    detail = schemas[refusal["properties"]["error"]["$ref"][21:]]
    assert set(detail["properties"]["code"]["enum"]) == {
        "NO_PLAN",
        "TRIAL_EXPIRED",
        "TRIAL_LIMIT_REACHED",
        "ORG_LIMIT_REACHED",
        "USER_LIMIT_REACHED",
    }
    assert set(consume["200"]["headers"]) == {"Idempotent-Replayed"}
    assert set(consume["503"]["headers"]) == {"Retry-After"}
    history = schemas["HistoryPage"]["properties"]["events"]["items"]
    assert history["discriminator"]["propertyName"] == "type"
    assert {"PlanSet", "CreditConsumed", "TopUpGranted"} <= set(history["discriminator"]["mapping"])


def test_the_user_limit_documents_its_bounds(server: LedgerProcess) -> None:
    document = call(server.base, "GET", "/openapi.json").json()
    limit = document["components"]["schemas"]["SetUserLimitBody"]["properties"]["limit"]
    bounded = next(s for s in limit["anyOf"] if s.get("type") == "integer")
    assert (bounded["minimum"], bounded["maximum"]) == (0, 10**9)
    assert "null: no limit" in limit["description"]
    body = {"limit": 10**9}
    assert call(server.base, "PUT", "/orgs/openapi-limit/user-limit", body).status == 200


def test_trial_credits_are_described(server: LedgerProcess) -> None:
    schemas = call(server.base, "GET", "/openapi.json").json()["components"]["schemas"]
    assert "own credits" in schemas["TrialStatus"]["properties"]["credits"]["description"]
    assert "allowance" in schemas["CreditConsumedData"]["properties"]["paid_by"]["description"]
