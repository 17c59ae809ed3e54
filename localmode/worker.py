"""The background projector of `ledger serve`: follows the notification log.

Its position lives in the projection store, so a restart resumes where it
stopped; replaying a page twice changes nothing (projections are idempotent
per org and version, the sink writes each alert id once).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from typing import Any

from ledger import CreditLedger
from localmode.follower import org_event_pages
from projections.projector import AlertSink, AlertsNotPublished, LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import ProjectionStore

POSITION = "local-projector"


class ProjectionWorker:
    def __init__(
        self,
        ledger: CreditLedger,
        store: ProjectionStore,
        sink: AlertSink,
        settings: AlertSettings | None = None,
        logger: Any = None,
        poll_seconds: float = 0.1,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.projector = Projector(store, LedgerEvents(ledger), sink, settings)
        self.logger = logger
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Projects what the log holds beyond the saved position; returns events read."""
        read = 0
        for last_id, count, by_org in org_event_pages(self.ledger, self.store.position(POSITION)):
            for org_key, events in by_org.items():
                self.projector.project(org_key, events)
            self._publish(list(by_org))
            self.store.set_position(POSITION, last_id)
            read += count
        return read

    def publish_pending(self) -> None:
        """Alerts left pending by an earlier run (a crash before publishing)."""
        self._publish([uuid.UUID(key) for key in self.store.pending_org_keys()])

    def _publish(self, org_keys: list[Any]) -> None:
        for org_key in org_keys:
            # What the sink did not take stays pending: tried again on the org's next
            # event, or at the next start.
            with contextlib.suppress(AlertsNotPublished):
                self.projector.publish_pending(org_key)

    def start(self) -> None:
        self.publish_pending()
        self._thread = threading.Thread(target=self._loop, name="projector", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once() > 0
            except Exception:
                busy = False
                if self.logger is not None:
                    self.logger.exception("projection failed; retrying")
            if not busy:
                self._stop.wait(self.poll_seconds)
