"""Who asked: read once per request from the request context, for the routes.

On AWS the caller's IAM identity as API Gateway signed it (the user's or role's
ARN); only API Gateway writes the request context, so no header or body can
set it. `ledger serve` puts its `X-Actor` header there (localmode.gateway).
Kept per request (a context variable set by a middleware of the resolver that
is resolving it): a router's own `current_event` is that of the last resolver
that included it, another thread's request in `ledger serve`.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

_ACTOR: ContextVar[str | None] = ContextVar("actor", default=None)


def actor_of(event: Mapping[str, Any]) -> str | None:
    identity = (event.get("requestContext") or {}).get("identity") or {}
    found = identity.get("userArn") or identity.get("caller")
    return found if isinstance(found, str) and found else None


def current_actor() -> str | None:
    """The actor of the request being resolved on this thread."""
    return _ACTOR.get()


def with_actor(app: Any, next_middleware: NextMiddleware) -> Response[Any]:
    token = _ACTOR.set(actor_of(app.current_event.raw_event))
    try:
        return next_middleware(app)
    finally:
        _ACTOR.reset(token)
