"""`ledger console` on a person's machine, reading the AWS tables (a moto server here)
with the caller's credentials: the pages and GET /orgs work, nothing is written, and
no route that writes exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.projection_dynamodb import DynamoDBProjectionStore
from adapters.tables import EVENTS, PROJECTIONS
from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.projector import LedgerEvents, Projector
from tests.conftest import FakeClock
from tests.dynamodb_server import SerialMotoServer
from tests.dynamodb_support import client, dynamodb_env
from tests.http.client import ROOT, call
from tests.projection_stores import aws_test_env

pytestmark = pytest.mark.slow


@pytest.fixture
def cloud() -> Iterator[str]:
    aws_test_env()
    server = SerialMotoServer()
    server.start()
    try:
        yield server.endpoint_url
    finally:
        server.stop()


def items(endpoint: str) -> dict[str, int]:
    dynamodb = client(endpoint)
    return {
        table.default_name: dynamodb.scan(TableName=table.default_name, Select="COUNT")["Count"]
        for table in (EVENTS, PROJECTIONS)
    }


def test_the_console_reads_the_aws_tables_and_writes_nothing(cloud: str) -> None:
    dynamodb = client(cloud)
    for table in (EVENTS, PROJECTIONS):
        dynamodb.create_table(**table.create_table_kwargs())
    env = dynamodb_env(EVENTS.default_name, cloud)
    ledger = CreditLedger(env=env, clock=FakeClock(datetime.now(UTC)))
    ledger.set_plan("acme", "Lite")
    for n in range(5):
        ledger.consume_credit("acme", user_id="u-1", enquiry_id=f"e-{n}")
    Projector(DynamoDBProjectionStore(dynamodb), LedgerEvents(ledger)).project(org_uuid("acme"))
    before = items(cloud)
    process = subprocess.Popen(
        [sys.executable, "-m", "localmode.cli", "console", "--port", "0"],
        cwd=ROOT,
        env={**os.environ, **env, PROJECTIONS.name_env: PROJECTIONS.default_name},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        base: str = json.loads(line)["listening"]
        listing = call(base, "GET", "/console")
        assert listing.status == 200 and 'data-org="acme"' in listing.text
        page = call(base, "GET", "/console/orgs/acme")
        assert page.status == 200 and 'id="chart-data"' in page.text
        rows: Any = call(base, "GET", "/orgs").json()["orgs"]
        assert [(r["org_id"], r["used"], r["limit"]) for r in rows] == [("acme", 5, 20)]
        assert call(base, "GET", "/console/assets/console.js").status == 200
        charge = {"enquiry_id": "e-9", "user_id": "u-1"}
        assert call(base, "POST", "/orgs/acme/enquiries", charge).status in (404, 405)
        assert call(base, "PUT", "/orgs/acme/plan", {"plan": "Basic"}).status in (404, 405)
        assert call(base, "GET", "/orgs/acme").status == 404  # only the console's routes
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert items(cloud) == before
