"""A month's projected usage of an org (may lag the events by moments)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from handlers.routes.common import READ_ERRORS, OrgId, documented, json_response
from handlers.wiring import services
from ledger.domain.org import org_uuid
from ledger.domain.periods import month_key
from ledger.validation import MONTH_PATTERN, check_month
from projections.usage import usage_for

router = APIGatewayRouter()


class MonthlyUsage(BaseModel):
    org_id: str
    month: str
    plan: str | None
    limit: int
    used: int
    remaining: int
    top_up_credits: int
    by_user: dict[str, int]


@router.get("/orgs/<org_id>/usage", responses=documented({200: "the month's usage"}, *READ_ERRORS))
def get_usage(
    org_id: OrgId,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")] = None,
) -> Response[MonthlyUsage]:
    if month is not None:
        check_month("month", month)
    ledger = services().ledger
    now = ledger.clock()
    balances = services().projections.balances(str(org_uuid(org_id)))
    if not balances:
        ledger.history(org_id, limit=1)  # no events at all: 404 NOT_FOUND
    usage = usage_for(org_id, balances, month or month_key(now), now)
    return json_response(MonthlyUsage(**asdict(usage)))
