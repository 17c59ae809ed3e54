"""The local alert sink: one JSON line per alert in DATA_DIR/alerts.jsonl, each id once."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adapters.notify import Notifier
from projections.alerts import Alert
from projections.projector import AlertSink


class JsonLinesAlertSink(AlertSink):
    """Appends and fsyncs before an alert counts as published, so an id written
    before a crash is recognised (and not written again) after the restart."""

    def __init__(self, path: Path, notifier: Notifier | None = None, logger: Any = None) -> None:
        self.path = path
        self.notifier = notifier
        self.logger = logger
        self.written = self._recover()

    def _recover(self) -> set[str]:
        if not self.path.exists():
            return set()
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):  # a line cut short by a crash
            data = data[: data.rfind(b"\n") + 1]
            with self.path.open("r+b") as file:
                file.truncate(len(data))
        return {json.loads(line)["detail"]["alert_id"] for line in data.splitlines() if line}

    def publish(self, alerts: Sequence[Alert]) -> set[str]:
        new = [a for a in alerts if a.alert_id not in self.written]
        if new:
            with self.path.open("a", encoding="utf-8") as file:
                file.write("".join(a.to_json() + "\n" for a in new))
                file.flush()
                os.fsync(file.fileno())
            self.written.update(a.alert_id for a in new)
        for alert in new:
            self._notify(alert)
        return {a.alert_id for a in alerts}

    def _notify(self, alert: Alert) -> None:
        """Best effort: the line in alerts.jsonl is the record of the alert."""
        if self.notifier is None:
            return
        try:
            self.notifier.notify(alert.event())
        except Exception:
            if self.logger is not None:
                self.logger.exception("alert notification failed", extra={"alert": alert.detail()})
