"""The OpenAPI document as published at /openapi.json, and which methods a path takes."""

from __future__ import annotations

import json
from typing import Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from pydantic import BaseModel, ConfigDict

_TAGS = {
    "Orgs": "An org's plan, per-user limit and status.",
    "Credit": "Charging, refunding and topping up credits.",
    "Usage": "Monthly usage, from the projection.",
    "History": "The events themselves, for auditors.",
    "Service": "The API itself.",
}
_INFO: dict[str, Any] = {
    "title": "Credit ledger",
    "version": "1.1.0",
    "description": (
        "Report credits of monthly plans and trials, per-user limits and top-ups, kept as "
        'events. Every error has the body `{"error": {"code", "message"}}`, the codes '
        "of each status listed in its schema. Commands that may be repeated (charging, "
        "refunding, topping up with an id) answer a repeat with the first answer, status "
        "200 and `Idempotent-Replayed: true`."
    ),
}


def document() -> dict[str, Any]:
    """The document's title, description and tags. Built when asked: Powertools'
    OpenAPI models cost about a fifth of a Lambda cold start to import."""
    from aws_lambda_powertools.event_handler.openapi.models import Tag

    tags = [Tag(name=name, description=text) for name, text in _TAGS.items()]
    return {**_INFO, "tags": tags}


# Keywords whose value is a number; Powertools' document model turns integer bounds
# into floats (1000.0, 4.6e18), which a generated client then reads as floats.
_BOUNDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
# Powertools' own validation-error shapes, which no route sends (each route documents
# the 422 it sends instead: a query parameter it does not define, at least).
_UNSENT = ("HTTPValidationError", "ResponseValidationError", "ValidationError")


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


def published(document: str) -> str:
    found = json.loads(document)
    for name in _UNSENT:
        found["components"]["schemas"].pop(name, None)
    return json.dumps(_whole_bounds(found))


def _whole_bounds(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: int(value)
            if key in _BOUNDS and isinstance(value, float) and value.is_integer()
            else _whole_bounds(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_whole_bounds(item) for item in node]
    return node


def allowed_methods(app: APIGatewayRestResolver, path: str) -> list[str]:
    """The methods of the routes whose pattern matches the path (none: no such path)."""
    routes = app._static_routes + app._dynamic_routes
    return sorted({route.method for route in routes if route.rule.match(path)})
