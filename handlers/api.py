"""The REST API: the same routes, served by API Gateway and by `ledger serve` alike."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from eventsourcing.persistence import OperationalError

from handlers import deadlines, errors, metric_names
from handlers.actor import with_actor
from handlers.observability import logger, metrics, tracer
from handlers.openapi import Health, allowed_methods, document, published
from handlers.paths import decoded_path
from handlers.query_params import refuse_undefined
from handlers.resolver import RequestScopedResolver
from handlers.routes import credits, cross_org, orgs, usage
from handlers.routes.common import documented, json_response
from ledger import deadline
from ledger.domain.errors import Busy, InvalidInput, LedgerError


def create_app(swagger: bool = False, console: bool = False) -> APIGatewayRestResolver:
    """A resolver with every route and error mapping.

    The Swagger UI page is for `ledger serve`: enabling it imports the OpenAPI
    models (about a third of `import boto3`) at every Lambda cold start, while
    /openapi.json builds them only when asked. The console pages are for `ledger
    serve` and `ledger console` too: the stack routes none of them to the function.
    """
    app = RequestScopedResolver(enable_validation=True, json_body_deserializer=errors.read_json)
    for router in (orgs.router, credits.router, usage.router, cross_org.router):
        app.include_router(router)
    if console:
        app.include_router(_console_router())
    app.use([refuse_undefined, with_actor])
    if swagger:
        app.enable_swagger(path="/swagger", **document())
    _add_service_routes(app)
    _add_error_handlers(app)
    return app


def create_console_app() -> APIGatewayRestResolver:
    """The console's pages and GET /orgs alone: what `ledger console` serves. No
    route of it writes."""
    app = RequestScopedResolver(enable_validation=True, json_body_deserializer=errors.read_json)
    for router in (cross_org.router, _console_router()):
        app.include_router(router)
    app.use([refuse_undefined])
    _add_error_handlers(app)
    return app


def _console_router() -> APIGatewayRouter:
    from handlers.routes import console

    return console.router


def _add_service_routes(app: APIGatewayRestResolver) -> None:
    @app.get(
        "/health",
        operation_id="getHealth",
        tags=["Service"],
        summary="Whether the API answers",
        description="Always `ok` while the API runs; reads nothing.",
        responses=documented({200: "the API answers"}, 422),
    )
    def health() -> Response[Health]:
        return json_response(Health(status="ok"))

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> Response[Any]:
        body = published(app.get_openapi_json_schema(**document()))
        return Response(status_code=200, content_type="application/json", body=body)


def _add_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(LedgerError)
    def on_ledger_error(error: LedgerError) -> Response[Any]:
        if errors.status_of(error) == errors.REFUSED:
            metrics.add_metric(name=metric_names.CREDITS_REFUSED, unit=MetricUnit.Count, value=1)
        return errors.ledger_error_response(error)

    @app.exception_handler(errors.Answered)
    def on_answered(answered: errors.Answered) -> Response[Any]:
        return errors.ledger_error_response(answered.error, answered.statuses)

    @app.exception_handler(RequestValidationError)
    def on_validation_error(error: RequestValidationError) -> Response[Any]:
        return errors.validation_error_response(error)

    @app.not_found
    def on_not_found(_: NotFoundError) -> Response[Any]:
        event = app.current_event
        allowed = allowed_methods(app, event.path)
        if allowed:
            message = f"{event.path} takes {', '.join(allowed)}, not {event.http_method}"
            return errors.error_response(
                405, "METHOD_NOT_ALLOWED", message, Allow=", ".join(allowed)
            )
        return errors.error_response(404, "NOT_FOUND", "no such route")

    @app.exception_handler(OperationalError)
    def on_store_busy(error: OperationalError) -> Response[Any]:
        # A read the store could not serve now (throttled, say): worth trying again.
        logger.warning("the store could not serve the request", exc_info=True)
        return errors.ledger_error_response(Busy("the store is busy; try again"))

    @app.exception_handler(Exception)
    def on_unexpected(error: Exception) -> Response[Any]:
        logger.exception("unexpected failure")
        return errors.error_response(500, "INTERNAL", "an unexpected error occurred")


app = create_app()


def resolve(
    event: dict[str, Any], context: Any, resolver: APIGatewayRestResolver | None = None
) -> dict[str, Any]:
    """Refuses oversized bodies before anything parses them, and paths with a
    segment that is not an id (see handlers.paths), then routes."""
    body = event.get("body") or ""
    if len(body.encode() if isinstance(body, str) else body) > errors.MAX_BODY_BYTES:
        message = f"the body is larger than {errors.MAX_BODY_BYTES} bytes"
        return _refused(413, "PAYLOAD_TOO_LARGE", message)
    try:
        event["path"] = decoded_path(event.get("path") or "/")
    except InvalidInput as error:
        return _refused(422, error.code, error.message)
    # One deadline for everything this request waits on: locks, attempts, retries.
    with deadline.within(deadlines.request_seconds(context), deadlines.store_call_limit()):
        return (resolver or app).resolve(_as_json(event), context)


def _refused(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "body": errors.error_body(code, message),
        "isBase64Encoded": False,
    }


def _as_json(event: dict[str, Any]) -> dict[str, Any]:
    """Bodies are JSON whatever Content-Type says (curl -d sends a form type)."""
    for key in ("headers", "multiValueHeaders"):
        headers = {k: v for k, v in (event.get(key) or {}).items() if k.lower() != "content-type"}
        headers["content-type"] = (
            ["application/json"] if key == "multiValueHeaders" else "application/json"
        )
        event[key] = headers
    return event


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(event, context)
