"""One mapping from failures to the error body {"error": {"code", "message"}}."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from ledger.domain import errors

MAX_BODY_BYTES = 16 * 1024

# The status of each kind of error; a route may answer some differently
# (a top-up without a running plan is a 409, where a consume is refused, 402).
Statuses = list[tuple[type[errors.LedgerError], int]]
STATUS: Statuses = [
    (errors.CreditRefused, 402),
    (errors.Conflict, 409),
    (errors.InvalidInput, 422),
    (errors.OrgNotFound, 404),
    (errors.Busy, 503),
]
REFUSED = 402


def read_json(body: str) -> Any:
    """json.loads, failing only with JSONDecodeError, which the resolver answers 400.

    JSON nested past the recursion limit or with an integer over Python's digit
    limit raises RecursionError or ValueError instead, which would be a 500.
    """
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        raise
    except (RecursionError, ValueError) as error:
        raise json.JSONDecodeError(f"unreadable JSON ({error})", body, 0) from None


def error_body(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message}})


def error_response(status: int, code: str, message: str, **headers: str) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=error_body(code, message),
        headers=headers or None,
    )


class Answered(Exception):
    """A ledger error that a route answers with a status of its own choosing."""

    def __init__(self, error: errors.LedgerError, statuses: Statuses) -> None:
        super().__init__(error.message)
        self.error = error
        self.statuses = statuses


def status_of(error: errors.LedgerError, statuses: Statuses = STATUS) -> int:
    return next((s for kind, s in statuses if isinstance(error, kind)), 400)


def ledger_error_response(error: errors.LedgerError, statuses: Statuses = STATUS) -> Response[Any]:
    status = status_of(error, statuses)
    headers = {"Retry-After": "1"} if status == 503 else {}
    return error_response(status, error.code, error.message, **headers)


def validation_error_response(error: RequestValidationError) -> Response[Any]:
    problems = error.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return error_response(400, "BAD_REQUEST", "the body is not valid JSON")
    return error_response(422, "VALIDATION_ERROR", describe(problems))


def describe(problems: Any) -> str:
    parts = []
    for problem in list(problems)[:5]:
        location = [str(part) for part in problem.get("loc", ()) if part != "body"]
        field = ".".join(location) or "body"
        parts.append(f"{field}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts)
