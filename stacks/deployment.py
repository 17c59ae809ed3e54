"""Canary deployments: each function's `live` alias moves to a new version 10%
first, then all of it after five minutes, and back at once if an alarm fires."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from stacks.nag import acknowledge

CANARY = codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES


class CanaryDeployments(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        aliases: dict[str, lambda_.Alias],
        alarms: dict[str, list[cw.IAlarm]],
    ) -> None:
        super().__init__(scope, construct_id)
        self.application = codedeploy.LambdaApplication(self, "Application")
        self.groups = {
            name: self._group(name, alias, alarms.get(name, [])) for name, alias in aliases.items()
        }

    def _group(
        self, name: str, alias: lambda_.Alias, alarms: list[cw.IAlarm]
    ) -> codedeploy.LambdaDeploymentGroup:
        if not alarms:
            raise ValueError(f"a canary of {name} needs at least one alarm to roll back on")
        group = codedeploy.LambdaDeploymentGroup(
            self,
            name,
            application=self.application,
            alias=alias,
            deployment_config=CANARY,
            alarms=alarms,
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True, deployment_in_alarm=True
            ),
        )
        acknowledge(
            group.role,
            "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]",
            "CodeDeploy's own role for Lambda canaries: the AWS managed policy scoped to "
            "shifting aliases and reading alarms is what CodeDeploy documents.",
        )
        return group
