"""The HTTP bodies of the ledger's answers, documented for the OpenAPI document.

Each is read from the ledger's answer of the same name (ledger.answers), field by
field; a test keeps the two field lists the same. The history's body is in
handlers.history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TrialStatus(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    started_at: datetime
    ends_at: datetime
    credits: int = Field(
        description="the trial's own credits (10); its top-ups are in top_up_credits and limit"
    )
    used: int = Field(description="every report of the trial, whichever kind of credit paid")
    remaining: int


def _example(**body: Any) -> ConfigDict:
    return ConfigDict(from_attributes=True, frozen=True, json_schema_extra={"examples": [body]})


class OrgStatus(BaseModel):
    model_config = _example(
        org_id="acme",
        plan="Basic",
        month="2026-11",
        allowance=100,
        top_up_credits=25,
        limit=125,
        used=3,
        remaining=122,
        user_limit=50,
        trial=None,
    )

    org_id: str
    plan: str | None
    month: str
    allowance: int
    top_up_credits: int
    limit: int
    used: int
    remaining: int
    user_limit: int | None
    trial: TrialStatus | None


class Consumption(BaseModel):
    model_config = _example(
        org_id="acme",
        user_id="u-1",
        enquiry_id="e-1",
        consumed_at="2026-11-05T09:30:00Z",
        remaining=122,
        user_remaining=48,
    )

    org_id: str
    user_id: str
    enquiry_id: str
    consumed_at: datetime
    remaining: int
    user_remaining: int | None


class TopUp(BaseModel):
    model_config = _example(
        org_id="acme",
        top_up_id="t-1",
        credits=25,
        expires_at="2026-12-01T00:00:00Z",
        limit=125,
        remaining=122,
    )

    org_id: str
    top_up_id: str
    credits: int
    expires_at: datetime
    limit: int
    remaining: int


class Refund(BaseModel):
    model_config = _example(
        org_id="acme",
        enquiry_id="e-1",
        user_id="u-1",
        refunded_at="2026-11-05T09:45:00Z",
        remaining=123,
        user_remaining=49,
    )

    org_id: str
    enquiry_id: str
    user_id: str
    refunded_at: datetime
    remaining: int
    user_remaining: int | None
