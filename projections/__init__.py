"""Monthly balances and alerts, folded from the ledger's events (pure, no I/O)."""
