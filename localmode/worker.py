"""The background projector of `ledger serve`: follows the store's feed of changes.

The feed is the embedded store's notification log, or the DynamoDB table's
stream (localmode/feeds.py). Its position is saved after each batch, so a
restart resumes where it stopped; projecting a batch twice changes nothing
(projections are idempotent per org and version, the sink writes each alert
id once).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from typing import Any

from ledger import CreditLedger
from localmode.feeds import POSITION, Feed, LogFeed
from projections.projector import AlertSink, AlertsNotPublished, LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import ProjectionStore

__all__ = ["POSITION", "ProjectionWorker"]

LONGEST_WAIT = 30.0  # seconds between tries while the store keeps failing


class ProjectionWorker:
    def __init__(
        self,
        ledger: CreditLedger,
        store: ProjectionStore,
        sink: AlertSink,
        settings: AlertSettings | None = None,
        logger: Any = None,
        poll_seconds: float | None = None,
        feed: Feed | None = None,
        longest_wait: float = LONGEST_WAIT,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.feed = feed or LogFeed(ledger, store)
        self.projector = Projector(store, LedgerEvents(ledger), sink, settings)
        self.logger = logger
        self.poll_seconds = self.feed.poll_seconds if poll_seconds is None else poll_seconds
        self.longest_wait = longest_wait
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Projects what the feed holds beyond its saved position; returns records read."""
        read = 0
        for batch in self.feed.batches():
            touched: list[uuid.UUID] = []
            for org_key in batch.orgs:
                self.projector.project(org_key)
                touched.append(org_key)
            for org_key, events in batch.events.items():
                self.projector.project(org_key, events)
                touched.append(org_key)
            for org_key, version in batch.seen.items():
                self.projector.project(org_key, seen_version=version)
                touched.append(org_key)
            self._publish(touched)
            batch.commit()
            read += batch.count
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
        """Polls the feed; while it fails, waits longer each time (up to longest_wait)
        and says so once, then once more when it works again."""
        wait, failing = self.poll_seconds, False
        while not self._stop.is_set():
            try:
                busy = self.run_once() > 0
            except Exception as error:
                if not failing:
                    self._log(
                        "exception",
                        "projection failed; retrying with backoff, logged again once it works",
                        error=f"{type(error).__name__}: {error}",
                    )
                failing, wait = True, min(max(wait, self.poll_seconds, 0.05) * 2, self.longest_wait)
                self._stop.wait(wait)
                continue
            if failing:
                self._log("warning", "projection working again")
                failing, wait = False, self.poll_seconds
            if not busy:
                self._stop.wait(self.poll_seconds)

    def _log(self, level: str, message: str, **extra: Any) -> None:
        if self.logger is not None:
            getattr(self.logger, level)(message, extra=extra)
