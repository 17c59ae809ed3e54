"""The REST API: IAM-signed requests, checked bodies, throttled, access-logged."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from adapters.projection_rows import INDEX as ORGS_INDEX
from stacks.api_models import add_models
from stacks.event_store import EventStore, grant_on
from stacks.functions import LedgerCode, ledger_function
from stacks.gateway_responses import add_error_responses
from stacks.nag import acknowledge

STAGE = "v1"
TIMEOUT_SECONDS = 10  # the function's; a request's deadline is set under it
# One JSON object per request; path and latencies answer "which calls were slow".
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "caller": "$context.identity.caller",
    "user": "$context.identity.user",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationStatus": "$context.integration.status",
    "errorMessage": "$context.error.message",
}
RATE_LIMIT = 100  # requests per second, steady, for the whole stage
BURST_LIMIT = 200


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    model: str | None = None  # the request body model (stacks/api_models.py)


ROUTES = (
    Route("PUT", "/orgs/{org_id}/plan", "SetPlan"),
    Route("PUT", "/orgs/{org_id}/user-limit", "SetUserLimit"),
    Route("POST", "/orgs/{org_id}/enquiries", "ConsumeCredit"),
    Route("POST", "/orgs/{org_id}/top-ups", "TopUp"),
    Route("GET", "/orgs"),
    Route("GET", "/orgs/{org_id}"),
    Route("GET", "/orgs/{org_id}/usage"),
    Route("GET", "/orgs/{org_id}/events"),
    Route("GET", "/orgs/{org_id}/digest"),
    Route("GET", "/health"),
    Route("GET", "/openapi.json"),
)


class LedgerApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: LedgerCode,
        store: EventStore,
        concurrency: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function = ledger_function(
            self,
            "Function",
            code=code,
            handler="handlers.api.handler",
            description="credit ledger API",
            environment=store.environment(),
            timeout=Duration.seconds(TIMEOUT_SECONDS),
            concurrency=concurrency,
            memory_size=1024,  # more memory is more CPU: a shorter cold start
        )
        role = self.function.function
        # Append-only: a save is a conditional PutItem (a transaction is authorised
        # as its puts), a read one Query; nothing updates, deletes or scans.
        grant_on(store.events, role, "dynamodb:PutItem", "dynamodb:Query")
        # GET /orgs/{org_id}/usage reads items of the table; GET /orgs queries its
        # cross-org index (never the pending one).
        grant_on(store.projections, role, "dynamodb:GetItem", "dynamodb:Query")
        grant_on(store.projections, role, "dynamodb:Query", index=ORGS_INDEX)
        self.rest_api = self._rest_api()
        self._add_routes()
        add_error_responses(self.rest_api)

    def _rest_api(self) -> apigw.RestApi:
        # Kept when the stack goes: who called what is needed after a teardown too.
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=RemovalPolicy.RETAIN,
        )
        api = apigw.RestApi(
            self,
            "Api",
            # The API's metrics carry its name: one no other API in the account has.
            rest_api_name=f"{Stack.of(self).stack_name}-api",
            description="Credit ledger",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=False,
            default_method_options=apigw.MethodOptions(
                authorization_type=apigw.AuthorizationType.IAM
            ),
            deploy_options=apigw.StageOptions(
                stage_name=STAGE,
                throttling_rate_limit=RATE_LIMIT,
                throttling_burst_limit=BURST_LIMIT,
                tracing_enabled=True,
                metrics_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
            ),
        )
        acknowledge(
            api.deployment_stage,
            "APIG3",
            "Every method needs a SigV4 signature from an IAM principal of this account; "
            "a WAF web ACL is worth adding when the API is opened to the internet.",
        )
        acknowledge(
            api.deployment_stage,
            "APIG6",
            "Execution logging needs the account-wide API Gateway CloudWatch role, which "
            "this stack does not own; access logs, X-Ray and the function's logs cover it.",
        )
        return api

    def _add_routes(self) -> None:
        api = self.rest_api
        integration = self._integration()
        validator = api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        models = add_models(api)
        resources: dict[str, apigw.IResource] = {"/": api.root}
        for route in ROUTES:
            resources.update(_with_parents(api.root, route.path))
            body = {"application/json": models[route.model]} if route.model else None
            api.root.resource_for_path(route.path).add_method(
                route.method, integration, request_validator=validator, request_models=body
            )
        # Any other method or path reaches the function too, which answers 404 or
        # 405 in the API's error body (API Gateway alone would answer 403).
        for node in resources.values():
            node.add_method("ANY", integration)
        api.root.add_proxy(default_integration=integration, any_method=True)
        for method in api.methods:
            acknowledge(method, "COG4", "Callers sign requests with IAM (SigV4), not Cognito.")

    def _integration(self) -> apigw.Integration:
        """A proxy integration to the live alias, with one invoke permission for
        this API's own stage (LambdaIntegration would allow any stage)."""
        alias = self.function.alias
        stack = Stack.of(self)
        uri = (
            f"arn:{stack.partition}:apigateway:{stack.region}:lambda:path/2015-03-31/functions/"
            f"{alias.function_arn}/invocations"
        )
        alias.add_permission(
            "ApiInvoke",
            principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
            source_arn=self.rest_api.arn_for_execute_api(method="*", path="/*", stage=STAGE),
        )
        return apigw.Integration(
            type=apigw.IntegrationType.AWS_PROXY, integration_http_method="POST", uri=uri
        )


def _with_parents(root: apigw.IResource, path: str) -> dict[str, apigw.IResource]:
    """The resource of a path and those of each of its prefixes, by path."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return {"/" + prefix: root.resource_for_path(prefix) for prefix in prefixes}
