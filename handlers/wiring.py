"""Builds the ledger once per process; the local server may hand in its own."""

from __future__ import annotations

from ledger import CreditLedger

_ledger: CreditLedger | None = None


def get_ledger() -> CreditLedger:
    global _ledger
    if _ledger is None:
        _ledger = CreditLedger()  # persistence chosen by environment
    return _ledger


def use_ledger(ledger: CreditLedger | None) -> None:
    global _ledger
    _ledger = ledger
