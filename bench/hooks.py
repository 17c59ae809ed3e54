"""Figures measured by modules that other parts of the project provide.

A hook is a module `bench/NAME.py` with `measure() -> dict | list[dict]`, each
dict holding Figure fields (name, value, baseline, unit, baseline_unit, target,
ratio, extra, note). A missing module is reported as "not available".
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import fields
from typing import Any

from bench.figures import Figure

HOOKS = {
    "dynamodb_requests": "DynamoDB requests per ConsumeCredit",
    "rebuild": "events/s replayed by `ledger rebuild` vs json.loads of the same payloads",
}
_FIELDS = {f.name for f in fields(Figure)}


def run() -> list[Figure]:
    figures: list[Figure] = []
    for module, title in HOOKS.items():
        name = f"bench.{module}"
        if importlib.util.find_spec(name) is None:
            figures.append(Figure(name=title, note=f"not available ({name} is missing)"))
            continue
        found = importlib.import_module(name).measure()
        for item in found if isinstance(found, list) else [found]:
            figures.append(_figure(title, item))
    return figures


def _figure(title: str, item: dict[str, Any]) -> Figure:
    known = {k: v for k, v in item.items() if k in _FIELDS}
    extra = {k: v for k, v in item.items() if k not in _FIELDS}
    figure = Figure(**{"name": title, **known})
    figure.extra.update(extra)
    return figure
