"""The alert policy's settings, read from the environment and checked."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

WINDOW_DAYS_ENV = "LEDGER_FORECAST_WINDOW_DAYS"
MIN_DAYS_ENV = "LEDGER_FORECAST_MIN_DAYS"
TRIAL_MIN_DAYS_ENV = "LEDGER_FORECAST_TRIAL_MIN_DAYS"
CONFIDENCE_ENV = "LEDGER_FORECAST_CONFIDENCE"
TRIAL_CONFIDENCE_ENV = "LEDGER_FORECAST_TRIAL_CONFIDENCE"
RUNWAY_DAYS_ENV = "LEDGER_FORECAST_RUNWAY_DAYS"
TRIAL_RUNWAY_DAYS_ENV = "LEDGER_FORECAST_TRIAL_RUNWAY_DAYS"
EARLIER_DAYS_ENV = "LEDGER_FORECAST_EARLIER_DAYS"


@dataclass(frozen=True)
class AlertSettings:
    # Defaults tuned on the backtest (docs/ALERTS.md).
    window_days: int = 14  # the pace: the mean of this many recent whole days
    min_days: int = 4  # whole days of a month seen before its forecast is trusted
    trial_min_days: int = 3  # the same for a trial
    confidence: float = 0.7  # standard deviations of doubt the forecast must clear
    trial_confidence: float = 0.25  # the same for a trial
    earlier_days: int = 7  # last month's pace weighs as this many days of this one's
    runway_days: float = 3.0  # NearLimit also when the pace uses the rest this soon
    trial_runway_days: float = 1.5  # the same for a trial

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AlertSettings:
        """Reads each setting named in `env`; a missing one keeps its default.
        A bad value raises ValueError naming the setting."""
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            name, read = _READERS[f.name]
            text = env.get(name)
            values[f.name] = getattr(defaults, f.name) if not text else _read(name, text, read)
        return cls(**values)


def _read(name: str, text: str, read: Callable[[str], Any]) -> Any:
    try:
        return read(text.strip())
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _whole(low: int, high: int) -> Callable[[str], int]:
    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1  # not a whole number: said below, with the range
        if not low <= value <= high:
            raise ValueError(f"must be a whole number of days from {low} to {high}, got {text!r}")
        return value

    return read


def _number(low: float, high: float, unit: str) -> Callable[[str], float]:
    def read(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan  # not a number: said below, with the range
        if not low <= value <= high:  # nan and inf too
            raise ValueError(f"must be a number{unit} from {low:g} to {high:g}, got {text!r}")
        return value

    return read


_days = _whole(1, 31)
_earlier = _whole(0, 31)
_confidence = _number(0, 5, " of standard deviations")
_runway = _number(0, 7, " of days")

_READERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "window_days": (WINDOW_DAYS_ENV, _days),
    "min_days": (MIN_DAYS_ENV, _days),
    "trial_min_days": (TRIAL_MIN_DAYS_ENV, _days),
    "confidence": (CONFIDENCE_ENV, _confidence),
    "trial_confidence": (TRIAL_CONFIDENCE_ENV, _confidence),
    "runway_days": (RUNWAY_DAYS_ENV, _runway),
    "trial_runway_days": (TRIAL_RUNWAY_DAYS_ENV, _runway),
    "earlier_days": (EARLIER_DAYS_ENV, _earlier),
}
