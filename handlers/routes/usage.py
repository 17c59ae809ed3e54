"""A month's projected usage of an org (may lag the events by moments)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict

from handlers.routes.common import READ_ERRORS, OrgId, documented, json_response
from handlers.wiring import services
from ledger.domain.org import org_uuid
from ledger.domain.periods import month_key
from ledger.validation import MONTH_RANGE_PATTERN, check_month
from projections.usage import usage_for

router = APIGatewayRouter()


class MonthlyUsage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "acme",
                    "month": "2026-11",
                    "plan": "Basic",
                    "limit": 125,
                    "used": 3,
                    "remaining": 122,
                    "top_up_credits": 25,
                    "by_user": {"u-1": 2, "u-2": 1},
                }
            ]
        }
    )

    org_id: str
    month: str
    plan: str | None
    limit: int
    used: int
    remaining: int
    top_up_credits: int
    by_user: dict[str, int]


@router.get(
    "/orgs/<org_id>/usage",
    operation_id="getUsage",
    tags=["Usage"],
    summary="An org's usage in a month, by user",
    description=(
        "The monthly projection: may lag the events by moments. For a past month, the "
        "plan and limit as they stood at its end."
    ),
    responses=documented({200: "the month's usage"}, *READ_ERRORS),
)
def get_usage(
    org_id: OrgId,
    month: Annotated[
        str | None,
        Query(
            pattern=MONTH_RANGE_PATTERN,
            description="YYYY-MM, from 0001-02 to 9999-11 (default: the current month)",
            examples=["2026-11"],
        ),
    ] = None,
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
