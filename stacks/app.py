"""The CDK app: `cdk synth` / `cdk deploy` run `python3 -m stacks.app` (see cdk.json).

Its settings are cdk.json's context (stacks/config.py): `alarm_email` (required),
`alert_webhook_parameter`, `reserved_concurrency`, `tags`. The account and region
are the CLI's (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION: your profile's).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from stacks.config import BadSetting, DeployConfig
from stacks.ledger_stack import LedgerStack
from stacks.lockfile import StaleLock
from stacks.packaging import NoCompiler
from stacks.settings import STACK_NAME


def build_app(outdir: str | None = None, context: dict[str, Any] | None = None) -> cdk.App:
    """The app with its one stack; cdk-nag's AwsSolutions checks fail synth on a finding.

    Raises BadSetting (before any construct is made) on a missing or bad setting."""
    app = cdk.App(outdir=outdir, context=context)
    config = DeployConfig.from_context(app.node.try_get_context)
    stack = LedgerStack(
        app,
        STACK_NAME,
        config=config,
        env=cdk.Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT"),
            region=os.environ.get("CDK_DEFAULT_REGION"),
        ),
    )
    for name, value in {"service": STACK_NAME, **config.tags}.items():
        cdk.Tags.of(stack).add(name, value)
    add_checks(app)
    return app


def add_checks(app: cdk.App) -> None:
    """cdk-nag's AwsSolutions checks: any finding not acknowledged with a reason,
    of error or warning level alike, fails synth."""
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))


def main() -> None:
    try:
        app = build_app()
    except BadSetting as error:
        sys.exit(f"cdk.json: {error}")
    except (NoCompiler, StaleLock) as error:
        sys.exit(f"Lambda assets: {error}")
    app.synth()


if __name__ == "__main__":
    main()
