"""The alert policy's settings, read from the environment and checked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

THRESHOLD_ENV = "LEDGER_NEAR_LIMIT_THRESHOLD"
FORECAST_FLOOR_ENV = "LEDGER_FORECAST_FLOOR"
WINDOW_DAYS_ENV = "LEDGER_FORECAST_WINDOW_DAYS"
MIN_DAYS_ENV = "LEDGER_FORECAST_MIN_DAYS"
TRIAL_MIN_DAYS_ENV = "LEDGER_FORECAST_TRIAL_MIN_DAYS"
CONFIDENCE_ENV = "LEDGER_FORECAST_CONFIDENCE"


@dataclass(frozen=True)
class AlertSettings:
    threshold: Fraction = Fraction(4, 5)  # NearLimit when used >= 80% of the limit
    forecast_floor: Fraction = Fraction(1, 4)  # forecast rule only from 25% used
    window_days: int = 14  # the pace is the usage of this many recent days
    min_days: int = 5  # whole days of a month seen before its pace is trusted
    trial_min_days: int = 2  # the same for a trial
    confidence: float = 1.0  # standard deviations of doubt the forecast must clear

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
        return read(text)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _share(text: str) -> Fraction:
    value = Fraction(text)
    if not 0 < value <= 1:
        raise ValueError(f"must lie in (0, 1], got {text}")
    return value


def _days(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 31:
        raise ValueError(f"must be a whole number of days from 1 to 31, got {text}")
    return value


def _confidence(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 5:
        raise ValueError(f"must lie in [0, 5], got {text}")
    return value


_READERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "threshold": (THRESHOLD_ENV, _share),
    "forecast_floor": (FORECAST_FLOOR_ENV, _share),
    "window_days": (WINDOW_DAYS_ENV, _days),
    "min_days": (MIN_DAYS_ENV, _days),
    "trial_min_days": (TRIAL_MIN_DAYS_ENV, _days),
    "confidence": (CONFIDENCE_ENV, _confidence),
}
