"""The Lambda code shared by the three functions, and how each function is made."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks import packaging
from stacks.nag import acknowledge
from stacks.settings import LOG_LEVEL, METRICS_NAMESPACE, SERVICE

LIVE = "live"  # the alias every caller invokes; CodeDeploy shifts it between versions
RUNTIME = lambda_.Runtime(f"python{packaging.LAMBDA.python}", lambda_.RuntimeFamily.PYTHON)
ARCHITECTURE = lambda_.Architecture.ARM_64


class LedgerCode(Construct):
    """The project's packages as the function code, its requirements as a layer."""

    def __init__(self, scope: Construct, construct_id: str, *, bytecode: bool = True) -> None:
        super().__init__(scope, construct_id)
        # Precompiled for the runtime's Python: a cold start then only loads bytecode.
        code = packaging.build_code(bytecode=bytecode)
        layer = packaging.build_layer(bytecode=bytecode)
        self.code = lambda_.Code.from_asset(str(code.path), asset_hash=code.key)
        self.layer = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(str(layer.path), asset_hash=layer.key),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Runtime requirements of the credit ledger",
        )


def observability_env() -> dict[str, str]:
    return {
        "POWERTOOLS_SERVICE_NAME": SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        "LOG_LEVEL": LOG_LEVEL,
    }


@dataclass(frozen=True)
class LedgerFunction:
    """A function and its `live` alias: grants go to the function's role, every
    caller (API, stream, rule, schedule) invokes the alias."""

    function: lambda_.Function
    alias: lambda_.Alias


def ledger_function(
    scope: Construct,
    construct_id: str,
    *,
    code: LedgerCode,
    handler: str,
    description: str,
    environment: dict[str, str],
    timeout: Duration,
    concurrency: int,
    memory_size: int = 512,
) -> LedgerFunction:
    """A function with its own log group, a role that may only write to it, a
    reserved share of the account's concurrency (so a flood on one function
    cannot starve the others, nor run past what the tables are sized for),
    and a `live` alias on its current version.

    Grants on tables, streams, buses and queues are added by the caller, so each
    role ends up with what its function needs and nothing else.
    """
    log_group = logs.LogGroup(
        scope,
        f"{construct_id}Logs",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.DESTROY,
    )
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"Runs the {description}",
    )
    log_group.grant_write(role)
    acknowledge(
        role,
        "IAM5[Resource::*]",
        "Only actions that take no resource ARN are granted on '*': X-Ray's "
        "PutTraceSegments and PutTelemetryRecords (tracing), and DynamoDB's ListStreams "
        "(the projector's stream event source). tests/infra checks that nothing else is.",
    )
    function = lambda_.Function(
        scope,
        construct_id,
        runtime=RUNTIME,
        architecture=ARCHITECTURE,
        handler=handler,
        code=code.code,
        layers=[code.layer],
        role=role,
        log_group=log_group,
        tracing=lambda_.Tracing.ACTIVE,
        timeout=timeout,
        memory_size=memory_size,
        reserved_concurrent_executions=concurrency,
        description=description,
        environment={**observability_env(), **environment},
    )
    acknowledge(
        function,
        "L1",
        f"Python {packaging.LAMBDA.python} on purpose: the dependency layer's binary wheels "
        "are built for this version; stacks/settings.py moves both together.",
    )
    alias = lambda_.Alias(
        scope, f"{construct_id}Live", alias_name=LIVE, version=function.current_version
    )
    return LedgerFunction(function, alias)
