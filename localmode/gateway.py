"""What API Gateway and Lambda do around the handler, for `ledger serve`: a proxy
event per HTTP request, a resolver per request under way, metrics per invocation."""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from handlers.api import create_app, resolve
from handlers.observability import metrics

# A resolver keeps the request it is resolving (its route, arguments and, see
# handlers.resolver, its event), so each request borrows one of its own; they
# are reused, since building one takes about 1.5 ms. The ledger serialises
# commands per org itself.
_IDLE: queue.SimpleQueue[APIGatewayRestResolver] = queue.SimpleQueue()
_MAKE_APP: Callable[[], APIGatewayRestResolver] = lambda: create_app(swagger=True, console=True)  # noqa: E731
# One Metrics object serves the process: values are added and printed under one
# lock, or a value added while another request prints is lost.
_METRICS = threading.RLock()  # add_metric prints by itself every 100 values


def _serialised(add: Callable[..., None]) -> Callable[..., None]:
    def add_under_lock(*args: Any, **kwargs: Any) -> None:
        with _METRICS:
            add(*args, **kwargs)

    return add_under_lock


metrics.add_metric = _serialised(metrics.add_metric)  # type: ignore[method-assign]


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """Routes one request, then publishes its metrics as a Lambda invocation would."""
    try:
        app = _IDLE.get_nowait()
    except queue.Empty:
        app = _MAKE_APP()
    try:
        return resolve(event, None, app)
    finally:
        _IDLE.put(app)
        _publish_metrics()


def use_app(make: Callable[[], APIGatewayRestResolver]) -> None:
    """Serves another resolver (`ledger console`: the pages alone), before any request."""
    global _MAKE_APP
    _MAKE_APP = make


def _publish_metrics() -> None:
    with _METRICS:
        if metrics.metric_set:
            metrics.flush_metrics()  # prints nothing when metrics are disabled
            metrics.clear_metrics()


def proxy_event(
    method: str, target: str, headers: dict[str, str], body: str | None
) -> dict[str, Any]:
    """The API Gateway (REST, proxy) event for one HTTP request: the path as sent
    (percent-encoded; handlers.paths decodes it), the query decoded."""
    # Split by hand: urlsplit reads a path starting "//" as a host and drops it.
    path, _, query_text = target.split("#", 1)[0].partition("?")
    path = path or "/"
    query = parse_qs(query_text, keep_blank_values=True)
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": None,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {
            "requestId": uuid.uuid4().hex,
            "stage": "local",
            "path": path,
            "httpMethod": method,
            "resourcePath": path,
            # Locally, X-Actor stands in for the signed identity API Gateway gives.
            "identity": {"sourceIp": "127.0.0.1", "userArn": _header(headers, "x-actor")},
        },
    }


def flat_headers(result: dict[str, Any]) -> dict[str, str]:
    headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(v) for v in values)
    return headers


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)
