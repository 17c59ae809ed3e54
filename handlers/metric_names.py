"""The metrics the handlers emit, by name: the stacks' alarms and dashboard read
the same names from here, so a rename cannot leave an alarm watching nothing."""

SERVICE = "credit-ledger"
NAMESPACE = "CreditLedger"
CREDITS_CONSUMED = "CreditsConsumed"
CREDITS_REFUSED = "CreditsRefused"
ALERTS_PUBLISHED = "AlertsPublished"
# The projector's failures it does not raise (raising would stall the stream).
PROJECTIONS_TOO_LARGE = "ProjectionsTooLarge"
ALERTS_LEFT_PENDING = "OrgsWithAlertsLeftPending"
