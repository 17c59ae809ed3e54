"""A REST resolver that keeps the request it is resolving on itself.

Powertools keeps the current event and Lambda context on a class shared by
every resolver (a Lambda process handles one event at a time). A server that
gives each thread its own resolver needs them per resolver too: otherwise one
thread's validation reads another thread's body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent


class RequestScopedResolver(APIGatewayRestResolver):
    _request_event: BaseProxyEvent
    _request_context: Any = None

    @property  # type: ignore[override]
    def current_event(self) -> BaseProxyEvent:
        return self._request_event

    @current_event.setter
    def current_event(self, value: BaseProxyEvent) -> None:
        self._request_event = value

    @property
    def lambda_context(self) -> Any:
        return self._request_context

    @lambda_context.setter
    def lambda_context(self, value: Any) -> None:
        self._request_context = value

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        self.current_event = self._to_proxy_event(dict(event))
        self.lambda_context = context
        return super().resolve(event, context)
