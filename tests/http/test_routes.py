"""Every route over HTTP against a real `ledger serve` process."""

from __future__ import annotations

import uuid

from tests.http.client import LedgerProcess, call


def org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


def test_health_and_openapi(server: LedgerProcess) -> None:
    assert call(server.base, "GET", "/health").status == 200
    assert call(server.base, "GET", "/swagger").status == 200  # local only, see handlers.api
    document = call(server.base, "GET", "/openapi.json").json()
    paths = document["paths"]
    for path in ("/orgs/{org_id}/plan", "/orgs/{org_id}/enquiries", "/orgs/{org_id}/top-ups"):
        assert path in paths
    error_body = {"$ref": "#/components/schemas/ValidationFailed"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            if path.startswith("/orgs/"):  # every org route documents its error bodies
                invalid = operation["responses"].get("422", {})
                assert invalid.get("content", {}).get("application/json", {}).get("schema") == (
                    error_body
                ), f"{method.upper()} {path}"


def test_walk_through(server: LedgerProcess) -> None:
    o = org()
    reply = call(server.base, "PUT", f"/orgs/{o}/plan", {"plan": "Basic"})
    assert reply.status == 200
    assert reply.json()["limit"] == 100 and reply.json()["trial"] is None

    reply = call(server.base, "PUT", f"/orgs/{o}/user-limit", {"limit": 2})
    assert reply.status == 200 and reply.json()["user_limit"] == 2

    first = call(server.base, "POST", f"/orgs/{o}/enquiries", {"enquiry_id": "e-1", "user_id": "u"})
    assert first.status == 201
    assert first.json()["remaining"] == 99 and first.json()["user_remaining"] == 1
    assert "Idempotent-Replayed" not in first.headers

    again = call(server.base, "POST", f"/orgs/{o}/enquiries", {"enquiry_id": "e-1", "user_id": "u"})
    assert again.status == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()

    other = call(server.base, "POST", f"/orgs/{o}/enquiries", {"enquiry_id": "e-1", "user_id": "v"})
    assert (other.status, other.code) == (409, "ENQUIRY_CONFLICT")

    call(server.base, "POST", f"/orgs/{o}/enquiries", {"enquiry_id": "e-2", "user_id": "u"})
    body = {"enquiry_id": "e-3", "user_id": "u"}
    capped = call(server.base, "POST", f"/orgs/{o}/enquiries", body)
    assert (capped.status, capped.code) == (402, "USER_LIMIT_REACHED")

    top = call(server.base, "POST", f"/orgs/{o}/top-ups", {"credits": 25, "top_up_id": "t-1"})
    assert top.status == 201
    assert top.json()["limit"] == 125 and top.json()["remaining"] == 123
    repeat = call(server.base, "POST", f"/orgs/{o}/top-ups", {"credits": 25, "top_up_id": "t-1"})
    assert repeat.status == 200 and repeat.json() == top.json()
    clash = call(server.base, "POST", f"/orgs/{o}/top-ups", {"credits": 5, "top_up_id": "t-1"})
    assert (clash.status, clash.code) == (409, "TOP_UP_CONFLICT")

    status = call(server.base, "GET", f"/orgs/{o}").json()
    assert (status["used"], status["limit"], status["remaining"]) == (2, 125, 123)

    history = call(server.base, "GET", f"/orgs/{o}/events?limit=3").json()
    assert [e["version"] for e in history["events"]] == [1, 2, 3]
    assert history["next_after"] == 3
    rest = call(server.base, "GET", f"/orgs/{o}/events?after=3&limit=1000").json()
    assert rest["next_after"] is None
    types = [e["type"] for e in history["events"] + rest["events"]]
    assert types.count("CreditConsumed") == 2 and types.count("TopUpGranted") == 1


def test_refusal_codes_over_http(server: LedgerProcess) -> None:
    o = org()
    body = {"enquiry_id": "e-1", "user_id": "u"}
    assert call(server.base, "POST", f"/orgs/{o}/enquiries", body).code == "NO_PLAN"
    assert call(server.base, "POST", f"/orgs/{o}/top-ups", {"credits": 1}).status == 409
    call(server.base, "PUT", f"/orgs/{o}/plan", {"plan": "Basic"})
    trial = call(server.base, "PUT", f"/orgs/{o}/plan", {"plan": "Trial"})
    assert (trial.status, trial.code) == (409, "TRIAL_NOT_AVAILABLE")


def test_unknown_org_is_404(server: LedgerProcess) -> None:
    for path in ("/orgs/nobody-here", "/orgs/nobody-here/events"):
        reply = call(server.base, "GET", path)
        assert (reply.status, reply.code) == (404, "NOT_FOUND")


def test_data_survives_restart(fresh_server: LedgerProcess) -> None:
    o = org()
    call(fresh_server.base, "PUT", f"/orgs/{o}/plan", {"plan": "Lite"})
    call(fresh_server.base, "POST", f"/orgs/{o}/enquiries", {"enquiry_id": "e", "user_id": "u"})
    before = call(fresh_server.base, "GET", f"/orgs/{o}").json()
    fresh_server.stop()
    fresh_server.start()
    assert call(fresh_server.base, "GET", f"/orgs/{o}").json() == before
    body = {"enquiry_id": "e", "user_id": "u"}
    again = call(fresh_server.base, "POST", f"/orgs/{o}/enquiries", body)
    assert again.status == 200
