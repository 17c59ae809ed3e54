"""Request bodies of the REST API; validation errors name the field."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from ledger.validation import ID_PATTERN, MAX_NOTE, MAX_REASON, MAX_TOP_UP, MAX_USER_LIMIT

Identifier = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=128)]
PlanName = Literal["Ultimate", "Enterprise", "Basic", "Lite", "Trial"]
# Why a person made the change; recorded with it (who made it is never a body field).
Reason = Annotated[str, Field(max_length=MAX_REASON)] | None


def _integral(value: Any) -> Any:
    """5.0 is the integer 5, as JSON Schema has it; 5.5, "5" and true stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# The integral-float step comes after the bounds, or the schema loses them.
Integral = BeforeValidator(_integral)


def _example(**body: Any) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [body]})


class SetPlanBody(BaseModel):
    model_config = _example(plan="Basic")

    plan: PlanName
    reason: Reason = None


class SetUserLimitBody(BaseModel):
    model_config = _example(limit=50)

    limit: Annotated[StrictInt, Field(ge=0, le=MAX_USER_LIMIT), Integral] | None = Field(
        description=f"reports each user may use per period, 0 to {MAX_USER_LIMIT}; null: no limit"
    )
    reason: Reason = None


class ConsumeBody(BaseModel):
    model_config = _example(enquiry_id="e-1", user_id="u-1")

    enquiry_id: Identifier = Field(description="the report's id: charged at most once per org")
    user_id: Identifier


class TopUpBody(BaseModel):
    model_config = _example(credits=25, top_up_id="t-1", note="goodwill")

    credits: Annotated[StrictInt, Field(ge=1, le=MAX_TOP_UP), Integral]
    top_up_id: Identifier | None = Field(
        None, description="makes a repeat harmless; generated when absent"
    )
    note: Annotated[str, Field(max_length=MAX_NOTE)] | None = None
    reason: Reason = None


class RefundBody(BaseModel):
    model_config = _example(reason="the report failed to run")

    reason: Reason = Field(
        default=None, description="why the credit is given back, kept in the history"
    )
