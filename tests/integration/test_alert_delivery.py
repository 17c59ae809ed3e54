"""Alerts onto EventBridge (partial failures, the deployed rule pattern) and the notifier."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest
from moto import mock_aws

from adapters.alert_bus import ALERT_RULE_PATTERN, EventBridgeAlertSink
from adapters.notify import AllOf, LogNotifier, Notifier, WebhookNotifier, notifier_from_env
from handlers import notifier as notifier_handler
from handlers import wiring
from projections.alerts import Alert
from tests.projection_stores import aws_test_env
from tests.projection_support import validate
from tests.stream_support import FakeContext


def alert(n: int, kind: str = "LimitReached") -> Alert:
    return Alert(
        kind=kind,  # type: ignore[arg-type]
        org_id=f"org-{n}",
        plan="Basic",
        period="2026-11",
        limit=100,
        used=100,
        remaining=0,
        occurred_at=datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC),
        rule="exhausted",
        forecast_used=150,
        pace_per_day=5.5,
        run_out_at=datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC),
        period_ends_at=datetime(2026, 12, 1, tzinfo=UTC),
        suggested_plan="Enterprise",
    )


class PartlyFailingBus:
    """put_events answering like EventBridge does when some entries fail."""

    def __init__(self) -> None:
        self.calls: list[list[dict[str, Any]]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(Entries)
        answers = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
            if json.loads(e["Detail"])["org_id"].endswith("3")
            else {"EventId": f"id-{i}"}
            for i, e in enumerate(Entries)
        ]
        failed = sum("ErrorCode" in a for a in answers)
        return {"FailedEntryCount": failed, "Entries": answers}


def test_sink_reports_only_the_entries_eventbridge_took() -> None:
    bus = PartlyFailingBus()
    alerts = [alert(n) for n in range(14)]
    taken = EventBridgeAlertSink(bus, "ledger-alerts").publish(alerts)
    assert [len(call) for call in bus.calls] == [10, 4]
    assert taken == {a.alert_id for a in alerts} - {alert(3).alert_id, alert(13).alert_id}
    entry = bus.calls[0][0]
    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == (
        "credit-ledger",
        "LimitReached",
        "ledger-alerts",
    )


@pytest.fixture
def aws() -> Iterator[None]:
    aws_test_env()
    with mock_aws():
        yield


def test_the_deployed_rule_pattern_routes_alerts_to_a_queue(aws: None) -> None:
    events, sqs = boto3.client("events"), boto3.client("sqs")
    events.create_event_bus(Name="ledger-alerts")
    queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    events.put_rule(
        Name="alerts", EventBusName="ledger-alerts", EventPattern=json.dumps(ALERT_RULE_PATTERN)
    )
    events.put_targets(
        Rule="alerts",
        EventBusName="ledger-alerts",
        Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}],
    )
    sent = [alert(n) for n in range(11)] + [alert(99, "NearLimit")]
    assert EventBridgeAlertSink(events, "ledger-alerts").publish(sent) == {a.alert_id for a in sent}
    events.put_events(  # not an alert: the rule leaves it alone
        Entries=[
            {
                "Source": "someone-else",
                "DetailType": "LimitReached",
                "Detail": "{}",
                "EventBusName": "ledger-alerts",
            }
        ]
    )
    received = []
    while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages"):
        received += [json.loads(m["Body"]) for m in batch]
    assert sorted(e["detail"]["alert_id"] for e in received) == sorted(a.alert_id for a in sent)
    for event in received:
        validate(event)


class Recording(Notifier):
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def notify(self, event: dict[str, Any]) -> None:
        self.seen.append(event)


@pytest.fixture
def recording() -> Iterator[Recording]:
    made = Recording()
    wiring.bootstrap(notifier=made)
    yield made
    wiring.bootstrap()


def bus_event(a: Alert) -> dict[str, Any]:
    return {"version": "0", "id": "x", "account": "123456789012", "region": "eu-west-1",
            "time": "2026-11-20T10:00:00Z", "resources": [], **a.event()}  # fmt: skip


def test_notifier_hands_alerts_to_the_notification_port(recording: Recording) -> None:
    answer = notifier_handler.handler(bus_event(alert(1)), FakeContext())
    assert answer == {"notified": alert(1).alert_id}
    assert recording.seen == [alert(1).event()]
    validate(recording.seen[0])


def test_notifier_ignores_other_events_and_rejects_broken_alerts(recording: Recording) -> None:
    assert notifier_handler.handler({"source": "aws.events"}, FakeContext()) == {"notified": None}
    broken = bus_event(alert(1))
    del broken["detail"]["limit"]
    with pytest.raises(KeyError):
        notifier_handler.handler(broken, FakeContext())  # failed: EventBridge retries it
    assert recording.seen == []


def test_log_notifier_writes_a_structured_line() -> None:
    lines: list[tuple[str, dict[str, Any]]] = []

    class Logger:
        def info(self, message: str, extra: dict[str, Any]) -> None:
            lines.append((message, extra))

    LogNotifier(Logger()).notify(alert(1).event())
    assert lines == [
        (
            "LimitReached for org org-1 in 2026-11",
            {"alert": alert(1).detail(), "detail_type": "LimitReached"},
        )
    ]


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[tuple[dict[str, str], dict[str, Any]]]]]:
    received: list[tuple[dict[str, str], dict[str, Any]]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def test_webhook_notifier_posts_the_alert_event(webhook: Any) -> None:
    url, received = webhook
    notifier = notifier_from_env(LogNotifier(None).logger, {"LEDGER_ALERT_WEBHOOK_URL": url})
    assert isinstance(notifier, AllOf)
    WebhookNotifier(url).notify(alert(1).event())
    headers, body = received[0]
    assert body == alert(1).event()
    assert headers["Idempotency-Key"] == alert(1).alert_id
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://x/",
        "http://",
        "http://localhost:abc/",
        "http://h:-1/",
        "http://h:0/",
    ],
)
def test_webhook_url_must_be_http(url: str) -> None:
    with pytest.raises(ValueError):
        WebhookNotifier(url)


def test_the_webhook_url_can_come_from_an_ssm_parameter(webhook: Any) -> None:
    url, received = webhook
    asked: list[str] = []

    def read(name: str) -> str:
        asked.append(name)
        return str(url)

    env = {"LEDGER_ALERT_WEBHOOK_PARAMETER": "/credit-ledger/alert-webhook-url"}
    logger = logging.getLogger("test-notifier")
    notifier = notifier_from_env(logger, env, read_parameter=read)
    notifier.notify(alert(2).event())
    assert asked == ["/credit-ledger/alert-webhook-url"]
    assert received[0][1] == alert(2).event()
    quiet = notifier_from_env(logger, {}, read_parameter=read)
    assert isinstance(quiet, LogNotifier) and asked == ["/credit-ledger/alert-webhook-url"]
