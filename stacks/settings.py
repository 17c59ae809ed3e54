"""Names and numbers the whole deployment shares."""

from __future__ import annotations

# The Lambda runtime; the dependency layer is built for the same version.
LAMBDA_PYTHON = "3.13"
LAMBDA_PLATFORM = "manylinux2014_aarch64"  # arm64 (Graviton) functions

SERVICE = "credit-ledger"
STACK_NAME = "CreditLedger"
LOG_LEVEL = "INFO"

# Powertools metrics the handlers emit, and the dashboard reads.
METRICS_NAMESPACE = "CreditLedger"
METRIC_CREDITS_CONSUMED = "CreditsConsumed"
METRIC_CREDITS_REFUSED = "CreditsRefused"
METRIC_ALERTS_PUBLISHED = "AlertsPublished"
# The projector's failures it does not raise (raising would stall the stream).
METRIC_PROJECTIONS_TOO_LARGE = "ProjectionsTooLarge"
METRIC_ALERTS_LEFT_PENDING = "OrgsWithAlertsLeftPending"

# Packages that run in Lambda (not stacks/, tests/ or the local server).
RUNTIME_PACKAGES = ("ledger", "projections", "handlers", "adapters")
