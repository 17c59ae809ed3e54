"""A caller's program, written against a client generated from /openapi.json.

tests/http/test_generated_client.py type-checks it with `mypy --strict` (so every
answer and every error must be a typed model) and runs it against `ledger serve`:
`python client_flow.py BASE_URL`. It imports nothing from the ledger. (The generator
names a field `credits_` where the body says `credits`: `credits` is a builtin.)
"""

from __future__ import annotations

import sys
import time
import uuid

from credit_ledger_client import Client
from credit_ledger_client.api.credit import consume_credit, refund_credit, top_up
from credit_ledger_client.api.history import get_events
from credit_ledger_client.api.orgs import get_org, set_plan, set_user_limit
from credit_ledger_client.api.service import get_health
from credit_ledger_client.api.usage import get_usage
from credit_ledger_client.models import (
    Conflict,
    ConflictDetailCode,
    ConsumeBody,
    Consumption,
    CreditConsumed,
    CreditConsumedDataPaidBy,
    CreditRefunded,
    CreditRefundedDataReturned,
    Health,
    HistoryPage,
    MonthlyUsage,
    NotFound,
    OrgStatus,
    PlanSet,
    Refund,
    RefundBody,
    Refusal,
    RefusalDetailCode,
    SetPlanBody,
    SetPlanBodyPlan,
    SetUserLimitBody,
    TopUp,
    TopUpBody,
    TopUpGranted,
    ValidationFailed,
)


def charge(client: Client, org: str, enquiry: str, user: str) -> Consumption:
    answer = consume_credit.sync(
        org, client=client, body=ConsumeBody(enquiry_id=enquiry, user_id=user)
    )
    assert isinstance(answer, Consumption), answer
    return answer


def run(base: str) -> None:
    org = f"client-{uuid.uuid4().hex[:8]}"
    with Client(base_url=base, raise_on_unexpected_status=True) as client:
        health = get_health.sync(client=client)
        assert isinstance(health, Health) and health.status == "ok"

        missing = get_org.sync(org, client=client)
        assert isinstance(missing, NotFound) and missing.error.code == "NOT_FOUND"

        refused = consume_credit.sync(
            org, client=client, body=ConsumeBody(enquiry_id="e-0", user_id="u-1")
        )
        assert isinstance(refused, Refusal) and refused.error.code is RefusalDetailCode.NO_PLAN

        status = set_plan.sync(org, client=client, body=SetPlanBody(plan=SetPlanBodyPlan.LITE))
        assert isinstance(status, OrgStatus) and (status.plan, status.limit) == ("Lite", 20)
        status = set_user_limit.sync(org, client=client, body=SetUserLimitBody(limit=2))
        assert isinstance(status, OrgStatus) and status.user_limit == 2

        first = charge(client, org, "e-1", "u-1")
        assert (first.remaining, first.user_remaining) == (19, 1)
        body = ConsumeBody(enquiry_id="e-1", user_id="u-1")
        again = consume_credit.sync_detailed(org, client=client, body=body)
        assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
        assert again.parsed == first

        other_user = consume_credit.sync(
            org, client=client, body=ConsumeBody(enquiry_id="e-1", user_id="u-2")
        )
        assert isinstance(other_user, Conflict)
        assert other_user.error.code is ConflictDetailCode.ENQUIRY_CONFLICT

        charge(client, org, "e-2", "u-1")
        capped = consume_credit.sync(
            org, client=client, body=ConsumeBody(enquiry_id="e-3", user_id="u-1")
        )
        assert (
            isinstance(capped, Refusal)
            and capped.error.code is RefusalDetailCode.USER_LIMIT_REACHED
        )
        assert (capped.error.limit, capped.error.used, capped.error.remaining) == (2, 2, 0)
        assert capped.error.resets_at is not None and capped.error.resets_at.day == 1

        # The report of e-2 failed: its credit comes back, once.
        why = RefundBody(reason="the report failed")
        refund = refund_credit.sync(org, "e-2", client=client, body=why)
        assert isinstance(refund, Refund) and (refund.remaining, refund.user_remaining) == (19, 1)
        repeat = refund_credit.sync_detailed(org, "e-2", client=client)  # the body is optional
        assert repeat.status_code == 200 and repeat.headers["Idempotent-Replayed"] == "true"
        recharge = consume_credit.sync(
            org, client=client, body=ConsumeBody(enquiry_id="e-2", user_id="u-1")
        )
        assert isinstance(recharge, Conflict)
        assert recharge.error.code is ConflictDetailCode.ENQUIRY_REFUNDED
        unknown = refund_credit.sync(org, "e-404", client=client, body=RefundBody())
        assert isinstance(unknown, NotFound)
        charge(client, org, "e-3", "u-1")

        bad = top_up.sync(org, client=client, body=TopUpBody(credits_=0))
        assert isinstance(bad, ValidationFailed) and "credits" in bad.error.message
        granted = top_up.sync(org, client=client, body=TopUpBody(credits_=5, top_up_id="t-1"))
        assert isinstance(granted, TopUp) and (granted.limit, granted.remaining) == (25, 23)

        now = get_org.sync(org, client=client)
        assert isinstance(now, OrgStatus) and (now.used, now.remaining) == (2, 23)

        page = get_events.sync(org, client=client, after=0, limit=100)
        assert isinstance(page, HistoryPage) and page.next_after is None
        plans = [event.data.plan for event in page.events if isinstance(event, PlanSet)]
        charged = [event.data for event in page.events if isinstance(event, CreditConsumed)]
        grants = [event.data.credits_ for event in page.events if isinstance(event, TopUpGranted)]
        refunds = [event.data for event in page.events if isinstance(event, CreditRefunded)]
        assert plans == ["Lite"] and grants == [5]
        assert [(c.enquiry_id, c.paid_by) for c in charged] == [
            ("e-1", CreditConsumedDataPaidBy.PLAN),
            ("e-2", CreditConsumedDataPaidBy.PLAN),
            ("e-3", CreditConsumedDataPaidBy.PLAN),
        ]
        assert [(r.enquiry_id, r.returned, r.reason) for r in refunds] == [
            ("e-2", CreditRefundedDataReturned.PLAN, "the report failed")
        ]

        usage = get_usage.sync(org, client=client)
        for _ in range(400):  # the projection may lag the events by moments
            if isinstance(usage, MonthlyUsage) and usage.used == 2:
                break
            time.sleep(0.05)
            usage = get_usage.sync(org, client=client)
        assert isinstance(usage, MonthlyUsage) and usage.by_user["u-1"] == 2


if __name__ == "__main__":
    run(sys.argv[1])
    print("ok")
