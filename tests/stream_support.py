"""Stream records, a Lambda context and delivery with retries, for projector tests."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ledger import CreditLedger
from tests.conftest import FakeClock

os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "CreditLedgerTests")


@dataclass
class FakeContext:
    function_name: str = "projector"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:projector"
    aws_request_id: str = "req-1"


def stream_record(notification: Any, with_topic: bool = True) -> dict[str, Any]:
    """The stream record DynamoDB writes for one stored event (NEW_IMAGE)."""
    keys = {
        "stream_id": {"S": str(notification.originator_id)},
        "version": {"N": str(notification.originator_version)},
    }
    image = dict(keys)
    if with_topic:
        image["topic"] = {"S": notification.topic}
    return {
        "eventID": f"ev-{notification.id}",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/ledger-events/stream/x",
        "dynamodb": {
            "Keys": keys,
            "NewImage": image,
            "SequenceNumber": str(1000 + notification.id),
            "StreamViewType": "NEW_IMAGE",
        },
    }


def all_records(ledger: CreditLedger, with_topic: bool = True) -> list[dict[str, Any]]:
    notifications = ledger.recorder.select_notifications(start=1, limit=1_000_000)
    return [stream_record(n, with_topic) for n in notifications]


def deliver(handler: Any, records: list[dict[str, Any]], attempts: int = 20) -> int:
    """Invokes like an event source mapping: after a partial failure, retries from
    the first failed record. Returns the number of invocations."""
    for attempt in range(1, attempts + 1):
        answer = handler({"Records": records}, FakeContext())
        failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
        if not failed:
            return attempt
        first = min(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed)
        records = records[first:]
    raise AssertionError("the batch kept failing")


def batches(records: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [records[i : i + size] for i in range(0, len(records), size)]


def run_scenario(
    ledger: CreditLedger, clock: FakeClock, on_step: Callable[[], None] = lambda: None
) -> list[str]:
    """Three orgs, interleaved, raising every kind of alert; returns the org ids.

    `on_step` runs every few commands (to deliver what was written so far)."""
    n = iter(range(1, 100_000))

    def use(org: str, count: int, user: str = "u-1") -> None:
        for i in range(count):
            ledger.consume_credit(org, user_id=user, enquiry_id=f"e-{next(n)}")
            if i % 20 == 19:
                on_step()
        on_step()

    clock.set(datetime(2026, 11, 5, 12, tzinfo=UTC))
    ledger.set_plan("acme", "Basic")
    ledger.set_plan("trial-co", "Trial")
    ledger.set_plan("quiet", "Lite")
    ledger.set_user_limit("quiet", 3)
    use("acme", 30)  # NearLimit: 30 on day 5 of the month, after 4 days of none
    clock.advance(days=1)
    use("trial-co", 3, "u-2")
    use("quiet", 2)
    use("acme", 70)  # LimitReached at 100
    ledger.top_up("acme", 10, top_up_id="t-1")
    clock.advance(days=1)
    use("trial-co", 3)
    clock.advance(days=1)
    use("trial-co", 4)  # NearLimit (trial) at 7 on its fourth day, LimitReached at 10
    use("acme", 10, "u-3")  # LimitReached at 110
    clock.set(datetime(2026, 11, 28, tzinfo=UTC))
    ledger.set_plan("trial-co", "Basic")
    use("trial-co", 30)  # 30% used, forecast 33: nothing
    ledger.set_plan("trial-co", "Lite")  # LimitReached by downgrade
    clock.set(datetime(2026, 12, 29, tzinfo=UTC))
    ledger.set_plan("acme", "Lite")
    use("acme", 18)  # NearLimit in December: the rest would go before the month ends
    use("quiet", 1)
    on_step()
    return ["acme", "trial-co", "quiet"]


def alert_identity(event: dict[str, Any]) -> tuple[Any, ...]:
    detail = event["detail"]
    limit = detail["limit"] if event["detail-type"] == "LimitReached" else None
    return (detail["org_id"], detail["period"], event["detail-type"], limit)


def ids_by_identity(events: list[dict[str, Any]]) -> dict[tuple[Any, ...], set[str]]:
    found: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for event in events:
        found[alert_identity(event)].add(event["detail"]["alert_id"])
    return found
