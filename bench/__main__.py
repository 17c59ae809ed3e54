"""`python -m bench [SUITE ...]`: run the benchmarks, print a table, write JSON."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import alerts, hooks, imports, serve, store
from bench.figures import QUICK, Figure

SUITES = {
    "store": store.run,
    "imports": imports.run,
    "serve": serve.run,
    "hooks": hooks.run,
    "alerts": alerts.run,
}
RESULTS = Path(
    os.environ.get("BENCH_RESULTS", Path(__file__).resolve().parent / "results" / "latest.json")
)


def machine() -> dict[str, object]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _number(value: float) -> str:
    """One decimal for counts and rates; three significant digits for small
    values (a recall of 0.96 against a target of 0.95 must not read 1.0 and 0.9)."""
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    rows = [["figure", "value", "baseline", "ratio", "target", "verdict"]]
    for f in figures:
        if f.value is None:
            rows.append([f.name, "-", "-", "-", f.target, f.note or "n/a"])
            continue
        rows.append(
            [
                f.name,
                f"{_number(f.value)} {f.unit}",
                f"{_number(f.baseline)} {f.baseline_unit}" if f.baseline is not None else "-",
                f"{f.ratio:.2f}" if f.ratio is not None else "-",
                f.target,
                f.verdict,
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def main(argv: list[str]) -> int:
    chosen = argv or list(SUITES)
    unknown = set(chosen) - set(SUITES)
    if unknown:
        print(f"unknown suite(s): {', '.join(sorted(unknown))}; pick from {', '.join(SUITES)}")
        return 2
    figures: list[Figure] = []
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures.extend(SUITES[name]())
    print(table(figures))
    RESULTS.parent.mkdir(exist_ok=True)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "smoke_run": QUICK,
        "figures": [f.as_json() for f in figures],
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
