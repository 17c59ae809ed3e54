"""The cross-org view for customer success: every org's month, soonest to run out first."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict

from handlers.routes.common import documented, json_response
from handlers.schemas import PlanName
from handlers.wiring import services
from ledger.domain.periods import month_key
from ledger.validation import MONTH_RANGE_PATTERN, check_month
from projections.orgs import MAX_PAGE, OrgsPage, OrgsQuery, decode_cursor

router = APIGatewayRouter()

StateName = Literal["limit_reached", "near_limit", "ok", "all"]
SortName = Literal["run_out", "used_share", "org_id"]


class OrgRowBody(BaseModel):
    org_id: str
    plan: str
    month: str
    period: str
    limit: int
    used: int
    remaining: int
    used_share: float
    forecast_used: int
    pace_per_day: float
    run_out_at: str | None
    period_ends_at: str
    suggested_plan: str | None
    alerts: list[str]
    state: str
    as_of: str


class OrgsListing(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"orgs": [], "next_after": None}]})

    orgs: list[OrgRowBody]
    next_after: str | None


@router.get(
    "/orgs",
    operation_id="listOrgs",
    tags=["Orgs"],
    summary="The cross-org view: one month's orgs, soonest to run out first",
    description="For customer success, from the projection: filter by state and plan, page on.",
    responses=documented({200: "one page of the month's orgs"}, 422),
)
def list_orgs(
    month: Annotated[str | None, Query(pattern=MONTH_RANGE_PATTERN, description="YYYY-MM")] = None,
    state: Annotated[StateName, Query()] = "all",
    plan: Annotated[PlanName | None, Query()] = None,
    sort: Annotated[SortName, Query()] = "run_out",
    after: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response[OrgsListing]:
    query = orgs_query(month, state, plan, sort, after, limit)
    return json_response(listing(services().projections.list_orgs(query)))


def orgs_query(
    month: str | None,
    state: str = "all",
    plan: str | None = None,
    sort: SortName = "run_out",
    after: str | None = None,
    limit: int = 100,
) -> OrgsQuery:
    """The query, checked; the month defaults to the ledger clock's."""
    if month is not None:
        check_month("month", month)
    return OrgsQuery(
        month=month or month_key(services().ledger.clock()),
        state=state,
        plan=plan,
        sort=sort,
        after=decode_cursor(sort, after) if after is not None else None,
        limit=limit,
    )


def listing(page: OrgsPage) -> OrgsListing:
    orgs = [OrgRowBody(**row.to_dict()) for row in page.orgs]
    return OrgsListing(orgs=orgs, next_after=page.next_after)
