"""Alerts: what they say, their stable ids, and the shape of their event detail."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Literal

Kind = Literal["NearLimit", "LimitReached"]
# `threshold`: raised by the first NearLimit rule (before 2026-12-02), kept for those.
Rule = Literal["threshold", "forecast", "runway", "exhausted"]

SOURCE = "credit-ledger"
NEAR_LIMIT: Kind = "NearLimit"
LIMIT_REACHED: Kind = "LimitReached"
KINDS: tuple[Kind, ...] = (NEAR_LIMIT, LIMIT_REACHED)
SCHEMA_VERSION = 1

_NAMESPACE = uuid.UUID("3f0b6e52-9d7c-4a8e-b1f4-2c6a9e0d5b17")


def alert_id(org_id: str, period: str, kind: str, limit: int | None = None) -> str:
    """The same id for every computation of the same alert, from what it is about.

    NearLimit is one per org and period; LimitReached one per org, period and limit.
    """
    parts = [org_id, period, kind] + ([str(limit)] if kind == LIMIT_REACHED else [])
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


@dataclass(frozen=True)
class Alert:
    kind: Kind
    org_id: str
    plan: str
    period: str  # "YYYY-MM" or TRIAL_PERIOD (ledger.domain.periods)
    limit: int
    used: int
    remaining: int
    occurred_at: datetime
    rule: Rule
    forecast_used: int
    # Why, for whoever calls the customer (added to schema version 1; alerts
    # written before them read back as None).
    pace_per_day: float | None = None
    run_out_at: datetime | None = None
    period_ends_at: datetime | None = None
    suggested_plan: str | None = None

    @property
    def alert_id(self) -> str:
        return alert_id(self.org_id, self.period, self.kind, self.limit)

    def detail(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "alert_id": self.alert_id,
            "org_id": self.org_id,
            "plan": self.plan,
            "period": self.period,
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "occurred_at": format_time(self.occurred_at),
            "rule": self.rule,
            "forecast_used": self.forecast_used,
            "pace_per_day": self.pace_per_day,
            "run_out_at": _time_text(self.run_out_at),
            "period_ends_at": _time_text(self.period_ends_at),
            "suggested_plan": self.suggested_plan,
        }

    def event(self) -> dict[str, Any]:
        """The alert as the bus carries it (and as the local sink writes it)."""
        return {"source": SOURCE, "detail-type": self.kind, "detail": self.detail()}

    def to_json(self) -> str:
        return json.dumps(self.event(), sort_keys=True)

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> Alert:
        detail = event["detail"]
        return cls(
            kind=event["detail-type"],
            org_id=detail["org_id"],
            plan=detail["plan"],
            period=detail["period"],
            limit=detail["limit"],
            used=detail["used"],
            remaining=detail["remaining"],
            occurred_at=parse_time(detail["occurred_at"]),
            rule=detail["rule"],
            forecast_used=detail["forecast_used"],
            pace_per_day=detail.get("pace_per_day"),
            run_out_at=_parsed(detail.get("run_out_at")),
            period_ends_at=_parsed(detail.get("period_ends_at")),
            suggested_plan=detail.get("suggested_plan"),
        )

    @classmethod
    def from_json(cls, text: str) -> Alert:
        return cls.from_event(json.loads(text))


def format_time(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat(timespec="microseconds")
    return text.replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _time_text(moment: datetime | None) -> str | None:
    return format_time(moment) if moment is not None else None


def _parsed(text: str | None) -> datetime | None:
    return parse_time(text) if text is not None else None


def detail_schema() -> dict[str, Any]:
    """The JSON Schema of an alert's detail, shipped with the package."""
    text = resources.files("projections").joinpath("alert.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema
