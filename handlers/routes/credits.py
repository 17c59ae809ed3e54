"""Using a credit and topping up: both idempotent, both answer 201 then 200 on a repeat."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit

from handlers import metric_names
from handlers.actor import current_actor
from handlers.errors import STATUS, Answered, Statuses
from handlers.observability import metrics
from handlers.routes.common import COMMAND_ERRORS, OrgId, documented, json_response
from handlers.schemas import ConsumeBody, TopUpBody
from handlers.wiring import services
from ledger.domain.errors import NoRunningPlan
from ledger.models import Consumption, TopUp

router = APIGatewayRouter()
TOP_UP_STATUS: Statuses = [(NoRunningPlan, 409), *STATUS]


@router.post(
    "/orgs/<org_id>/enquiries",
    responses=documented({201: "charged", 200: "a repeat: the first answer"}, 402, *COMMAND_ERRORS),
)
def consume_credit(org_id: OrgId, body: ConsumeBody) -> Response[Consumption]:
    result = services().ledger.consume_credit(
        org_id, user_id=body.user_id, enquiry_id=body.enquiry_id
    )
    if not result.replayed:
        metrics.add_metric(name=metric_names.CREDITS_CONSUMED, unit=MetricUnit.Count, value=1)
    return json_response(result, status=200 if result.replayed else 201, replayed=result.replayed)


@router.post(
    "/orgs/<org_id>/top-ups",
    responses=documented({201: "granted", 200: "a repeat: the first answer"}, *COMMAND_ERRORS),
)
def top_up(org_id: OrgId, body: TopUpBody) -> Response[TopUp]:
    try:
        result = services().ledger.top_up(
            org_id,
            body.credits,
            top_up_id=body.top_up_id,
            note=body.note,
            actor=current_actor(),
            reason=body.reason,
        )
    except NoRunningPlan as error:  # nothing to top up: the command, not a credit, is refused
        raise Answered(error, TOP_UP_STATUS) from error
    return json_response(result, status=200 if result.replayed else 201, replayed=result.replayed)
