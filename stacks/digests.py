"""The digest archive: every org's digest, written at least daily where no one can
change or delete it before its retention ends (S3 Object Lock, compliance mode).

Retention is the `digest_retention_days` context value (cdk.json). Compliance
mode binds the account's administrators and root user too: neither the
objects nor the bucket can be deleted while any object is retained.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from adapters.tables import EVENTS
from handlers.digest_keys import BUCKET_ENV, PREFIX
from stacks.event_store import EventStore, grant_on
from stacks.functions import LedgerCode, ledger_function
from stacks.nag import acknowledge

RETENTION_CONTEXT = "digest_retention_days"
DEFAULT_RETENTION_DAYS = 2557  # seven years


class DigestArchive(Construct):
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
        days = int(self.node.try_get_context(RETENTION_CONTEXT) or DEFAULT_RETENTION_DAYS)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.compliance(Duration.days(days)),
            versioned=True,  # Object Lock needs it
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.bucket,
            "S1",
            "The digest function is the only writer, one object a day, each logged by it; "
            "an access log bucket would hold less than the objects' own versions and dates.",
        )
        self.function = ledger_function(
            self,
            "Function",
            code=code,
            handler="handlers.digests.handler",
            description="credit ledger digest writer",
            environment={
                "PERSISTENCE_MODULE": "adapters.dynamodb",
                EVENTS.name_env: store.events.table_name,
                BUCKET_ENV: self.bucket.bucket_name,
            },
            timeout=Duration.minutes(15),
            concurrency=concurrency,  # one run a day: never two at once
        )
        function = self.function.function
        # Reads only: a scan for the org streams, a query for each org's events.
        grant_on(store.events, function, "dynamodb:Scan", "dynamodb:Query")
        # Writes new objects only; no delete, no change of retention.
        iam.Grant.add_to_principal(
            grantee=function,
            actions=["s3:PutObject"],
            resource_arns=[self.bucket.arn_for_objects(f"{PREFIX}*")],
        )
        assert function.role is not None
        bucket_id = Stack.of(self).get_logical_id(self.bucket.node.default_child)  # type: ignore[arg-type]
        acknowledge(
            function.role,
            f"IAM5[Resource::<{bucket_id}.Arn>/{PREFIX}*]",
            "Each run adds a new object under digests/ (its key is the date); PutObject only.",
        )
        self.schedule = self._schedule(self.function.alias)

    def _schedule(self, function: lambda_.IFunction) -> events.Rule:
        rule = events.Rule(
            self,
            "Daily",
            description="writes every org's digest to the digest archive",
            schedule=events.Schedule.cron(minute="5", hour="0"),
        )
        rule.add_target(targets.LambdaFunction(function, retry_attempts=2))
        return rule
