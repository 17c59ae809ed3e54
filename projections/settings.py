"""The alert policy's two numbers, as exact fractions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

THRESHOLD_ENV = "LEDGER_NEAR_LIMIT_THRESHOLD"
FORECAST_FLOOR_ENV = "LEDGER_FORECAST_FLOOR"


@dataclass(frozen=True)
class AlertSettings:
    threshold: Fraction = Fraction(4, 5)  # NearLimit when used >= 80% of the limit
    forecast_floor: Fraction = Fraction(1, 4)  # forecast rule only from 25% used

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AlertSettings:
        """Reads "0.8"-style fractions; a missing setting keeps its default."""
        defaults = cls()
        return cls(
            threshold=_fraction(env.get(THRESHOLD_ENV), defaults.threshold),
            forecast_floor=_fraction(env.get(FORECAST_FLOOR_ENV), defaults.forecast_floor),
        )


def _fraction(text: str | None, default: Fraction) -> Fraction:
    if not text:
        return default
    value = Fraction(text)
    if not 0 < value <= 1:
        raise ValueError(f"alert settings must lie in (0, 1], got {text}")
    return value
