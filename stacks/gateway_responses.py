"""API Gateway's own answers, in the API's error body: {"error": {"code", "message"}}."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw

_JSON = "application/json"


def add_error_responses(api: apigw.RestApi) -> None:
    # A body that fails its model is a validation error, as the function would say.
    api.add_gateway_response(
        "BodyInvalid",
        type=apigw.ResponseType.BAD_REQUEST_BODY,
        status_code="422",
        templates={
            _JSON: '{"error": {"code": "VALIDATION_ERROR", '
            '"message": "$context.error.validationErrorString"}}'
        },
    )
    # Everything else keeps its status; the code is API Gateway's response type
    # (ACCESS_DENIED, MISSING_AUTHENTICATION_TOKEN, THROTTLED, ...).
    template = {
        _JSON: '{"error": {"code": "$context.error.responseType", '
        '"message": $context.error.messageString}}'
    }
    api.add_gateway_response("Default4xx", type=apigw.ResponseType.DEFAULT_4_XX, templates=template)
    api.add_gateway_response("Default5xx", type=apigw.ResponseType.DEFAULT_5_XX, templates=template)
