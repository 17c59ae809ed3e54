"""Helpers shared by the route modules."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel

from ledger.validation import ID_PATTERN

OrgId = Annotated[str, Path(pattern=ID_PATTERN, min_length=1, max_length=128)]


def json_response(model: BaseModel, status: int = 200, replayed: bool = False) -> Response[Any]:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump(mode="json"),
        headers=headers,
    )
