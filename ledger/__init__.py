"""The credit ledger: plans, trials, per-user limits, top-ups, as events."""

from ledger.answers import Consumption, History, HistoryEvent, OrgStatus, Refund, TopUp, TrialStatus
from ledger.application import CreditLedger
from ledger.domain.errors import LedgerError

__all__ = [
    "Consumption",
    "CreditLedger",
    "History",
    "HistoryEvent",
    "LedgerError",
    "OrgStatus",
    "Refund",
    "TopUp",
    "TrialStatus",
]
