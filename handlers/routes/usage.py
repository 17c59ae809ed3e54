"""A month's projected usage of an org (may lag the events by moments)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from handlers.routes.common import OrgId, json_response
from handlers.wiring import get_ledger, get_projection_store
from ledger.domain.org import org_uuid
from ledger.domain.periods import month_key
from projections.usage import usage_for

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

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


@router.get("/orgs/<org_id>/usage")
def get_usage(
    org_id: OrgId,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")] = None,
) -> Response[MonthlyUsage]:
    ledger = get_ledger()
    now = ledger.clock()
    balances = get_projection_store().balances(str(org_uuid(org_id)))
    if not balances:
        ledger.history(org_id, limit=1)  # no events at all: 404 NOT_FOUND
    usage = usage_for(org_id, balances, month or month_key(now), now)
    return json_response(MonthlyUsage(**asdict(usage)))
