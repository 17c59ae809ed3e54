"""The CDK app: `cdk synth` / `cdk deploy` run `python3 -m stacks.app` (see cdk.json).

Context values (cdk deploy -c name=value): `alert_webhook_url` for the notifier,
`alarm_email` to subscribe an address to the alarm topic.
"""

from __future__ import annotations

import os
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from stacks.ledger_stack import LedgerStack
from stacks.settings import STACK_NAME


def build_app(outdir: str | None = None, context: dict[str, Any] | None = None) -> cdk.App:
    """The app with its one stack; cdk-nag's AwsSolutions checks fail synth on a finding."""
    app = cdk.App(outdir=outdir, context=context)
    LedgerStack(
        app,
        STACK_NAME,
        alert_webhook_url=app.node.try_get_context("alert_webhook_url"),
        alarm_email=app.node.try_get_context("alarm_email"),
        env=cdk.Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT"),
            region=os.environ.get("CDK_DEFAULT_REGION"),
        ),
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app


def main() -> None:
    build_app().synth()


if __name__ == "__main__":
    main()
