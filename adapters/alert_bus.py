"""Alerts onto the ledger's EventBridge bus, and the rule pattern that picks them up.

The pattern is defined here once: the stack deploys it and the tests match
against it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from projections.alerts import KINDS, SOURCE, Alert
from projections.projector import AlertSink

BUS_ENV = "LEDGER_ALERT_BUS"
ALERT_RULE_PATTERN: dict[str, list[str]] = {"source": [SOURCE], "detail-type": list(KINDS)}
MAX_ENTRIES = 10  # put_events takes at most ten entries per call


class EventBridgeAlertSink(AlertSink):
    def __init__(self, client: Any, bus_name: str | None = None) -> None:
        self.client = client
        self.bus_name = bus_name or os.environ.get(BUS_ENV, "default")

    def publish(self, alerts: Sequence[Alert]) -> set[str]:
        """Puts the alerts ten at a time; only the entries EventBridge accepted count."""
        taken: set[str] = set()
        for start in range(0, len(alerts), MAX_ENTRIES):
            chunk = alerts[start : start + MAX_ENTRIES]
            answer = self.client.put_events(Entries=[self._entry(a) for a in chunk])
            for alert, result in zip(chunk, answer["Entries"], strict=True):
                if result.get("EventId") and not result.get("ErrorCode"):
                    taken.add(alert.alert_id)
        return taken

    def _entry(self, alert: Alert) -> dict[str, Any]:
        return {
            "Source": SOURCE,
            "DetailType": alert.kind,
            "Detail": json.dumps(alert.detail()),
            "EventBusName": self.bus_name,
        }
