"""Charging, refunding and topping up: each idempotent, each answers 201 then 200 on a repeat."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit

from handlers import metric_names
from handlers.actor import current_actor
from handlers.errors import STATUS, Answered, Statuses, read_json
from handlers.models import Consumption, Refund, TopUp
from handlers.observability import metrics
from handlers.routes.common import (
    COMMAND_ERRORS,
    EnquiryId,
    OrgId,
    command_response,
    documented,
)
from handlers.schemas import ConsumeBody, RefundBody, TopUpBody
from handlers.wiring import services
from ledger.domain.errors import InvalidInput, NoRunningPlan

router = APIGatewayRouter()
TOP_UP_STATUS: Statuses = [(NoRunningPlan, 409), *STATUS]
NO_REASON = RefundBody()


@router.post(
    "/orgs/<org_id>/enquiries",
    operation_id="consumeCredit",
    tags=["Credit"],
    summary="Charge one credit for a report",
    description=(
        "Charges one credit to the org and to the user, or refuses (402) with the reason. "
        "An enquiry id is charged at most once per org: a repeat answers 200 with the "
        "first answer and `Idempotent-Replayed: true`, and charges nothing. A refused "
        "request is not remembered and may be tried again."
    ),
    responses=documented(
        {201: "charged", 200: "a repeat: the first answer, nothing charged"},
        402,
        *COMMAND_ERRORS,
        replayed=200,
    ),
)
def consume_credit(org_id: OrgId, body: ConsumeBody) -> Response[Consumption]:
    result = services().ledger.consume_credit(
        org_id, user_id=body.user_id, enquiry_id=body.enquiry_id
    )
    if not result.replayed:
        metrics.add_metric(name=metric_names.CREDITS_CONSUMED, unit=MetricUnit.Count, value=1)
    return command_response(result, Consumption)


def _object_or_nothing(app: Any, next_middleware: NextMiddleware) -> Response[Any]:
    """An optional body is an object or nothing; anything else (`null` too) is refused."""
    raw = app.current_event.body
    if raw and not isinstance(read_json(raw), dict):
        raise InvalidInput("body: must be an object with an optional reason")
    return next_middleware(app)


@router.post(
    "/orgs/<org_id>/enquiries/<enquiry_id>/refund",
    middlewares=[_object_or_nothing],
    operation_id="refundCredit",
    tags=["Credit"],
    summary="Give back the credit of a report that failed",
    description=(
        "Gives the enquiry's credit back to the org and to its user, if the period it was "
        "charged in still runs (409 `PERIOD_CLOSED` after). One refund per enquiry: a "
        "repeat answers 200 with the first answer and `Idempotent-Replayed: true`. A "
        "refunded enquiry is never charged again (409 `ENQUIRY_REFUNDED`); an enquiry the "
        "org never charged is 404. The body, with a `reason`, is optional."
    ),
    responses=documented(
        {201: "refunded", 200: "a repeat: the first answer, nothing given back"},
        404,
        *COMMAND_ERRORS,
        replayed=200,
    ),
)
def refund_credit(
    org_id: OrgId,
    enquiry_id: EnquiryId,
    # An optional object (not "object or null"): generated clients may leave it out.
    body: Annotated[RefundBody, Body()] = NO_REASON,
) -> Response[Refund]:
    reason = body.reason
    ledger = services().ledger
    result = ledger.refund_credit(org_id, enquiry_id, actor=current_actor(), reason=reason)
    return command_response(result, Refund)


@router.post(
    "/orgs/<org_id>/top-ups",
    operation_id="topUp",
    tags=["Credit"],
    summary="Grant top-up credits",
    description=(
        "Adds credits to an org with a paid plan or a running trial; they expire at the "
        "end of the month (or of the trial). With a `top_up_id`, a repeat answers 200 "
        "with the first answer and `Idempotent-Replayed: true`, and adds nothing."
    ),
    responses=documented(
        {201: "granted", 200: "a repeat: the first answer, nothing added"},
        *COMMAND_ERRORS,
        replayed=200,
    ),
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
    return command_response(result, TopUp)
