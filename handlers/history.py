"""The history as callers see it: one schema per event type, told apart by `type`.

The ledger's `History` carries each event's data as a plain mapping; this is the
documented shape the API checks every page against. Each data schema names what
the contract promises and allows more, so an event may carry more than it lists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Data(BaseModel):
    model_config = ConfigDict(extra="allow")


class OrgOpenedData(_Data):
    org_id: str


class PlanSetData(_Data):
    plan: str
    previous_plan: str | None = None
    trial_ends_at: datetime | None = Field(None, description="set when the plan starts a trial")


class UserLimitSetData(_Data):
    limit: int | None = Field(description="`null`: no per-user limit")


class CreditConsumedData(_Data):
    enquiry_id: str
    user_id: str
    paid_by: Literal["plan", "top_up"] = Field(
        description="which kind of credit paid: plan while the plan-paid reports of the period"
        " are fewer than the allowance in force, else top_up"
    )


class CreditRefundedData(_Data):
    enquiry_id: str
    user_id: str
    reason: str | None = None
    returned: Literal["plan", "top_up"] = Field(
        description="which kind of credit came back: the kind that paid for the report"
    )


class TopUpGrantedData(_Data):
    top_up_id: str
    credits: int
    expires_at: datetime
    note: str | None = None


class _Event(BaseModel):
    version: int = Field(description="the org's version after the event, from 1")
    occurred_at: datetime
    hash: str = Field(description="the event's SHA-256 in the org's hash chain (see AUDIT.md)")


class OrgOpened(_Event):
    type: Literal["OrgOpened"]
    data: OrgOpenedData


class PlanSet(_Event):
    type: Literal["PlanSet"]
    data: PlanSetData


class UserLimitSet(_Event):
    type: Literal["UserLimitSet"]
    data: UserLimitSetData


class CreditConsumed(_Event):
    type: Literal["CreditConsumed"]
    data: CreditConsumedData


class CreditRefunded(_Event):
    type: Literal["CreditRefunded"]
    data: CreditRefundedData


class TopUpGranted(_Event):
    type: Literal["TopUpGranted"]
    data: TopUpGrantedData


HistoryEvent = Annotated[
    OrgOpened | PlanSet | UserLimitSet | CreditConsumed | CreditRefunded | TopUpGranted,
    Field(discriminator="type"),
]


class HistoryPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "acme",
                    "events": [
                        {
                            "version": 2,
                            "type": "PlanSet",
                            "occurred_at": "2026-11-05T09:00:00Z",
                            "data": {"plan": "Basic", "previous_plan": None, "trial_ends_at": None},
                            "hash": "3a7bd3e2360a3d29eea436fcfb7e44c7"
                            "35d117c42d1c1835420b6b9942dd4f1b",
                        },
                        {
                            "version": 3,
                            "type": "CreditConsumed",
                            "occurred_at": "2026-11-05T09:30:00Z",
                            "data": {"enquiry_id": "e-1", "user_id": "u-1", "paid_by": "plan"},
                            "hash": "9f86d081884c7d659a2feaa0c55ad015"
                            "a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        },
                    ],
                    "next_after": None,
                }
            ]
        },
    )

    org_id: str
    events: list[HistoryEvent]
    next_after: int | None = Field(description="`after` for the next page; `null` on the last")
