"""Ids in the path: anything that is not an id is 422, never a route with an altered id."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from handlers.api import resolve
from localmode.gateway import proxy_event
from tests.http.client import LedgerProcess, call, exchange

NOT_IDS = ["a%23b", "a%22b", "a%3Fb", "a%5Cb", "a%60b", "a%13b", "a%20b", "a%2Fb", "a%25b", "%FF"]


def _org(server: LedgerProcess) -> str:
    org = f"path-{uuid.uuid4().hex[:8]}"
    assert call(server.base, "PUT", f"/orgs/{org}/plan", {"plan": "Basic"}).status == 200
    return org


def _assert_id_refused(status: int, body: str) -> None:
    assert status == 422, body
    error = json.loads(body)["error"]
    assert error["code"] == "VALIDATION_ERROR" and "A-Z a-z 0-9 . _ : -" in error["message"]


@pytest.mark.parametrize("segment", NOT_IDS)
def test_an_org_id_that_is_not_an_id_is_422(server: LedgerProcess, segment: str) -> None:
    for method, path, body in [
        ("PUT", f"/orgs/{segment}/plan", {"plan": "Basic"}),
        ("GET", f"/orgs/{segment}", None),
        ("GET", f"/orgs/{segment}/events", None),
    ]:
        reply = call(server.base, method, path, body)
        _assert_id_refused(reply.status, reply.text)
        assert "org_id" in reply.json()["error"]["message"]


def test_a_trailing_newline_changes_no_org(server: LedgerProcess) -> None:
    org = _org(server)
    before = call(server.base, "GET", f"/orgs/{org}/events").json()
    reply = call(server.base, "PUT", f"/orgs/{org}/plan%0A", {"plan": "Lite"})
    _assert_id_refused(reply.status, reply.text)
    reply = call(server.base, "PUT", f"/orgs/{org}%0A/plan", {"plan": "Lite"})
    _assert_id_refused(reply.status, reply.text)
    reply = call(server.base, "GET", f"/orgs/{org}%0A")
    _assert_id_refused(reply.status, reply.text)
    assert call(server.base, "GET", f"/orgs/{org}/events").json() == before


def test_characters_sent_unencoded_are_422(server: LedgerProcess) -> None:
    for target in (b'/orgs/a"b', b"/orgs/a\\b", b"/orgs/a`b", b"/orgs/a\x13b", b"/orgs/\xc3\xa9"):
        request = b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        head, body = exchange(server.base, request)
        assert head.startswith(b"HTTP/1.1 422 "), target
        assert b'"VALIDATION_ERROR"' in body


def test_an_encoded_id_character_is_the_id(server: LedgerProcess) -> None:
    reply = call(server.base, "PUT", f"/orgs/a%3A{uuid.uuid4().hex[:8]}/plan", {"plan": "Basic"})
    assert reply.status == 200 and reply.json()["org_id"].startswith("a:")


def _gateway_event(path: str, org_id: str) -> dict[str, Any]:
    """As API Gateway (REST) sends it: the path as the client encoded it, parameters decoded."""
    event = proxy_event("GET", "/", {"Host": "api"}, None)
    event.update(path=path, resource="/orgs/{org_id}", pathParameters={"org_id": org_id})
    return event


@pytest.mark.parametrize(
    ("path", "org_id"),
    [("/orgs/acme%0A", "acme\n"), ("/orgs/acme\n", "acme\n"), ("/orgs/a%2Fb", "a/b")],
)
def test_the_lambda_handler_checks_path_ids_itself(path: str, org_id: str) -> None:
    result = resolve(_gateway_event(path, org_id), None)
    _assert_id_refused(result["statusCode"], result["body"])


def test_a_path_starting_with_two_slashes_is_not_cut_short() -> None:
    # urlsplit would read "//other" as a host and route the rest as /orgs/acme.
    event = proxy_event("GET", "//other/orgs/acme?x=1#part", {"Host": "local"}, None)
    assert event["path"] == "//other/orgs/acme"
    assert event["queryStringParameters"] == {"x": "1"}
