"""The history's documented union names every event type the org records."""

from __future__ import annotations

import typing

from eventsourcing.domain import Aggregate

from handlers.history import HistoryEvent
from ledger.domain.org import Org


def test_every_org_event_has_a_history_schema() -> None:
    union = typing.get_args(HistoryEvent)[0]
    documented = {
        typing.get_args(m.model_fields["type"].annotation)[0] for m in typing.get_args(union)
    }
    recorded = {
        name
        for name, value in vars(Org).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event)
    } - {"Event", "Created"}  # the library's base classes, made for every aggregate
    assert recorded - documented == set(), "add a schema for each to handlers/history.py"
