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
    assert "paid_by" in schemas["HistoryEvent"]["properties"]["data"]["description"]
