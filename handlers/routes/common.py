"""Helpers shared by the route modules."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from ledger.validation import ID_PATTERN

OrgId = Annotated[str, Path(pattern=ID_PATTERN, min_length=1, max_length=128)]

_ERRORS = {
    400: "the body is not JSON or not UTF-8 (BAD_REQUEST)",
    402: "the credit is refused",
    404: "the org has no history (NOT_FOUND)",
    409: "the command conflicts with the org's state",
    413: "the body is over 16 KiB (PAYLOAD_TOO_LARGE)",
    422: "a body, path or query value fails validation (VALIDATION_ERROR)",
    503: "optimistic-concurrency retries ran out (BUSY); see Retry-After",
}
COMMAND_ERRORS = (400, 409, 413, 422, 503)
READ_ERRORS = (404, 422)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


def documented(success: dict[int, str], *errors: int) -> dict[int, OpenAPIResponse]:
    """The OpenAPI responses of a route: its successes (the return type) and its error bodies."""
    found: dict[int, OpenAPIResponse] = {s: {"description": d} for s, d in success.items()}
    for status in errors:
        found[status] = {
            "description": _ERRORS[status],
            "content": {"application/json": {"model": ErrorBody}},
        }
    return found


def json_response(model: BaseModel, status: int = 200, replayed: bool = False) -> Response[Any]:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump(mode="json"),
        headers=headers,
    )
