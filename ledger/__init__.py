"""The credit ledger: plans, trials, per-user limits, top-ups, as events."""

from ledger.application import CreditLedger
from ledger.domain.errors import LedgerError
from ledger.models import Consumption, History, OrgStatus, TopUp

__all__ = ["Consumption", "CreditLedger", "History", "LedgerError", "OrgStatus", "TopUp"]
