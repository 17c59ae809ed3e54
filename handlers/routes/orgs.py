"""Plan, per-user limit, status and history of an org."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from handlers.actor import current_actor
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
from ledger.models import History, OrgStatus
from ledger.validation import MAX_VERSION

router = APIGatewayRouter()


@router.put("/orgs/<org_id>/plan", responses=documented({200: "org status"}, *COMMAND_ERRORS))
def set_plan(org_id: OrgId, body: SetPlanBody) -> Response[OrgStatus]:
    who = current_actor()
    return json_response(
        services().ledger.set_plan(org_id, body.plan, actor=who, reason=body.reason)
    )


@router.put("/orgs/<org_id>/user-limit", responses=documented({200: "org status"}, *COMMAND_ERRORS))
def set_user_limit(org_id: OrgId, body: SetUserLimitBody) -> Response[OrgStatus]:
    who = current_actor()
    found = services().ledger.set_user_limit(org_id, body.limit, actor=who, reason=body.reason)
    return json_response(found)


@router.get("/orgs/<org_id>", responses=documented({200: "org status"}, *READ_ERRORS))
def get_status(
    org_id: OrgId,
    at: Annotated[
        datetime | None,
        Query(description="the status as it stood at this moment (ISO 8601 with an offset or Z)"),
    ] = None,
) -> Response[OrgStatus]:
    return json_response(services().ledger.status(org_id, at=at))


_EVENTS_RESPONSES = documented({}, *READ_ERRORS)
_EVENTS_RESPONSES[200] = {
    "description": "the history; with format=csv the same page as CSV (header Next-After)",
    "content": {
        "application/json": {"model": History},
        "text/csv": {"schema": {"type": "string"}},
    },
}


@router.get("/orgs/<org_id>/events", responses=_EVENTS_RESPONSES)
def get_events(
    org_id: OrgId,
    after: Annotated[int, Query(ge=0, le=MAX_VERSION)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format_: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Response[Any]:
    page = services().ledger.history(org_id, after=after, limit=limit)
    if format_ == "json":
        return json_response(page)
    lines = [audit.history_line(org_id, event) for event in page.events]
    headers = {} if page.next_after is None else {"Next-After": str(page.next_after)}
    return Response(200, "text/csv; charset=utf-8", "".join(audit.csv_rows(lines)), headers)


class OrgDigest(BaseModel):
    org_id: str
    version: int
    hash: str
    occurred_at: datetime


@router.get(
    "/orgs/<org_id>/digest",
    operation_id="getDigest",
    responses=documented({200: "the head of the org's hash chain"}, *READ_ERRORS),
)
def get_digest(org_id: OrgId) -> Response[OrgDigest]:
    return json_response(OrgDigest(**services().ledger.digest(org_id).line()))
