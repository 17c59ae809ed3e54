"""Webhook delivery for `ledger serve`: each alert reaches the webhook at least once.

alerts.jsonl is the record of every alert; a second file lists the ids the
webhook is done with: taken, or refused for good. Alerts go out in order, one
at a time, from a thread of their own, so a slow or failing webhook never holds
up the projection. A failure the receiver may get over (no connection, no
answer in time, a 5xx, 429) is retried with a growing wait; a refusal it will
not (a redirect, another 4xx) is logged and passed over. After a restart, what
was written but not done with is sent again; receivers drop repeats by the
alert id in the Idempotency-Key header.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from pathlib import Path
from typing import Any

from adapters.notify import Notifier, retryable
from localmode.alerts import written_alerts


class WebhookDelivery(Notifier):
    def __init__(
        self,
        alerts: Path,
        sent: Path,
        webhook: Notifier,
        logger: Any = None,
        first_wait: float = 0.5,
        longest_wait: float = 60.0,
    ) -> None:
        self.alerts = alerts
        self.sent = sent
        self.webhook = webhook
        self.logger = logger
        self.first_wait, self.longest_wait = first_wait, longest_wait
        self._queue: deque[dict[str, Any]] = deque()
        self._queued: set[str] = set()
        self._changed = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Queues what alerts.jsonl holds that the webhook is not done with, then sends."""
        done = self._sent_ids()
        events = written_alerts(self.alerts)
        self._add([e for e in events if e["detail"]["alert_id"] not in done])
        self._thread = threading.Thread(target=self._loop, name="webhook", daemon=True)
        self._thread.start()

    def notify(self, event: dict[str, Any]) -> None:
        """Queues one alert, already written to alerts.jsonl; never raises."""
        self._add([event])

    def stop(self, timeout: float = 5.0) -> None:
        """Stops after the call under way, if any; what is left goes at the next start."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def pending(self) -> int:
        with self._changed:
            return len(self._queue)

    def _add(self, events: list[dict[str, Any]]) -> None:
        with self._changed:
            for event in events:
                alert_id = event["detail"]["alert_id"]
                if alert_id not in self._queued:
                    self._queued.add(alert_id)
                    self._queue.append(event)
            self._changed.notify_all()

    def _loop(self) -> None:
        wait = self.first_wait
        while (event := self._next()) is not None:
            try:
                self.webhook.notify(event)
            except Exception as error:
                if retryable(error):
                    self._log("warning", "webhook failed; will retry", event, wait)
                    self._pause(wait)
                    wait = min(wait * 2, self.longest_wait)
                    continue
                self._log("error", "webhook refused the alert; not retried", event, None)
            self._mark_sent(event)
            self._done_with()
            wait = self.first_wait

    def _next(self) -> dict[str, Any] | None:
        with self._changed:
            while not self._queue and not self._stopping:
                self._changed.wait()
            return None if self._stopping else self._queue[0]

    def _pause(self, seconds: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._stopping, timeout=seconds)

    def _done_with(self) -> None:
        with self._changed:
            self._queue.popleft()

    def _mark_sent(self, event: dict[str, Any]) -> None:
        # Not fsynced: a line lost to a crash only means the alert is sent again.
        with self.sent.open("a", encoding="utf-8") as file:
            file.write(event["detail"]["alert_id"] + "\n")

    def _sent_ids(self) -> set[str]:
        with contextlib.suppress(FileNotFoundError):
            return set(self.sent.read_text(encoding="utf-8").split())
        return set()

    def _log(self, level: str, message: str, event: dict[str, Any], retry_in: float | None) -> None:
        if self.logger is not None:
            extra = {"alert": event["detail"], "retry_in_seconds": retry_in}
            getattr(self.logger, level)(message, extra=extra, exc_info=True)
