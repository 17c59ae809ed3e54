"""Request bodies of the REST API; validation errors name the field."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ledger.validation import ID_PATTERN, MAX_NOTE, MAX_REASON, MAX_TOP_UP, MAX_USER_LIMIT

Identifier = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=128)]
PlanName = Literal["Ultimate", "Enterprise", "Basic", "Lite", "Trial"]
# Why a person made the change; recorded with it (who made it is never a body field).
Reason = Annotated[str, Field(max_length=MAX_REASON)] | None


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetPlanBody(_Body):
    plan: PlanName
    reason: Reason = None


class SetUserLimitBody(_Body):
    limit: Annotated[StrictInt, Field(ge=0, le=MAX_USER_LIMIT)] | None = Field(
        description=f"reports each user may use per period, 0 to {MAX_USER_LIMIT}; null: no limit"
    )
    reason: Reason = None


class ConsumeBody(_Body):
    enquiry_id: Identifier
    user_id: Identifier


class TopUpBody(_Body):
    credits: Annotated[StrictInt, Field(ge=1, le=MAX_TOP_UP)]
    top_up_id: Identifier | None = None
    note: Annotated[str, Field(max_length=MAX_NOTE)] | None = None
    reason: Reason = None
