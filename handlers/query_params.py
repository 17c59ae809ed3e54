"""Any query parameter a route does not define is refused (422), never ignored:
a mistyped `?at=` must not silently answer the current status."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from ledger.domain.errors import InvalidInput


def refuse_undefined(app: Any, next_middleware: NextMiddleware) -> Response[Any]:
    route = app.context.get("_route")
    defined = {param.alias for param in route.dependant.query_params} if route else set()
    event = app.current_event
    given = set(event.get("queryStringParameters") or {})
    given |= set(event.get("multiValueQueryStringParameters") or {})
    undefined = sorted(given - defined)
    if undefined:
        names = ", ".join(undefined)
        accepted = ", ".join(sorted(defined)) or "none"
        raise InvalidInput(
            f"query parameter(s) not defined for this route: {names} (accepted: {accepted})"
        )
    return next_middleware(app)
