"""The credit ledger: plans, trials, per-user limits, top-ups, as events."""

from typing import TYPE_CHECKING, Any

from ledger.application import CreditLedger
from ledger.domain.errors import LedgerError

if TYPE_CHECKING:
    from ledger.models import Consumption, History, OrgStatus, Refund, TopUp

__all__ = [
    "Consumption",
    "CreditLedger",
    "History",
    "LedgerError",
    "OrgStatus",
    "Refund",
    "TopUp",
]
_ANSWERS = {"Consumption", "History", "OrgStatus", "Refund", "TopUp"}


def __getattr__(name: str) -> Any:
    """The answers (pydantic models) load when first asked for: the stream
    projector imports the ledger to read events and never builds one."""
    if name in _ANSWERS:
        from ledger import models

        return getattr(models, name)
    raise AttributeError(f"module 'ledger' has no attribute {name!r}")
