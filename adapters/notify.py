"""Where alert notifications go: a structured log line, and optionally a webhook."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

WEBHOOK_ENV = "LEDGER_ALERT_WEBHOOK_URL"
# Refusals a receiver may get over: a timeout, an id it is still writing, rate limiting.
_PASSING_REFUSALS = {408, 409, 425, 429}


class Notifier(ABC):
    """Tells customer success about one alert event ({"source", "detail-type", "detail"})."""

    @abstractmethod
    def notify(self, event: dict[str, Any]) -> None: ...


class LogNotifier(Notifier):
    def __init__(self, logger: Any) -> None:
        self.logger = logger

    def notify(self, event: dict[str, Any]) -> None:
        detail = event["detail"]
        self.logger.info(
            f"{event['detail-type']} for org {detail['org_id']} in {detail['period']}",
            extra={"alert": detail, "detail_type": event["detail-type"]},
        )


class WebhookNotifier(Notifier):
    """POSTs the event as JSON; the alert id doubles as the idempotency key."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"{WEBHOOK_ENV} must be an http(s) URL")
        self.url = url
        self.timeout = timeout

    def notify(self, event: dict[str, Any]) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(event).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": event["detail"]["alert_id"],
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if not 200 <= response.status < 300:
                raise RuntimeError(f"webhook answered {response.status}")


def retryable(error: BaseException) -> bool:
    """Whether the same delivery may succeed later. A 4xx other than a passing
    refusal means the receiver will not take this event as it is."""
    if isinstance(error, urllib.error.HTTPError):
        return not 400 <= error.code < 500 or error.code in _PASSING_REFUSALS
    return True


class AllOf(Notifier):
    def __init__(self, *notifiers: Notifier) -> None:
        self.notifiers = notifiers

    def notify(self, event: dict[str, Any]) -> None:
        for notifier in self.notifiers:
            notifier.notify(event)


def notifier_from_env(logger: Any, env: Mapping[str, str] | None = None) -> Notifier:
    url = (env if env is not None else os.environ).get(WEBHOOK_ENV)
    log = LogNotifier(logger)
    return AllOf(log, WebhookNotifier(url)) if url else log
