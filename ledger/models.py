"""The ledger's answers, as pydantic models (the same shapes as the HTTP bodies)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TrialStatus(BaseModel):
    started_at: datetime
    ends_at: datetime
    credits: int = Field(
        description="the trial's own credits (10); its top-ups are in top_up_credits and limit"
    )
    used: int = Field(description="every report of the trial, whichever kind of credit paid")
    remaining: int


def _example(frozen: bool = False, **body: Any) -> ConfigDict:
    return ConfigDict(frozen=frozen, json_schema_extra={"examples": [body]})


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
        frozen=True,
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
    replayed: bool = Field(default=False, exclude=True)


class TopUp(BaseModel):
    model_config = _example(
        frozen=True,
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
    replayed: bool = Field(default=False, exclude=True)


class Refund(BaseModel):
    model_config = _example(
        frozen=True,
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
    replayed: bool = Field(default=False, exclude=True)


class HistoryEvent(BaseModel):
    version: int
    type: str
    occurred_at: datetime
    data: dict[str, Any] = Field(
        description="the event's fields; a CreditConsumed's paid_by is plan while the"
        " plan-paid reports of its period are fewer than the allowance in force, else top_up"
    )
    hash: str = Field(description="the event's SHA-256 in the org's hash chain (see AUDIT.md)")


class History(BaseModel):
    org_id: str
    events: list[HistoryEvent]
    next_after: int | None
