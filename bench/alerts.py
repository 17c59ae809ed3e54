"""Backtest of the NearLimit rule: simulated months of usage, scored by what they predict.

Orgs and trials of several usage profiles (fixed seed) make real commands on an
in-memory `CreditLedger` whose clock the simulation moves; the real projector
then folds each org's events with the alert policy in force. A period *hits*
when it raises LimitReached (the ledger refused the demand beyond the limit).
Per profile and overall:

- precision: the share of NearLimits whose period then hits;
- recall: the share of hitting periods that got a NearLimit before LimitReached;
- lead: days from NearLimit to LimitReached (median and 10th percentile);
- false alerts per 100 periods that do not hit.

Run: `python -m bench alerts` (figures against the targets, on the tuning seed
and on a check seed the settings were not tuned on), or `python -m bench.alerts
[SEED]` for one seed's table alone.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import statistics
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.figures import QUICK, Figure, size
from ledger import CreditLedger
from ledger.domain import errors
from ledger.domain.org import org_uuid
from ledger.domain.periods import TRIAL_PERIOD
from ledger.domain.plans import CATALOGUE, TRIAL
from projections.alerts import LIMIT_REACHED, NEAR_LIMIT
from projections.projector import LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import MemoryProjectionStore

SEED = int(os.environ.get("BENCH_ALERTS_SEED", "20261202"))  # the settings were tuned on it
CHECK_SEED = int(os.environ.get("BENCH_ALERTS_CHECK_SEED", "7"))  # another population
ORGS_PER_PROFILE = size(48, 3)
TRIALS_PER_PROFILE = size(48, 4)
MONTHS = ("2026-11",) if QUICK else ("2026-09", "2026-10", "2026-11")
PLAN_MIX = (("Lite", 35), ("Basic", 40), ("Enterprise", 20), ("Ultimate", 5))
DAY = timedelta(days=1)
# (figure, attribute, target) for the two kinds of period.
TARGETS = {
    "monthly": (("precision", 0.9), ("recall", 0.95), ("lead_median", 5.0)),
    "trial": (("precision", 0.8), ("recall", 0.9)),
}


# --- demand ------------------------------------------------------------------

Rate = Callable[[int, datetime], float]  # (day index, day start) -> credits expected that day


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:  # Knuth's method underflows; the normal approximation is close here
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _daily_times(
    rng: random.Random, start: datetime, days: int, rate: Rate, noise: float = 0.35
) -> list[datetime]:
    """Uses at random moments of working hours (07:00-19:00 UTC), day by day.

    Each day's count is Poisson around the profile's rate times a gamma-distributed
    factor (mean 1, coefficient of variation `noise`): real teams vary day to day."""
    shape = 1 / noise**2
    times: list[datetime] = []
    for d in range(days):
        day = start + d * DAY
        mean = rate(d, day) * rng.gammavariate(shape, 1 / shape)
        first = day.replace(hour=7, minute=0, second=0, microsecond=0)
        if first < day:  # a trial's first day starts at its own moment
            first = day
        last = day.replace(hour=19, minute=0, second=0, microsecond=0)
        if last <= first:
            last = first + timedelta(hours=12)
        span = (last - first).total_seconds()
        times += sorted(
            first + timedelta(seconds=rng.random() * span) for _ in range(_poisson(rng, mean))
        )
    return times


def _weekday(day: datetime) -> bool:
    return day.weekday() < 5


def month_demand(profile: str, rng: random.Random, credits: int, days: int) -> Rate:
    """The day-by-day rate of one org's month; `share` is the month's demand / credits."""
    per_day = credits / days
    if profile == "steady":
        share = rng.uniform(0.4, 1.6)
        return lambda d, day: share * per_day
    if profile == "weekdays":
        share = rng.uniform(0.4, 1.6)
        return lambda d, day: share * per_day * 7 / 5 if _weekday(day) else 0.0
    if profile == "early burst":
        burst, rest = rng.uniform(0.15, 0.4), rng.uniform(0.2, 0.95)
        return lambda d, day: (burst * credits if d == 0 else 0.0) + rest * per_day
    if profile == "ramp":
        share = rng.uniform(0.5, 1.5)
        return lambda d, day: share * per_day * (0.2 + 1.6 * d / (days - 1))
    if profile == "late spike":
        base, spike = rng.uniform(0.4, 0.85), rng.uniform(0.1, 0.6)
        start, length = rng.randint(17, 26), rng.randint(1, 3)
        spiking = rng.random() < 0.7
        return lambda d, day: (
            base * per_day
            + (spike * credits / length if spiking and start <= d < start + length else 0.0)
        )
    raise ValueError(profile)


def _scaled(rate: Rate, factor: float) -> Rate:
    return lambda d, day: factor * rate(d, day)


def trial_times(profile: str, rng: random.Random, start: datetime) -> list[datetime]:
    days = 14
    if profile == "engaged":
        demand = rng.uniform(12, 30)

        def rate(d: int, day: datetime) -> float:
            return demand / 10 if _weekday(day) else 0.0

        return _daily_times(rng, start, days, rate, noise=0.5)
    if profile == "moderate":
        demand = rng.uniform(3, 12)
        return _daily_times(rng, start, days, lambda d, day: demand / days, noise=0.5)
    if profile == "three and leave":
        times = [start + timedelta(minutes=rng.uniform(1, 60)) for _ in range(3)]
        if rng.random() < 0.3:  # one more look a day or two later
            times.append(start + timedelta(hours=rng.uniform(20, 60)))
        return sorted(times)
    raise ValueError(profile)


MONTHLY_PROFILES = ("steady", "weekdays", "early burst", "ramp", "late spike")
TRIAL_PROFILES = ("engaged", "moderate", "three and leave")


@dataclass
class Org:
    org_id: str
    profile: str
    kind: str  # "monthly" or "trial"
    plan: str
    start: datetime
    times: list[datetime]


def _plan(rng: random.Random) -> str:
    return rng.choices([name for name, _ in PLAN_MIX], [weight for _, weight in PLAN_MIX])[0]


def population(seed: int = SEED) -> list[Org]:
    rng = random.Random(seed)
    orgs: list[Org] = []
    first = datetime.fromisoformat(f"{MONTHS[0]}-01T00:00:00+00:00")
    for profile in MONTHLY_PROFILES:
        for n in range(ORGS_PER_PROFILE):
            plan, habits = _plan(rng), rng.random()
            times: list[datetime] = []
            for month in MONTHS:
                start = datetime.fromisoformat(f"{month}-01T00:00:00+00:00")
                days = ((start + 32 * DAY).replace(day=1) - start).days
                # The org's habits hold from month to month; its volume moves by up to 15%.
                usual = month_demand(profile, random.Random(habits), CATALOGUE[plan].credits, days)
                factor = rng.uniform(0.85, 1.15)
                times += _daily_times(rng, start, days, _scaled(usual, factor))
            org_id = f"{profile.replace(' ', '-')}-{n}"
            orgs.append(Org(org_id, profile, "monthly", plan, first, times))
    span = (datetime.fromisoformat(f"{MONTHS[-1]}-01T00:00:00+00:00") - first).days + 14
    for profile in TRIAL_PROFILES:
        for n in range(TRIALS_PER_PROFILE):
            start = first + timedelta(seconds=rng.uniform(0, span * 86400))
            org_id = f"trial-{profile.replace(' ', '-')}-{n}"
            orgs.append(
                Org(org_id, profile, "trial", TRIAL, start, trial_times(profile, rng, start))
            )
    return orgs


# --- the run -----------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def simulate(orgs: list[Org]) -> CreditLedger:
    """Every org's commands on one in-memory ledger; refusals are part of the run."""
    clock = Clock()
    ledger = CreditLedger(env={}, clock=clock)
    for org in orgs:
        clock.now = org.start
        ledger.set_plan(org.org_id, org.plan)
        for n, moment in enumerate(org.times):
            clock.now = moment
            with contextlib.suppress(errors.CreditRefused):
                ledger.consume_credit(org.org_id, user_id=f"u-{n % 5}", enquiry_id=f"e-{n}")
    return ledger


@dataclass
class Period:
    profile: str
    kind: str
    near_at: datetime | None = None
    reached_at: datetime | None = None


def periods(ledger: CreditLedger, orgs: list[Org], settings: AlertSettings) -> Iterator[Period]:
    """Each simulated period with the moments of its first NearLimit and LimitReached."""
    store = MemoryProjectionStore()
    projector = Projector(store, LedgerEvents(ledger), None, settings)
    for org in orgs:
        key = org_uuid(org.org_id)
        projector.project(key)
        found = {
            b.period: Period(org.profile, org.kind)
            for b in store.balances(str(key))
            if b.period in MONTHS or b.period == TRIAL_PERIOD
        }
        for alert in store.pending(str(key)):
            period = found[alert.period]
            if alert.kind == NEAR_LIMIT and period.near_at is None:
                period.near_at = alert.occurred_at
            if alert.kind == LIMIT_REACHED and period.reached_at is None:
                period.reached_at = alert.occurred_at
        yield from found.values()


@dataclass
class Score:
    periods: int = 0
    hits: int = 0
    alerted: int = 0
    true_alerts: int = 0
    warned: int = 0  # hits with a NearLimit before the LimitReached
    leads: list[float] = field(default_factory=list)

    def add(self, period: Period) -> None:
        self.periods += 1
        hit = period.reached_at is not None
        self.hits += hit
        if period.near_at is None:
            return
        self.alerted += 1
        if period.reached_at is not None:
            self.true_alerts += 1
            if period.near_at < period.reached_at:
                self.warned += 1
                self.leads.append((period.reached_at - period.near_at) / DAY)

    @property
    def precision(self) -> float | None:
        return self.true_alerts / self.alerted if self.alerted else None

    @property
    def recall(self) -> float | None:
        return self.warned / self.hits if self.hits else None

    @property
    def lead_median(self) -> float | None:
        return statistics.median(self.leads) if self.leads else None

    @property
    def lead_p10(self) -> float | None:
        if not self.leads:
            return None
        ordered = sorted(self.leads)
        return ordered[int(0.1 * (len(ordered) - 1))]

    @property
    def false_per_100(self) -> float | None:
        quiet = self.periods - self.hits
        return 100 * (self.alerted - self.true_alerts) / quiet if quiet else None


def backtest(settings: AlertSettings | None = None, seed: int = SEED) -> dict[str, Score]:
    """Scores per profile, per kind ("monthly", "trial") and "all"."""
    orgs = population(seed)
    ledger = simulate(orgs)
    scores: dict[str, Score] = {}
    for period in periods(ledger, orgs, settings or AlertSettings()):
        for name in (period.profile, period.kind, "all"):
            scores.setdefault(name, Score()).add(period)
    ledger.close()
    return scores


def _cell(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(scores: dict[str, Score]) -> str:
    head = ["profile", "periods", "hit", "NearLimit", "precision", "recall", "lead med",
            "lead p10", "false/100"]  # fmt: skip
    rows = [head]
    for name in (*MONTHLY_PROFILES, "monthly", *TRIAL_PROFILES, "trial", "all"):
        s = scores.get(name)
        if s is None:
            continue
        rows.append([name, str(s.periods), str(s.hits), str(s.alerted), _cell(s.precision),
                     _cell(s.recall), _cell(s.lead_median, 1), _cell(s.lead_p10, 1),
                     _cell(s.false_per_100, 1)])  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def run() -> list[Figure]:
    figures = []
    for seed in (SEED,) if QUICK else (SEED, CHECK_SEED):
        scores = backtest(seed=seed)
        print(f"seed {seed}", table(scores), sep="\n", end="\n\n")
        figures += _figures(scores, seed)
    return figures


def _figures(scores: dict[str, Score], seed: int) -> list[Figure]:
    figures = []
    checking = "" if seed == SEED else f", check seed {seed}"
    for kind, targets in TARGETS.items():
        score = scores[kind]
        for attribute, bound in targets:
            value: Any = getattr(score, attribute)
            name = attribute.replace("_", " ")
            figures.append(
                Figure(
                    name=f"NearLimit {name}, {kind}{checking} (vs its target)",
                    value=value,
                    baseline=bound,
                    unit="days" if attribute.startswith("lead") else "",
                    baseline_unit="target",
                    target=">= 1",
                    extra={"periods": score.periods, "hits": score.hits, "seed": seed},
                    note="" if value is not None else "no alert to judge",
                )
            )
    return figures


if __name__ == "__main__":
    print(table(backtest(seed=int(sys.argv[1]) if len(sys.argv) > 1 else SEED)))
    sys.exit(0)
