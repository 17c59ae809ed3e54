"""Counts DynamoDB requests, item sizes and write units per ConsumeCredit.

Runs in process under moto (mock_aws). For orgs with about 0 (a new org: its
opening and its plan), 1,000, 1,099 (99 events after the latest snapshot: the
largest cold read) and 100,000 prior events it measures a cold command (a
fresh CreditLedger, as in a new Lambda container) and warm commands (the org
in the aggregate cache). Moto's own time is recorded but means nothing for
DynamoDB: moto copies the whole table for each transaction.

How history is seeded: the org's commands run for real on the in-memory
store (same CreditLedger, same events, same snapshots every 100 versions);
its stored events and snapshots are then copied into the table with
BatchWriteItem, encoded by the recorder's own item code. Receipt items of the
seeded enquiries are not copied: they live in other partitions and a new
enquiry never reads them.

Usage: python bench/dynamodb_requests.py [--sizes 0 1000 100000]
Prints a table; writes bench/results/dynamodb_requests.json.

`python -m bench hooks` calls `measure()`: orgs with 0 and 1,000 prior events
(BENCH_DYNAMODB_LARGE=1 adds 100,000, which takes several minutes to seed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")

import boto3
from moto import mock_aws

from adapters.dynamodb.items import item_size, snapshot_item, to_item
from adapters.tables import EVENTS
from ledger import CreditLedger
from ledger.domain.org import org_uuid

REGION = "eu-west-1"
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
ORG = "acme"
RESULTS = Path(__file__).parent / "results" / "dynamodb_requests.json"


@dataclass
class Command:
    """What one command cost in DynamoDB."""

    requests: dict[str, int] = field(default_factory=dict)
    write_items: list[int] = field(default_factory=list)  # bytes of each item written
    write_units: int = 0
    read_bytes: int = 0
    read_units: int = 0

    @property
    def total(self) -> int:
        return sum(self.requests.values())


class Meter:
    """Listens to one botocore client and books each call on the current command."""

    def __init__(self, client: Any) -> None:
        self.command = Command()
        client.meta.events.register("before-call.dynamodb", self._count)
        client.meta.events.register("after-call.dynamodb", self._book)

    def start(self) -> Command:
        self.command = Command()
        return self.command

    def _count(self, model: Any, params: Any, **_: Any) -> None:
        name = model.name
        self.command.requests[name] = self.command.requests.get(name, 0) + 1

    def _book(self, model: Any, parsed: dict[str, Any], **kwargs: Any) -> None:
        if model.name == "Query":
            size = sum(item_size(item) for item in parsed.get("Items", []))
            self.command.read_bytes += size
            self.command.read_units += max(1, math.ceil(size / 4096))  # consistent read

    def book_writes(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "TransactWriteItems":
            items = [op["Put"]["Item"] for op in params["TransactItems"]]
            units_per_kb = 2
        elif model.name in ("PutItem",):
            items, units_per_kb = [params["Item"]], 1
        else:
            return
        for item in items:
            size = item_size(item)
            self.command.write_items.append(size)
            self.command.write_units += units_per_kb * math.ceil(size / 1024)


def seed(prior_events: int) -> tuple[list[Any], list[Any]]:
    """The org's stored events and snapshots, made by real commands in memory."""
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=lambda: NOW)
    ledger.set_plan(ORG, "Ultimate")  # versions 1 and 2
    if prior_events > 3:
        ledger.top_up(ORG, 100_000, top_up_id="seed")  # version 3: room for 100,000 credits
    version = 3
    while version < prior_events:
        ledger.consume_credit(ORG, user_id=f"u-{version % 10}", enquiry_id=f"seed-{version}")
        version += 1
    uid = org_uuid(ORG)
    assert ledger.snapshots is not None
    return list(ledger.recorder.select_events(uid)), list(
        ledger.snapshots.recorder.select_events(uid)
    )


def copy_into(client: Any, table: str, events: list[Any], snapshots: list[Any]) -> None:
    items = [to_item(e) for e in events] + [snapshot_item(s) for s in snapshots]
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        pending: dict[str, Any] = {table: batch}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def history(prior_events: int, warm_runs: int) -> dict[str, Any]:
    client = boto3.client("dynamodb", region_name=REGION)
    table = f"bench-{prior_events}"
    client.create_table(**EVENTS.create_table_kwargs(table))
    events, snapshots = seed(prior_events)
    copy_into(client, table, events, snapshots)
    env = {"PERSISTENCE_MODULE": "adapters.dynamodb", EVENTS.name_env: table, "AWS_REGION": REGION}

    ledger = CreditLedger(env=env, clock=lambda: NOW)
    meter = Meter(ledger.factory.client)  # type: ignore[attr-defined]
    ledger.factory.client.meta.events.register(  # type: ignore[attr-defined]
        "provide-client-params.dynamodb", meter.book_writes
    )
    runs: list[tuple[str, Command, float]] = []
    for n in range(1 + warm_runs):
        command = meter.start()
        started = time.perf_counter()
        ledger.consume_credit(ORG, user_id="u-bench", enquiry_id=f"bench-{n}")
        runs.append(("cold" if n == 0 else "warm", command, time.perf_counter() - started))
    reader = CreditLedger(env=env, clock=lambda: NOW)
    status_read = Meter(reader.factory.client).start()  # type: ignore[attr-defined]
    reader.status(ORG)  # a cold GET /orgs/{id}
    ledger.close()
    reader.close()
    snapshot_size = item_size(snapshot_item(snapshots[-1])) if snapshots else None
    return {
        "prior_events": len(events),
        "snapshots": len(snapshots),
        "latest_snapshot_bytes": snapshot_size,
        "commands": [
            {"path": path, "requests_total": c.total, **asdict(c), "moto_seconds": round(s, 3)}
            for path, c, s in runs
        ],
        "cold_status_requests": status_read.requests,
        "cold_status_read_bytes": status_read.read_bytes,
    }


def measure() -> list[dict[str, Any]]:
    """Figures for `python -m bench`: warm vs cold requests per ConsumeCredit, per history."""
    sizes = [0, 1_000] + ([100_000] if os.environ.get("BENCH_DYNAMODB_LARGE") else [])
    with mock_aws():
        return [_figure(history(size, warm_runs=3)) for size in sizes]


def _figure(result: dict[str, Any]) -> dict[str, Any]:
    cold = next(c for c in result["commands"] if c["path"] == "cold")
    warm = [c for c in result["commands"] if c["path"] == "warm"]
    return {
        "name": f"DynamoDB requests per ConsumeCredit, warm vs cold,"
        f" {result['prior_events']:,} prior events",
        "value": max(c["requests_total"] for c in warm),
        "baseline": cold["requests_total"],
        "unit": "requests",
        "baseline_unit": "requests (cold)",
        "extra": {
            "warm_requests": warm[-1]["requests"],
            "cold_requests": cold["requests"],
            "cold_read_bytes": cold["read_bytes"],
            "snapshots": result["snapshots"],
        },
    }


def amortised(commands: int) -> dict[str, Any]:
    """Average requests per warm command over many commands (snapshots every 100)."""
    client = boto3.client("dynamodb", region_name=REGION)
    table = "bench-amortised"
    client.create_table(**EVENTS.create_table_kwargs(table))
    env = {"PERSISTENCE_MODULE": "adapters.dynamodb", EVENTS.name_env: table, "AWS_REGION": REGION}
    ledger = CreditLedger(env=env, clock=lambda: NOW)
    ledger.set_plan(ORG, "Ultimate")
    meter = Meter(ledger.factory.client)  # type: ignore[attr-defined]
    total = meter.start()
    for n in range(commands):
        ledger.consume_credit(ORG, user_id="u", enquiry_id=f"e-{n}")
    return {"commands": commands, "requests": total.requests, "per_command": total.total / commands}


def conflict() -> dict[str, Any]:
    """Requests of a command whose warm copy is stale: another process wrote first."""
    client = boto3.client("dynamodb", region_name=REGION)
    table = "bench-conflict"
    client.create_table(**EVENTS.create_table_kwargs(table))
    env = {"PERSISTENCE_MODULE": "adapters.dynamodb", EVENTS.name_env: table, "AWS_REGION": REGION}
    first, second = (CreditLedger(env=env, clock=lambda: NOW) for _ in range(2))
    first.set_plan(ORG, "Ultimate")
    second.consume_credit(ORG, user_id="u", enquiry_id="warm")
    first.consume_credit(ORG, user_id="u", enquiry_id="first")  # second's copy is now stale
    meter = Meter(second.factory.client)  # type: ignore[attr-defined]
    stale = meter.start()
    second.consume_credit(ORG, user_id="u", enquiry_id="second")
    return {"requests": stale.requests, "total": stale.total}


def print_table(results: list[dict[str, Any]], spread: dict[str, Any]) -> None:
    print(
        f"{'prior events':>12} {'path':<5} {'requests':<43}"
        f" {'items written (B)':<18} WRU RCU read(B)"
    )
    for result in results:
        for c in result["commands"]:
            calls = ", ".join(f"{k} {v}" for k, v in sorted(c["requests"].items()))
            sizes = "+".join(str(s) for s in c["write_items"])
            head = f"{result['prior_events']:>12} {c['path']:<5} {c['requests_total']} ({calls})"
            tail = f"{sizes:<18} {c['write_units']:>3} {c['read_units']:>3} {c['read_bytes']:>7}"
            print(f"{head:<62} {tail}")
        print(
            f"{'':>12} latest snapshot {result['latest_snapshot_bytes']} B,"
            f" cold status read {result['cold_status_requests']}"
            f" ({result['cold_status_read_bytes']} B)"
        )
    print(f"warm, over {spread['commands']} commands: {spread['per_command']:.3f} requests each")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1_000, 1_099, 100_000])
    parser.add_argument("--warm", type=int, default=3, help="warm commands after the cold one")
    args = parser.parse_args()
    with mock_aws():
        results = [history(size, args.warm) for size in args.sizes]
        spread = amortised(300)
        stale = conflict()
    print_table(results, spread)
    print(f"a command on a stale warm copy: {stale['total']} requests ({stale['requests']})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {"histories": results, "amortised": spread, "stale_copy": stale}
    RESULTS.write_text(json.dumps(summary, indent=2))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
