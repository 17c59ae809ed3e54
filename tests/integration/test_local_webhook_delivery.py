"""`ledger serve`'s webhook delivery: in order, retried until taken, refusals
passed over, and what was not taken sent again after a restart."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator
from http.client import HTTPException, InvalidURL
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from adapters.notify import Notifier, WebhookAnswered, WebhookNotifier, retryable
from ledger import CreditLedger
from localmode.delivery import WebhookDelivery
from localmode.projection import SENT_FILE, start_projection
from localmode.settings import configure
from tests.conftest import FakeClock


def event(n: int) -> dict[str, Any]:
    return {"source": "credit-ledger", "detail-type": "NearLimit", "detail": {"alert_id": f"a-{n}"}}


def refusal(code: int) -> WebhookAnswered:
    return WebhookAnswered(code)


def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


class Hook(Notifier):
    """A webhook that fails each alert as scripted, and records every attempt."""

    def __init__(self, failures: dict[str, list[Exception]] | None = None) -> None:
        self.failures = failures or {}
        self.attempts: list[str] = []
        self.taken: list[str] = []

    def notify(self, event: dict[str, Any]) -> None:
        alert_id = event["detail"]["alert_id"]
        self.attempts.append(alert_id)
        planned = self.failures.get(alert_id)
        if planned:
            raise planned.pop(0)
        self.taken.append(alert_id)


class Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def warning(self, message: str, **_: Any) -> None:
        self.lines.append(("warning", message))

    def error(self, message: str, **_: Any) -> None:
        self.lines.append(("error", message))

    def exception(self, message: str, **_: Any) -> None:
        self.lines.append(("exception", message))

    def info(self, message: str, **_: Any) -> None:
        self.lines.append(("info", message))


def ids_in(path: Path) -> list[str]:
    """The alert ids a file lists, one per line or one JSON alert per line."""
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [json.loads(line)["detail"]["alert_id"] if "{" in line else line for line in lines]


def write_alerts(path: Path, events: list[dict[str, Any]], tail: str = "") -> None:
    path.write_text("".join(json.dumps(e) + "\n" for e in events) + tail)


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[[Hook], WebhookDelivery]]:
    running: list[WebhookDelivery] = []

    def start(hook: Hook) -> WebhookDelivery:
        delivery = WebhookDelivery(
            tmp_path / "alerts.jsonl", tmp_path / "sent.txt", hook, Log(), first_wait=0.01
        )
        delivery.start()
        running.append(delivery)
        return delivery

    yield start
    for delivery in running:
        delivery.stop()


def test_a_failing_delivery_is_retried_and_keeps_its_place(
    started: Callable[[Hook], WebhookDelivery], tmp_path: Path
) -> None:
    outage = [urllib.error.URLError("refused"), refusal(503), refusal(429)]
    hook = Hook({"a-1": outage})
    delivery = started(hook)
    delivery.notify(event(1))
    delivery.notify(event(2))
    until(lambda: hook.taken == ["a-1", "a-2"])
    assert hook.attempts == ["a-1"] * 4 + ["a-2"]
    until(lambda: ids_in(tmp_path / "sent.txt") == ["a-1", "a-2"])
    assert delivery.pending() == 0


def test_a_refusal_is_logged_and_passed_over(
    started: Callable[[Hook], WebhookDelivery], tmp_path: Path
) -> None:
    hook = Hook({"a-1": [refusal(400)]})
    delivery = started(hook)
    delivery.notify(event(1))
    delivery.notify(event(2))
    until(lambda: hook.taken == ["a-2"])
    assert hook.attempts == ["a-1", "a-2"]
    assert ("error", "webhook refused the alert; not retried") in delivery.logger.lines
    until(lambda: ids_in(tmp_path / "sent.txt") == ["a-1", "a-2"])
    delivery.stop()

    write_alerts(tmp_path / "alerts.jsonl", [event(1), event(2)])
    after_restart = Hook()
    started(after_restart)
    time.sleep(0.2)  # room for a wrong resend to happen
    assert after_restart.attempts == []


def test_after_a_restart_what_was_not_taken_is_sent_again(
    started: Callable[[Hook], WebhookDelivery], tmp_path: Path
) -> None:
    write_alerts(tmp_path / "alerts.jsonl", [event(1), event(2), event(3)], tail='{"cut')
    (tmp_path / "sent.txt").write_text("a-1\n")
    hook = Hook()
    delivery = started(hook)
    delivery.notify(event(3))  # written again by a sink catching up: not sent twice
    until(lambda: hook.taken == ["a-2", "a-3"])
    delivery.stop()
    assert hook.attempts == ["a-2", "a-3"]


def test_stop_does_not_wait_out_a_retry_and_keeps_the_alert(
    tmp_path: Path,
) -> None:
    write_alerts(tmp_path / "alerts.jsonl", [event(1)])
    hook = Hook({"a-1": [refusal(503)]})
    delivery = WebhookDelivery(
        tmp_path / "alerts.jsonl", tmp_path / "sent.txt", hook, Log(), first_wait=60
    )
    delivery.start()
    until(lambda: hook.attempts == ["a-1"])
    delivery.stop(timeout=5)
    assert delivery._thread is not None and not delivery._thread.is_alive()
    assert not (tmp_path / "sent.txt").exists()

    again = Hook()
    delivery = WebhookDelivery(tmp_path / "alerts.jsonl", tmp_path / "sent.txt", again)
    delivery.start()
    until(lambda: again.taken == ["a-1"])
    delivery.stop()


@pytest.mark.parametrize(
    ("error", "again"),
    [
        (urllib.error.URLError("timed out"), True),
        (TimeoutError(), True),
        (refusal(500), True),
        (refusal(408), True),
        (refusal(429), True),
        (refusal(503), True),
        (refusal(301), False),
        (refusal(308), False),
        (refusal(400), False),
        (HTTPException(), True),
        (InvalidURL("nonnumeric port"), False),
        (ValueError("a bug"), False),
        (refusal(404), False),
        (refusal(410), False),
    ],
)
def test_which_failures_are_tried_again(error: Exception, again: bool) -> None:
    assert retryable(error) is again


def receiver(
    answer: Callable[[BaseHTTPRequestHandler, bytes], None],
) -> Iterator[tuple[str, list[str]]]:
    """A local webhook answering with `answer`; yields its URL and the requests seen."""
    seen: list[str] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(f"POST {self.path}")
            answer(self, body)

        def do_GET(self) -> None:
            seen.append(f"GET {self.path}")
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def flaky_webhook() -> Iterator[tuple[str, list[str]]]:
    """A receiver that answers 503 to its first two requests, then 204."""
    taken: list[str] = []
    answered = [0]

    def answer(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        answered[0] += 1
        if answered[0] <= 2:
            handler.send_response(503)
        else:
            taken.append(json.loads(body)["detail"]["alert_id"])
            handler.send_response(204)
        handler.end_headers()

    for url, _ in receiver(answer):
        yield url, taken


def test_serve_delivers_its_alerts_through_an_outage(
    tmp_path: Path,
    clock: FakeClock,
    flaky_webhook: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, taken = flaky_webhook
    monkeypatch.setenv("LEDGER_ALERT_WEBHOOK_URL", url)
    ledger = CreditLedger(env=configure(tmp_path), clock=clock)
    projection = start_projection(ledger, tmp_path, logger=Log())
    assert projection.delivery is not None
    projection.delivery.first_wait = 0.01
    try:
        ledger.set_plan("acme", "Lite")
        for n in range(20):
            ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
        until(lambda: len(ids_in(tmp_path / "alerts.jsonl")) == 2)  # NearLimit, LimitReached
        written = ids_in(tmp_path / "alerts.jsonl")
        until(lambda: taken == written)
        until(lambda: ids_in(tmp_path / SENT_FILE) == written)
    finally:
        projection.stop()
        ledger.close()


def trickle(handler: BaseHTTPRequestHandler, body: bytes) -> None:
    """A 204 sent a byte at a time, each well within the per-read timeout."""
    for byte in b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n":
        with contextlib.suppress(OSError):
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        time.sleep(0.1)


def moved(handler: BaseHTTPRequestHandler, body: bytes) -> None:
    handler.send_response(301)
    handler.send_header("Location", "/elsewhere")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_deadline() -> None:
    for url, seen in receiver(trickle):
        with pytest.raises((OSError, HTTPException)) as caught:  # it would take about 5 s
            WebhookNotifier(url, timeout=5, deadline=0.5).notify(event(1))
        assert retryable(caught.value)
        assert seen == ["POST /hook"]


def test_a_redirect_is_not_followed_and_not_retried() -> None:
    for url, seen in receiver(moved):
        with pytest.raises(WebhookAnswered) as caught:
            WebhookNotifier(url).notify(event(1))
        assert caught.value.status == 301
        assert not retryable(caught.value)
        assert seen == ["POST /hook"]
