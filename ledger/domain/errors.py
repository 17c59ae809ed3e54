"""One error hierarchy; each error says what went wrong and carries a stable code.

Which HTTP status answers an error is the routes' business (handlers.errors).
"""

from __future__ import annotations


class LedgerError(Exception):
    code = "LEDGER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CreditRefused(LedgerError):
    """The org may not use a credit now."""


class NoRunningPlan(CreditRefused):
    """The org has no plan, or its trial is over: no credits to use or to top up."""


class NoPlan(NoRunningPlan):
    code = "NO_PLAN"


class TrialExpired(NoRunningPlan):
    code = "TRIAL_EXPIRED"


class TrialLimitReached(CreditRefused):
    code = "TRIAL_LIMIT_REACHED"


class OrgLimitReached(CreditRefused):
    code = "ORG_LIMIT_REACHED"


class UserLimitReached(CreditRefused):
    code = "USER_LIMIT_REACHED"


class Conflict(LedgerError):
    """The command contradicts the org's state, or an earlier command with the same id."""


class TrialNotAvailable(Conflict):
    code = "TRIAL_NOT_AVAILABLE"


class PlanClosed(Conflict):
    code = "PLAN_CLOSED"


class EnquiryConflict(Conflict):
    code = "ENQUIRY_CONFLICT"


class TopUpConflict(Conflict):
    code = "TOP_UP_CONFLICT"


class InvalidInput(LedgerError):
    """Input that fails validation."""

    code = "VALIDATION_ERROR"


class OrgNotFound(LedgerError):
    code = "NOT_FOUND"


class Busy(LedgerError):
    """The store or the org stayed busy through every retry: worth trying again."""

    code = "BUSY"
