"""Runs one handler from a built Lambda asset alone, the way Lambda would.

    python -I -S -B lambda_probe.py MODE HANDLER CODE LAYER SITE RESULT

`-I -S -B`: no working directory, no PYTHONPATH, no site-packages, and no .pyc
files written into the asset. sys.path is the code folder, the layer's python/
folder and the standard library, as in Lambda.
MODE "import" imports the handler's module and reports where each module came
from. MODE "invoke" appends SITE (for moto only) after the asset, mocks AWS,
creates the tables and bus named by the environment (from the asset's own
adapters.tables), invokes the handler with sample events and reports what it
answered, plus any module loaded from SITE that neither moto nor one of its
requirements provides (moto loads its own modules lazily): a module the handler
had to borrow because the asset lacks it.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import re
import sys
import sysconfig
from datetime import datetime
from pathlib import Path
from typing import Any

MODE, HANDLER, CODE, LAYER, SITE, RESULT = sys.argv[1:7]
ASSET = [CODE, str(Path(LAYER) / "python")]
MOTO_EXTRAS = {"dynamodb", "dynamodbstreams", "events", "sqs", "ssm"}  # what the probe mocks
STDLIB = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib")}


class Context:
    function_name = "probe"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:probe"
    memory_limit_in_mb = 512
    aws_request_id = "probe-request"
    log_group_name = "/aws/lambda/probe"
    log_stream_name = "probe"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def origins(names: set[str]) -> dict[str, str]:
    """Module -> "asset", "stdlib", "builtin" or the file it came from."""
    found = {}
    for name in sorted(names - {"__main__", "__mp_main__"}):
        file = getattr(sys.modules.get(name), "__file__", None)
        if not file:
            found[name] = "builtin"
        elif any(file.startswith(root) for root in ASSET):
            found[name] = "asset"
        elif any(file.startswith(root) for root in STDLIB):
            found[name] = "stdlib"
        else:
            found[name] = file
    return found


def harness_modules() -> set[str]:
    """Top-level modules of moto and of everything it may require, from SITE."""
    from importlib import metadata

    def key(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    dists = {key(d.metadata["Name"]): d for d in metadata.distributions(path=[SITE])}
    seen: set[str] = set()
    todo = ["moto"]
    while todo:
        name = key(todo.pop())
        if name in seen or name not in dists:
            continue
        seen.add(name)
        for requirement in dists[name].requires or []:
            extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)", requirement)
            if extra is None or (name == "moto" and extra.group(1) in MOTO_EXTRAS):
                todo.append(re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0])
    modules = set()
    for name in seen:
        listed = dists[name].read_text("top_level.txt")
        if listed:
            modules.update(listed.split())
        else:
            files = dists[name].files or []
            tops = {f.parts[0] for f in files if not f.parts[0].endswith((".dist-info", ".."))}
            modules.update(top.removesuffix(".py") for top in tops)
    return modules


def load(handler: str) -> Any:
    module, function = handler.rsplit(".", 1)
    return getattr(importlib.import_module(module), function)


def rest_event(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "probe",
            "httpMethod": method,
            "path": f"/v1{path}",
            "protocol": "HTTP/1.1",
            "requestId": "probe-request",
            "requestTimeEpoch": 0,
            "resourcePath": "/{proxy+}",
            "stage": "v1",
            "identity": {"sourceIp": "127.0.0.1", "userArn": "arn:aws:iam::123456789012:user/p"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def as_lambda_json(value: Any) -> Any:
    """boto3's parsed stream records back into the JSON Lambda delivers."""
    if isinstance(value, dict):
        return {key: as_lambda_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_lambda_json(item) for item in value]
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def setup_aws() -> dict[str, Any]:
    """Tables, bus and an alert queue, named by the function's environment."""
    import boto3

    from adapters.tables import ALL_TABLES

    dynamodb = boto3.client("dynamodb")
    for spec in ALL_TABLES:
        dynamodb.create_table(**spec.create_table_kwargs(os.environ.get(spec.name_env)))
    boto3.client("dynamodbstreams").list_streams()  # loads moto's streams backend now
    sqs = boto3.client("sqs")
    queue = sqs.create_queue(QueueName="probe-alerts")["QueueUrl"]
    bus = os.environ.get("LEDGER_ALERT_BUS")
    if bus:
        events = boto3.client("events")
        events.create_event_bus(Name=bus)
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        for n, pattern in enumerate(json.loads(os.environ["PROBE_ALERT_PATTERNS"])):
            events.put_rule(Name=f"probe-{n}", EventBusName=bus, EventPattern=json.dumps(pattern))
            target = {"Id": "queue", "Arn": arn["Attributes"]["QueueArn"]}
            events.put_targets(Rule=f"probe-{n}", EventBusName=bus, Targets=[target])
    parameter = os.environ.get("LEDGER_ALERT_WEBHOOK_PARAMETER")
    received: list[bytes] = []
    if parameter:  # the notifier's webhook URL, kept in SSM: a receiver on this machine
        url = webhook_receiver(received)
        boto3.client("ssm").put_parameter(Name=parameter, Value=url, Type="SecureString")
    return {"sqs": sqs, "queue": queue, "webhook": received}


def webhook_receiver(received: list[bytes]) -> str:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def run_api(handler: Any) -> dict[str, Any]:
    requests = [
        ("GET", "/health", None),
        ("PUT", "/orgs/acme/plan", {"plan": "Basic"}),
        ("POST", "/orgs/acme/enquiries", {"enquiry_id": "e-1", "user_id": "u-1"}),
        ("GET", "/orgs/acme", None),
    ]
    answers = []
    for method, path, body in requests:
        answer = handler(rest_event(method, path, body), Context())
        answers.append({"status": answer["statusCode"], "body": json.loads(answer["body"])})
    return {"answers": answers}


def run_projector(handler: Any, aws: dict[str, Any]) -> dict[str, Any]:
    import boto3

    from adapters.tables import EVENTS, PROJECTIONS
    from ledger import CreditLedger

    ledger = CreditLedger()
    ledger.set_plan("acme", "Lite")
    for n in range(20):  # every credit of the plan: a LimitReached alert
        ledger.consume_credit("acme", user_id="u-1", enquiry_id=f"e-{n}")
    records = stream_records(os.environ[EVENTS.name_env])
    answer = handler({"Records": records}, Context())
    projections = boto3.client("dynamodb").scan(TableName=os.environ[PROJECTIONS.name_env])
    messages = aws["sqs"].receive_message(QueueUrl=aws["queue"], MaxNumberOfMessages=10)
    alerts = [json.loads(m["Body"])["detail-type"] for m in messages.get("Messages", [])]
    return {
        "answer": answer,
        "records": len(records),
        "projection_items": projections["Count"],
        "alerts": alerts,
    }


def stream_records(table: str) -> list[dict[str, Any]]:
    import boto3

    streams = boto3.client("dynamodbstreams")
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]:
            records.append({**as_lambda_json(record), "eventSourceARN": arn})
    return records


def run_notifier(handler: Any, aws: dict[str, Any]) -> dict[str, Any]:
    answers = []
    for detail_type, rule in (("NearLimit", "threshold"), ("LimitReached", "exhausted")):
        detail = {
            "schema_version": 1,
            "alert_id": f"probe-{detail_type}",
            "org_id": "acme",
            "plan": "Basic",
            "period": "2026-11",
            "limit": 100,
            "used": 100 if rule == "exhausted" else 80,
            "remaining": 0 if rule == "exhausted" else 20,
            "occurred_at": "2026-11-20T10:00:00Z",
            "rule": rule,
            "forecast_used": 123,
            "pace_per_day": 4.1,
            "run_out_at": None if rule == "exhausted" else "2026-11-24T20:00:00Z",
            "period_ends_at": "2026-12-01T00:00:00Z",
            "suggested_plan": "Enterprise",
        }
        event = {
            "version": "0",
            "id": f"probe-{detail_type}",
            "detail-type": detail_type,
            "source": "credit-ledger",
            "account": "123456789012",
            "time": "2026-11-20T10:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": detail,
        }
        answers.append(repr(handler(event, Context())))
    return {"answers": answers, "webhook_calls": len(aws["webhook"])}


def main() -> None:
    sys.path[:0] = ASSET
    result: dict[str, Any] = {}
    if MODE == "import":
        load(HANDLER)
        result["origins"] = origins(set(sys.modules))
    else:
        sys.path.append(SITE)  # for moto, after the asset: the asset wins every name
        from moto import mock_aws

        with mock_aws():
            aws = setup_aws()
            before = set(sys.modules)
            handler = load(HANDLER)
            kind = HANDLER.split(".")[1]
            if kind == "api":
                result = run_api(handler)
            elif kind == "projector":
                result = run_projector(handler, aws)
            else:
                result = run_notifier(handler, aws)
            loaded = origins(set(sys.modules) - before)
            harness = harness_modules()
            result["borrowed"] = {
                name: origin
                for name, origin in loaded.items()
                if origin.startswith(SITE) and name.split(".")[0] not in harness
            }
    Path(RESULT).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
