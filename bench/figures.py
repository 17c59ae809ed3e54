"""A figure: a measured value, its same-run baseline, their ratio and the target."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

N = TypeVar("N", int, float)
# A smoke run (BENCH_QUICK=1): every benchmark once, at a few commands a side.
# It checks that the benchmarks still run; its figures mean nothing.
QUICK = os.environ.get("BENCH_QUICK") == "1"


def size(full: N, quick: N) -> N:
    return quick if QUICK else full


@dataclass
class Figure:
    name: str
    value: float | None = None
    baseline: float | None = None
    ratio: float | None = None  # value / baseline unless given (e.g. a median of ratios)
    unit: str = ""
    baseline_unit: str = ""
    target: str = ""  # ">= 0.5", "<= 2", or "" when only reported
    extra: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if self.ratio is None and self.value is not None and self.baseline:
            self.ratio = self.value / self.baseline

    @property
    def verdict(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "n/a"
        if not self.target:
            return "reported"
        if QUICK:
            return "smoke run"  # too few rounds to judge
        op, bound = self.target.split()
        ok = ratio >= float(bound) if op == ">=" else ratio <= float(bound)
        return "ok" if ok else "MISSED"

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def interleaved(
    rounds: int, measure: Callable[[], float], baseline: Callable[[], float]
) -> tuple[float, float, float]:
    """Medians of value, baseline and per-round ratio, alternating the two each round.

    Alternating keeps both sides under the same background load, which on a
    shared machine moves by more than the effects being measured.
    """
    values, bases, ratios = [], [], []
    for _ in range(rounds):
        value, base = measure(), baseline()
        values.append(value)
        bases.append(base)
        ratios.append(value / base)
    return statistics.median(values), statistics.median(bases), statistics.median(ratios)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
