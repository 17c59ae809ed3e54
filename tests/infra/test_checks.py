"""The synthesized app passes cdk-nag's AwsSolutions checks and cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.infra.synth import Synth

# Each acknowledged finding, with where it is acknowledged. A new one must be
# added here on purpose, with its reason in the stack.
ACKNOWLEDGED = {
    "AwsSolutions-APIG3",  # stacks/api.py: IAM-signed API, no WAF yet
    "AwsSolutions-APIG6",  # stacks/api.py: execution logging needs an account-wide role
    "AwsSolutions-COG4",  # stacks/api.py: IAM authorisation, not Cognito
    "AwsSolutions-IAM5[Resource::*]",  # stacks/functions.py: X-Ray, ListStreams
    "AwsSolutions-L1",  # stacks/functions.py: the layer is built for this runtime
    "AwsSolutions-S1",  # stacks/digests.py: one writer, whose own logs say what it wrote
    # stacks/digests.py: the digest writer adds objects under digests/, one key a day
    "AwsSolutions-IAM5[Resource::<DigestsBucket7909429A.Arn>/digests/*]",
    "AwsSolutions-SQS3",  # stacks/queues.py: dead-letter queues need no dead-letter queue
    # stacks/deployment.py: CodeDeploy's documented managed policy for Lambda canaries
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSCodeDeployRoleForLambdaLimited]",
}


def test_synth_succeeds_with_no_unacknowledged_nag_finding(synth: Synth) -> None:
    nag = [r for r in synth.report["pluginReports"] if r["pluginName"] == "AwsSolutions"]
    assert nag, "cdk-nag did not run"
    findings = [
        (v["ruleName"], [c["constructPath"] for c in v["violatingConstructs"]])
        for v in nag[0].get("violations", [])
    ]
    assert findings == []
    assert nag[0]["conclusion"] == "success"
    assert synth.error is None


def test_every_acknowledgement_has_a_reason(synth: Synth) -> None:
    acknowledged: dict[str, list[str]] = {}
    for entries in synth.metadata.values():
        for entry in entries:
            if entry["type"] == "aws:cdk:acknowledged-rules":
                for rule, reason in entry["data"].items():
                    acknowledged.setdefault(rule.split("::", 1)[1], []).append(reason)
    assert set(acknowledged) == ACKNOWLEDGED
    for rule, reasons in acknowledged.items():
        assert all(len(reason.split()) >= 8 for reason in reasons), rule


def test_cfn_lint_finds_nothing(synth: Synth) -> None:
    from cfnlint.api import ManualArgs, lint

    template = json.dumps(synth.template)
    # W3005: CDK adds a DependsOn on each function's role that Fn::GetAtt already implies.
    config = ManualArgs(regions=["us-east-1", "eu-west-1"], ignore_checks=["W3005"])
    matches = lint(template, config=config)
    assert [str(match) for match in matches] == []


def test_synth_time_is_reported(synth: Synth) -> None:
    print(f"synth took {synth.seconds:.1f} s")
    assert synth.seconds > 0


def test_a_warning_level_finding_fails_synth_too(tmp_path: Path) -> None:
    """A table without point-in-time recovery is only a warning (AwsSolutions-DDB3)."""
    import aws_cdk as cdk
    from aws_cdk import aws_dynamodb as dynamodb

    from stacks.app import add_checks

    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Warned")
    partition_key = dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
    dynamodb.Table(stack, "Table", partition_key=partition_key)
    add_checks(app)
    with pytest.raises(Exception, match="ValidationFailed: WARNING"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    (nag,) = [r for r in report["pluginReports"] if r["pluginName"] == "AwsSolutions"]
    findings = {v["ruleName"]: v.get("severity") for v in nag["violations"]}
    assert findings == {"AwsSolutions-DDB3": "warning"}
