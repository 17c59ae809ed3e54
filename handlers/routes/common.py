"""Helpers shared by the route modules: the org id, the documented answers, JSON bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from ledger.domain import errors
from ledger.validation import ID_PATTERN


def _id_path(what: str, example: str) -> Any:
    return Path(
        pattern=ID_PATTERN,
        min_length=1,
        max_length=128,
        description=f"the {what}",
        examples=[example],
    )


OrgId = Annotated[str, _id_path("org", "acme")]
EnquiryId = Annotated[str, _id_path("enquiry", "e-1")]


def _codes(*kinds: type[errors.LedgerError]) -> tuple[str, ...]:
    """Every code the domain raises under kinds of error, so a new error is documented."""
    found, pending = set(), list(kinds)
    while pending:
        cls = pending.pop()
        found.add(cls.code)
        pending.extend(cls.__subclasses__())
    return tuple(sorted(found - {errors.LedgerError.code}))


def _error_model(name: str, codes: tuple[str, ...], message: str, **extra: Any) -> type[BaseModel]:
    """`{"error": {"code", "message"}}` with the codes of one status as an enum, and
    any `extra` fields as (type, FieldInfo) with an example each."""
    code: Any = Literal[codes]
    examples = {field: info.examples[0] for field, (_, info) in extra.items()}
    example: Any = {"error": {"code": codes[0], "message": message, **examples}}
    detail = create_model(f"{name}Detail", code=(code, ...), message=(str, ...), **extra)
    config = ConfigDict(json_schema_extra={"examples": [example]})
    return create_model(name, __config__=config, error=(detail, ...))


_OF_WHOM = "the org's {} in the period (the user's, for USER_LIMIT_REACHED)"
# One error model per status; the codes of 402 and 409 come from the domain's errors.
_ERRORS: dict[int, tuple[str, type[BaseModel]]] = {
    400: (
        "the body is not JSON or not UTF-8",
        _error_model("BadRequest", ("BAD_REQUEST",), "the body is not valid JSON"),
    ),
    402: (
        "the credit is refused; the code says why, the numbers when credit comes back",
        _error_model(
            "Refusal",
            _codes(errors.CreditRefused),
            "the org has no credits left this month",
            limit=(int, Field(description=_OF_WHOM.format("limit"), examples=[100])),
            used=(int, Field(description=_OF_WHOM.format("use"), examples=[100])),
            remaining=(int, Field(description=_OF_WHOM.format("remainder"), examples=[0])),
            resets_at=(
                datetime | None,
                Field(
                    description="when the period ends and credit comes back; `null` where "
                    "no period will: no plan, a trial used up or over",
                    examples=["2026-12-01T00:00:00Z"],
                ),
            ),
        ),
    ),
    404: (
        "the org has no history, or (a refund) never charged the enquiry",
        _error_model("NotFound", ("NOT_FOUND",), "org acme has no history"),
    ),
    409: (
        "the command conflicts with the org's state; the code says how",
        # A top-up without a running plan is answered 409 (handlers.routes.credits).
        _error_model(
            "Conflict",
            _codes(errors.Conflict, errors.NoRunningPlan),
            "e-1 was charged to another user",
        ),
    ),
    413: (
        "the body is over 16 KiB",
        _error_model("PayloadTooLarge", ("PAYLOAD_TOO_LARGE",), "the body is too large"),
    ),
    422: (
        "a body, path or query value fails validation; the message names the field",
        _error_model("ValidationFailed", ("VALIDATION_ERROR",), "credits: must be at least 1"),
    ),
    503: (
        "the store is busy (optimistic-concurrency retries ran out); try again after Retry-After",
        _error_model("Busy", ("BUSY",), "the store is busy; try again"),
    ),
}
COMMAND_ERRORS = (400, 409, 413, 422, 503)
READ_ERRORS = (404, 422)

REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "description": "`true`: a repeat of a request already answered; the first answer",
        "required": True,
        "schema": {"type": "string", "enum": ["true"]},
    }
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


def documented(
    success: dict[int, str], *errors: int, replayed: int | None = None
) -> dict[int, OpenAPIResponse]:
    """The OpenAPI responses of a route: its successes (the return type), the status
    that answers a repeat (`Idempotent-Replayed`), and its error bodies."""
    found: dict[int, OpenAPIResponse] = {}
    for status, description in success.items():
        found[status] = {"description": description}
        if status == replayed:
            found[status]["headers"] = REPLAYED_HEADER  # type: ignore[typeddict-item]
    for status in errors:
        description, model = _ERRORS[status]
        found[status] = {
            "description": description,
            "content": {"application/json": {"model": model}},
        }
        if status == 503:
            found[status]["headers"] = RETRY_AFTER_HEADER  # type: ignore[typeddict-item]
    return found


def json_response(model: BaseModel, status: int = 200, replayed: bool = False) -> Response[Any]:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump(mode="json"),
        headers=headers,
    )


def command_response(answer: Any, body: type[BaseModel]) -> Response[Any]:
    """A command's answer as its documented body: 201 the first time, 200 with
    `Idempotent-Replayed` for a repeat."""
    replayed = bool(answer.replayed)
    return json_response(body.model_validate(answer), 200 if replayed else 201, replayed)
