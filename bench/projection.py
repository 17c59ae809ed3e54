"""Projection throughput and DynamoDB requests per stream record.

Run: AWS_ACCOUNT_ID_ENDPOINT_MODE=disabled python -m bench.projection [--events 20000]
Prints one JSON object of figures. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ledger import CreditLedger
from projections.policy import step
from projections.settings import AlertSettings


def make_history(ledger: CreditLedger, events: int, orgs: int = 20) -> None:
    """Orgs on Ultimate using credits over months (each use is an org event and a receipt)."""
    clock: Any = ledger.clock
    per_org = events // (2 * orgs)
    for o in range(orgs):
        ledger.set_plan(f"org-{o}", "Ultimate")
    for n in range(per_org):
        clock.now += timedelta(minutes=30)
        for o in range(orgs):
            ledger.consume_credit(f"org-{o}", user_id=f"u-{n % 7}", enquiry_id=f"e-{n}")


class FakeContext:
    function_name = "projector"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:projector"
    aws_request_id = "bench"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def rate(count: int, seconds: float) -> int:
    return int(count / seconds) if seconds else 0


def bench_local(events: int) -> dict[str, Any]:
    from adapters.projection_sqlite import SQLiteProjectionStore
    from localmode.alerts import JsonLinesAlertSink
    from localmode.rebuild import rebuild
    from localmode.worker import ProjectionWorker

    with tempfile.TemporaryDirectory() as tmp:
        env = {"PERSISTENCE_MODULE": "adapters.sqlite", "SQLITE_DBNAME": f"{tmp}/e.sqlite"}
        ledger = CreditLedger(env=env, clock=Clock())
        make_history(ledger, events)
        org_events = list(ledger.org_events("org-0"))
        started = time.perf_counter()
        view = None
        for event in org_events:
            view, _ = step(view, event, AlertSettings())
        fold = rate(len(org_events), time.perf_counter() - started)

        store = SQLiteProjectionStore(Path(tmp) / "p.sqlite")
        worker = ProjectionWorker(ledger, store, JsonLinesAlertSink(Path(tmp) / "a.jsonl"))
        started = time.perf_counter()
        read = worker.run_once()
        worker_rate = rate(read, time.perf_counter() - started)
        started = time.perf_counter()
        _, replayed = rebuild(ledger)
        rebuild_rate = rate(replayed, time.perf_counter() - started)
        alerts = len((Path(tmp) / "a.jsonl").read_text().splitlines())
        store.close()
        ledger.close()
    return {
        "stored_events": read,
        "fold_org_events_per_s": fold,
        "local_worker_events_per_s": worker_rate,
        "rebuild_events_per_s": rebuild_rate,
        "alerts_written": alerts,
    }


def bench_dynamodb_requests() -> dict[str, Any]:
    """Requests the stream projector makes per record, counted under moto."""
    import boto3
    from moto import mock_aws

    from adapters.tables import EVENTS, PROJECTIONS
    from handlers import projector as handler
    from handlers import wiring

    for name, value in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
                        "AWS_DEFAULT_REGION": "eu-west-1", "LEDGER_ALERT_BUS": "default",
                        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}.items():  # fmt: skip
        os.environ[name] = value
    calls: dict[str, Counter[str]] = {"projector": Counter(), "ledger": Counter()}

    def counter(who: str) -> Any:
        def count(event_name: str, **_: Any) -> None:
            calls[who][event_name.split(".")[-1]] += 1

        return count

    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(**EVENTS.create_table_kwargs())
        client.create_table(**PROJECTIONS.create_table_kwargs())
        env = {"PERSISTENCE_MODULE": "adapters.dynamodb", "AWS_DEFAULT_REGION": "eu-west-1"}
        ledger = CreditLedger(env=env, clock=Clock())
        services = wiring.bootstrap(ledger=ledger)
        ledger.set_plan("acme", "Lite")
        streams = boto3.client("dynamodbstreams")
        arn = client.describe_table(TableName=EVENTS.default_name)["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        answer = streams.get_records(ShardIterator=iterator)
        handler.handler({"Records": answer["Records"]}, FakeContext())  # warm up
        iterator = answer["NextShardIterator"]
        projector = services.projector
        projector.store.client.meta.events.register("before-call.*.*", counter("projector"))  # type: ignore[attr-defined]
        ledger.factory.client.meta.events.register("before-call.*.*", counter("ledger"))  # type: ignore[attr-defined]
        records = 0
        for n in range(10):
            ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
            answer = streams.get_records(ShardIterator=iterator)
            iterator = answer["NextShardIterator"]
            records += len(answer["Records"])
            handler.handler({"Records": answer["Records"]}, FakeContext())
        ledger.close()
        wiring.bootstrap()
    return {
        "stream_records": records,
        "org_event_records": records // 2,
        "projector_requests": dict(calls["projector"]),
        "ledger_requests": dict(calls["ledger"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    print(json.dumps({"local": bench_local(args.events), "dynamodb": bench_dynamodb_requests()},
                     indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
