"""One error hierarchy; every refusal carries a stable code."""

from __future__ import annotations


class LedgerError(Exception):
    code = "LEDGER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CreditRefused(LedgerError):
    """A credit was refused (HTTP 402)."""


class NoPlan(CreditRefused):
    code = "NO_PLAN"


class TrialExpired(CreditRefused):
    code = "TRIAL_EXPIRED"


class TrialLimitReached(CreditRefused):
    code = "TRIAL_LIMIT_REACHED"


class OrgLimitReached(CreditRefused):
    code = "ORG_LIMIT_REACHED"


class UserLimitReached(CreditRefused):
    code = "USER_LIMIT_REACHED"


class Conflict(LedgerError):
    """A command conflicts with the org's state (HTTP 409)."""


class TrialNotAvailable(Conflict):
    code = "TRIAL_NOT_AVAILABLE"


class PlanClosed(Conflict):
    code = "PLAN_CLOSED"


class EnquiryConflict(Conflict):
    code = "ENQUIRY_CONFLICT"


class TopUpConflict(Conflict):
    code = "TOP_UP_CONFLICT"


class TopUpNoPlan(Conflict):
    code = "NO_PLAN"


class TopUpTrialExpired(Conflict):
    code = "TRIAL_EXPIRED"


class InvalidInput(LedgerError):
    """Input that fails validation (HTTP 422)."""

    code = "VALIDATION_ERROR"


class OrgNotFound(LedgerError):
    code = "NOT_FOUND"


class Busy(LedgerError):
    """Optimistic-concurrency retries ran out (HTTP 503)."""

    code = "BUSY"
