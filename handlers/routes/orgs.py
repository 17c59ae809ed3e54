"""Plan, per-user limit, status and history of an org."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from handlers.history import HistoryPage
from handlers.routes.common import COMMAND_ERRORS, READ_ERRORS, OrgId, documented, json_response
from handlers.schemas import SetPlanBody, SetUserLimitBody
from handlers.wiring import services
from ledger.models import OrgStatus
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
    return json_response(services().ledger.set_plan(org_id, body.plan))


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
    return json_response(services().ledger.set_user_limit(org_id, body.limit))


@router.get(
    "/orgs/<org_id>",
    operation_id="getOrg",
    tags=["Orgs"],
    summary="An org's status",
    description="Plan, limit, usage and trial of the current period, read from the event store.",
    responses=documented({200: "the org's status"}, *READ_ERRORS),
)
def get_status(org_id: OrgId) -> Response[OrgStatus]:
    return json_response(services().ledger.status(org_id))


@router.get(
    "/orgs/<org_id>/events",
    operation_id="getEvents",
    tags=["History"],
    summary="An org's history, oldest first",
    description=(
        "Every event of the org, one page at a time: pass the page's `next_after` as "
        "`after` for the next one (`null` on the last page)."
    ),
    responses=documented({200: "one page of the history"}, *READ_ERRORS),
)
def get_events(
    org_id: OrgId,
    after: Annotated[
        int,
        Query(ge=0, le=MAX_VERSION, description="the version after which the page starts"),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="events on the page at most")] = 100,
) -> Response[HistoryPage]:
    return json_response(services().ledger.history(org_id, after=after, limit=limit))
