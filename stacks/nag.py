"""cdk-nag acknowledgements: every one names its rule and says why."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one AwsSolutions finding (e.g. "IAM5[Resource::*]") on a construct."""
    # "AwsSolutions::" tells CDK the finding comes from the AwsSolutions plugin.
    rule_id = f"AwsSolutions::AwsSolutions-{rule}"
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))
