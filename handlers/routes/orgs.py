"""Plan, per-user limit, status and history of an org."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict

from handlers.actor import current_actor
from handlers.history import HistoryPage
from handlers.models import OrgStatus
from handlers.routes.common import (
    COMMAND_ERRORS,
    READ_ERRORS,
    OrgId,
    documented,
    json_response,
)
from handlers.schemas import SetPlanBody, SetUserLimitBody
from handlers.wiring import services
from ledger import audit
from ledger.validation import MAX_VERSION

router = APIGatewayRouter()


@router.put(
    "/orgs/<org_id>/plan",
    operation_id="setPlan",
    tags=["Orgs"],
    summary="Set an org's plan",
    description=(
        "Moves the org onto a paid plan, or starts its one trial. A paid plan change in "
        "the middle of a month applies to the whole month; what was used stays used. "
        "Setting the plan the org already has changes nothing."
    ),
    responses=documented({200: "the org's status after the change"}, *COMMAND_ERRORS),
)
def set_plan(org_id: OrgId, body: SetPlanBody) -> Response[OrgStatus]:
    who = current_actor()
    found = services().ledger.set_plan(org_id, body.plan, actor=who, reason=body.reason)
    return json_response(OrgStatus.model_validate(found))


@router.put(
    "/orgs/<org_id>/user-limit",
    operation_id="setUserLimit",
    tags=["Orgs"],
    summary="Set or remove the per-user monthly limit",
    description=(
        "One limit for every user of the org, per period; `null` removes it and `0` blocks "
        "every user. A lower limit applies at once. No plan is needed."
    ),
    responses=documented({200: "the org's status after the change"}, *COMMAND_ERRORS),
)
def set_user_limit(org_id: OrgId, body: SetUserLimitBody) -> Response[OrgStatus]:
    who = current_actor()
    found = services().ledger.set_user_limit(org_id, body.limit, actor=who, reason=body.reason)
    return json_response(OrgStatus.model_validate(found))


@router.get(
    "/orgs/<org_id>",
    operation_id="getOrg",
    tags=["Orgs"],
    summary="An org's status, now or at a past moment",
    description=(
        "Plan, limit, usage and trial of the current period, read from the event store; "
        "with `at`, as it stood at that moment, rebuilt from the events."
    ),
    responses=documented({200: "the org's status"}, *READ_ERRORS),
)
def get_status(
    org_id: OrgId,
    at: Annotated[
        datetime | None,
        Query(description="the status as it stood at this moment (ISO 8601 with an offset or Z)"),
    ] = None,
) -> Response[OrgStatus]:
    return json_response(OrgStatus.model_validate(services().ledger.status(org_id, at=at)))


_EVENTS_RESPONSES = documented({}, *READ_ERRORS)
_EVENTS_RESPONSES[200] = {
    "description": "one page of the history; with format=csv the same page as CSV "
    "(header Next-After)",
    "content": {
        "application/json": {"model": HistoryPage},
        "text/csv": {
            "schema": {"type": "string"},
            "examples": {
                "page": {
                    "value": "org_id,version,type,occurred_at,data,hash\r\n"
                    'acme,1,OrgOpened,2026-11-05T09:00:00Z,"{""org_id"":""acme""}",3a7b...\r\n'
                }
            },
        },
    },
}


@router.get(
    "/orgs/<org_id>/events",
    operation_id="getEvents",
    tags=["History"],
    summary="An org's history, oldest first",
    description=(
        "Every event of the org, one page at a time: pass the page's `next_after` as "
        "`after` for the next one (`null` on the last page)."
    ),
    responses=_EVENTS_RESPONSES,
)
def get_events(
    org_id: OrgId,
    after: Annotated[
        int,
        Query(ge=0, le=MAX_VERSION, description="the version after which the page starts"),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="events on the page at most")] = 100,
    format_: Annotated[
        Literal["json", "csv"], Query(alias="format", description="json (default) or csv")
    ] = "json",
) -> Response[Any]:
    page = services().ledger.history(org_id, after=after, limit=limit)
    if format_ == "json":
        return json_response(HistoryPage.model_validate(asdict(page)))
    lines = [audit.history_line(org_id, event) for event in page.events]
    headers = {} if page.next_after is None else {"Next-After": str(page.next_after)}
    return Response(200, "text/csv; charset=utf-8", "".join(audit.csv_rows(lines)), headers)


class OrgDigest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "acme",
                    "version": 7,
                    "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "occurred_at": "2026-11-05T09:30:00Z",
                }
            ]
        }
    )

    org_id: str
    version: int
    hash: str
    occurred_at: datetime


@router.get(
    "/orgs/<org_id>/digest",
    operation_id="getDigest",
    tags=["History"],
    summary="The head of an org's hash chain",
    description=(
        "The org's latest version and its hash: keep it elsewhere, and a history that "
        "no longer leads to it has been altered."
    ),
    responses=documented({200: "the head of the org's hash chain"}, *READ_ERRORS),
)
def get_digest(org_id: OrgId) -> Response[OrgDigest]:
    return json_response(OrgDigest(**services().ledger.digest(org_id).line()))
