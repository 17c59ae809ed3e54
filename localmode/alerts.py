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


def written_alerts(path: Path) -> list[dict[str, Any]]:
    """The alert events the file holds, in order; a last line cut short is not one."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").split("\n")[:-1]  # whole lines only
    return [json.loads(line) for line in lines if line]


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
            with self.path.open("r+b") as file:
                file.truncate(data.rfind(b"\n") + 1)
        return {event["detail"]["alert_id"] for event in written_alerts(self.path)}

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
