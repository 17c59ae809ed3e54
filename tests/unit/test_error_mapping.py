"""Every domain error gets the status and code the interface documents."""

from __future__ import annotations

import json

import pytest

from handlers.errors import ledger_error_response
from handlers.routes.credits import TOP_UP_STATUS
from ledger.domain import errors

CASES = [
    (errors.NoPlan, 402, "NO_PLAN"),
    (errors.TrialExpired, 402, "TRIAL_EXPIRED"),
    (errors.TrialLimitReached, 402, "TRIAL_LIMIT_REACHED"),
    (errors.OrgLimitReached, 402, "ORG_LIMIT_REACHED"),
    (errors.UserLimitReached, 402, "USER_LIMIT_REACHED"),
    (errors.TrialNotAvailable, 409, "TRIAL_NOT_AVAILABLE"),
    (errors.PlanClosed, 409, "PLAN_CLOSED"),
    (errors.EnquiryConflict, 409, "ENQUIRY_CONFLICT"),
    (errors.TopUpConflict, 409, "TOP_UP_CONFLICT"),
    (errors.InvalidInput, 422, "VALIDATION_ERROR"),
    (errors.OrgNotFound, 404, "NOT_FOUND"),
    (errors.Busy, 503, "BUSY"),
]


@pytest.mark.parametrize(("kind", "status", "code"), CASES)
def test_status_and_code(kind: type[errors.LedgerError], status: int, code: str) -> None:
    response = ledger_error_response(kind("why"))
    assert response.status_code == status
    assert json.loads(response.body) == {"error": {"code": code, "message": "why"}}
    assert ("Retry-After" in (response.headers or {})) == (status == 503)


@pytest.mark.parametrize(
    ("kind", "code"), [(errors.NoPlan, "NO_PLAN"), (errors.TrialExpired, "TRIAL_EXPIRED")]
)
def test_a_top_up_without_a_running_plan_is_a_conflict(
    kind: type[errors.LedgerError], code: str
) -> None:
    response = ledger_error_response(kind("why"), TOP_UP_STATUS)
    assert response.status_code == 409
    assert json.loads(response.body) == {"error": {"code": code, "message": "why"}}
