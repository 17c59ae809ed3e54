"""One error hierarchy; each error says what went wrong and carries a stable code.

Which HTTP status answers an error is the routes' business (handlers.errors).
"""

from __future__ import annotations

from datetime import datetime


class LedgerError(Exception):
    code = "LEDGER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CreditRefused(LedgerError):
    """The org may not use a credit now. The numbers behind it say when credit comes
    back: the org's limit, use and remainder in the period (the user's, for
    USER_LIMIT_REACHED), and when the period ends (`resets_at`; None where no period
    brings credit back: no plan, a trial used up or over)."""

    def __init__(
        self,
        message: str,
        *,
        limit: int = 0,
        used: int = 0,
        remaining: int = 0,
        resets_at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.limit = limit
        self.used = used
        self.remaining = remaining
        self.resets_at = resets_at


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


class EnquiryRefunded(Conflict):
    """A refunded enquiry is finished: it is never charged again."""

    code = "ENQUIRY_REFUNDED"


class PeriodClosed(Conflict):
    """A refund after the period of the charge ended: those credits expired anyway."""

    code = "PERIOD_CLOSED"


class InvalidInput(LedgerError):
    """Input that fails validation."""

    code = "VALIDATION_ERROR"


class NotFound(LedgerError):
    """What the command names does not exist."""

    code = "NOT_FOUND"


class OrgNotFound(NotFound):
    """An org with no history."""


class EnquiryNotFound(NotFound):
    """An enquiry the org never charged."""


class Busy(LedgerError):
    """The store or the org stayed busy through every retry: worth trying again."""

    code = "BUSY"
