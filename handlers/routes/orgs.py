"""Plan, per-user limit, status and history of an org."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from handlers.routes.common import COMMAND_ERRORS, READ_ERRORS, OrgId, documented, json_response
from handlers.schemas import SetPlanBody, SetUserLimitBody
from handlers.wiring import services
from ledger.models import History, OrgStatus
from ledger.validation import MAX_VERSION

router = APIGatewayRouter()


@router.put("/orgs/<org_id>/plan", responses=documented({200: "org status"}, *COMMAND_ERRORS))
def set_plan(org_id: OrgId, body: SetPlanBody) -> Response[OrgStatus]:
    return json_response(services().ledger.set_plan(org_id, body.plan))


@router.put("/orgs/<org_id>/user-limit", responses=documented({200: "org status"}, *COMMAND_ERRORS))
def set_user_limit(org_id: OrgId, body: SetUserLimitBody) -> Response[OrgStatus]:
    return json_response(services().ledger.set_user_limit(org_id, body.limit))


@router.get("/orgs/<org_id>", responses=documented({200: "org status"}, *READ_ERRORS))
def get_status(org_id: OrgId) -> Response[OrgStatus]:
    return json_response(services().ledger.status(org_id))


@router.get("/orgs/<org_id>/events", responses=documented({200: "the history"}, *READ_ERRORS))
def get_events(
    org_id: OrgId,
    after: Annotated[int, Query(ge=0, le=MAX_VERSION)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response[History]:
    return json_response(services().ledger.history(org_id, after=after, limit=limit))
