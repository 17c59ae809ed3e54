"""Names and numbers the whole deployment shares."""

from __future__ import annotations

from handlers import metric_names
from handlers.metric_names import SERVICE as SERVICE  # the functions' service name

# The Lambda runtime; the dependency layer is built for the same version.
LAMBDA_PYTHON = "3.13"
LAMBDA_PLATFORM = "manylinux2014_aarch64"  # arm64 (Graviton) functions

STACK_NAME = "CreditLedger"
LOG_LEVEL = "INFO"

# Powertools metrics the handlers emit, and the alarms and dashboard read.
METRICS_NAMESPACE = metric_names.NAMESPACE
METRIC_CREDITS_CONSUMED = metric_names.CREDITS_CONSUMED
METRIC_CREDITS_REFUSED = metric_names.CREDITS_REFUSED
METRIC_ALERTS_PUBLISHED = metric_names.ALERTS_PUBLISHED
METRIC_PROJECTIONS_TOO_LARGE = metric_names.PROJECTIONS_TOO_LARGE
METRIC_ALERTS_LEFT_PENDING = metric_names.ALERTS_LEFT_PENDING

# Packages that run in Lambda (not stacks/, tests/ or the local server).
RUNTIME_PACKAGES = ("ledger", "projections", "handlers", "adapters")
