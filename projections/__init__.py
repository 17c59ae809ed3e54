"""Monthly balances and the alert policy, as pure functions over the ledger's events."""
