"""Where alert notifications go: a structured log line, and optionally a webhook."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from http.client import HTTPConnection, HTTPException, HTTPSConnection, InvalidURL
from typing import Any
from urllib.parse import urlsplit

WEBHOOK_ENV = "LEDGER_ALERT_WEBHOOK_URL"
# In AWS: the name of an SSM (SecureString) parameter holding the URL, read once
# per cold start, so the URL is in neither the template nor the configuration.
WEBHOOK_PARAMETER_ENV = "LEDGER_ALERT_WEBHOOK_PARAMETER"
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
    """POSTs the event as JSON; the alert id doubles as the idempotency key.

    Redirects are not followed (a POST would be sent on as a GET, or not at
    all): any answer but 2xx raises WebhookAnswered. A call that has not been
    answered within `deadline` seconds in all is cut off, however slowly the
    receiver trickles its answer, so one receiver cannot hold delivery up.
    """

    def __init__(self, url: str, timeout: float = 5.0, deadline: float = 10.0) -> None:
        parts = urlsplit(url)
        try:
            port_ok = parts.port is None or parts.port > 0
        except ValueError:  # not a number, or out of range
            port_ok = False
        if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
            raise ValueError(f"{WEBHOOK_ENV} must be an http(s) URL")
        self.url, self.parts = url, parts
        self.timeout, self.deadline = timeout, deadline

    def notify(self, event: dict[str, Any]) -> None:
        kind = HTTPSConnection if self.parts.scheme == "https" else HTTPConnection
        connection = kind(self.parts.netloc, timeout=self.timeout)
        cut_off = threading.Timer(self.deadline, _cut, (connection,))
        cut_off.start()
        try:
            path = self.parts.path or "/"
            connection.request(
                "POST",
                f"{path}?{self.parts.query}" if self.parts.query else path,
                body=json.dumps(event).encode(),
                headers={
                    "Content-Type": "application/json",
                    "Idempotency-Key": event["detail"]["alert_id"],
                },
            )
            status = connection.getresponse().status
        finally:
            cut_off.cancel()
            connection.close()
        if not 200 <= status < 300:
            raise WebhookAnswered(status)


class WebhookAnswered(Exception):
    """The receiver answered, but not with 2xx."""

    def __init__(self, status: int) -> None:
        super().__init__(f"webhook answered {status}")
        self.status = status


def _cut(connection: HTTPConnection) -> None:
    """Ends a call past its deadline: the blocked read in the calling thread fails."""
    if connection.sock is not None:
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_RDWR)


def retryable(error: BaseException) -> bool:
    """Whether the same delivery may succeed later: after no answer (a network
    error, a cut-off call), a 5xx or a passing refusal, yes; after a redirect,
    another 4xx, or any other failure (a URL http.client cannot use, a bug),
    no: trying again would only hold up the alerts behind it."""
    if isinstance(error, WebhookAnswered):
        return error.status >= 500 or error.status in _PASSING_REFUSALS
    if isinstance(error, InvalidURL):
        return False
    return isinstance(error, OSError | HTTPException)


class AllOf(Notifier):
    def __init__(self, *notifiers: Notifier) -> None:
        self.notifiers = notifiers

    def notify(self, event: dict[str, Any]) -> None:
        for notifier in self.notifiers:
            notifier.notify(event)


def notifier_from_env(
    logger: Any,
    env: Mapping[str, str] | None = None,
    read_parameter: Callable[[str], str] | None = None,
) -> Notifier:
    env = env if env is not None else os.environ
    url = env.get(WEBHOOK_ENV)
    parameter = env.get(WEBHOOK_PARAMETER_ENV)
    if parameter and not url:
        url = (read_parameter or _ssm_parameter)(parameter)
    log = LogNotifier(logger)
    return AllOf(log, WebhookNotifier(url)) if url else log


def _ssm_parameter(name: str) -> str:
    import boto3

    answer = boto3.client("ssm").get_parameter(Name=name, WithDecryption=True)
    return str(answer["Parameter"]["Value"])
