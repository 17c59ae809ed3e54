"""`ledger serve` and `ledger rebuild` on the DynamoDB store (a moto server over HTTP):
usage and alerts follow the events table's stream; a table it cannot follow is
refused in one line; orgs written before the stream existed are caught up."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from adapters.tables import EVENTS
from ledger import CreditLedger
from ledger.domain.org import org_uuid
from localmode.feeds import STREAM_POSITIONS_FILE, StreamFeed
from localmode.projection import open_projection_store
from localmode.worker import ProjectionWorker
from tests.dynamodb_server import SerialMotoServer
from tests.dynamodb_support import REGION
from tests.http.client import LedgerProcess, call, run_ledger
from tests.http.test_usage_and_alerts import alert_lines, eventually, use

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = SerialMotoServer()
    server.start()
    yield server.endpoint_url
    server.stop()


def _env(endpoint: str, table: str, create: bool = True) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "adapters.dynamodb",
        EVENTS.name_env: table,
        "CREATE_TABLE": "yes" if create else "no",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def _table() -> str:
    return f"events-{uuid.uuid4().hex[:8]}"


def test_usage_and_alerts_follow_the_stream_and_rebuild_agrees(
    endpoint: str, tmp_path: Path
) -> None:
    env = _env(endpoint, _table())
    server = LedgerProcess(tmp_path, env).start()
    try:
        call(server.base, "PUT", "/orgs/acme/plan", {"plan": "Lite"})
        use(server.base, "acme", 20)  # every credit of Lite: LimitReached
        usage = eventually(
            lambda: call(server.base, "GET", "/orgs/acme/usage"),
            lambda r: r.status == 200 and r.json()["used"] == 20,
        )
        assert (usage.status, usage.json()["used"]) == (200, 20)
        reached = lambda found: "LimitReached" in [x["detail-type"] for x in found]  # noqa: E731
        lines = eventually(lambda: alert_lines(tmp_path), reached)
        assert reached(lines)
    finally:
        server.stop()
    assert (tmp_path / STREAM_POSITIONS_FILE).is_file()

    done = run_ledger("rebuild", "--data-dir", str(tmp_path), env=env)
    assert done.returncode == 0, done.stderr
    assert "rebuilt 1 orgs" in done.stderr and "no differences" in done.stderr

    again = LedgerProcess(tmp_path, env).start()  # resumes; writes no alert twice
    try:
        assert call(again.base, "GET", "/orgs/acme/usage").json()["used"] == 20
    finally:
        again.stop()
    assert alert_lines(tmp_path) == lines


@pytest.mark.parametrize("problem", ["missing", "no stream"])
def test_a_table_it_cannot_follow_is_refused_in_one_line(
    endpoint: str, tmp_path: Path, problem: str
) -> None:
    table = _table()
    if problem == "no stream":
        kwargs = EVENTS.create_table_kwargs(table)
        del kwargs["StreamSpecification"]
        _client(endpoint).create_table(**kwargs)
    done = run_ledger(
        "serve", "--port", "0", "--data-dir", str(tmp_path), env=_env(endpoint, table, create=False)
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"'{table}'" in done.stderr
    assert not (tmp_path / "alerts.jsonl").exists()


def test_rebuild_of_a_missing_table_is_one_line(endpoint: str, tmp_path: Path) -> None:
    env = _env(endpoint, _table(), create=False)
    done = run_ledger("rebuild", "--data-dir", str(tmp_path), env=env)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


def test_orgs_written_before_the_stream_are_caught_up(
    endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = _table()
    kwargs = EVENTS.create_table_kwargs(table)
    stream = kwargs.pop("StreamSpecification")
    client = _client(endpoint)
    client.create_table(**kwargs)
    env = _env(endpoint, table, create=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ledger = CreditLedger(env=env)
    ledger.set_plan("early", "Basic")
    ledger.consume_credit("early", user_id="u", enquiry_id="e-1")
    client.update_table(TableName=table, StreamSpecification=stream)
    ledger.set_plan("late", "Basic")

    store = open_projection_store(tmp_path)
    feed = StreamFeed(client, _client(endpoint, "dynamodbstreams"), table, tmp_path / "p.json")
    worker = ProjectionWorker(ledger, store, sink=_NoSink(), feed=feed)
    worker.run_once()

    early, late = store.head(str(org_uuid("early"))), store.head(str(org_uuid("late")))
    assert early is not None and early.version == 3
    assert late is not None and late.version == 2
    # The next start resumes from the saved positions: no scan, nothing new.
    again = StreamFeed(client, _client(endpoint, "dynamodbstreams"), table, tmp_path / "p.json")
    assert not again.start_over
    assert ProjectionWorker(ledger, store, sink=_NoSink(), feed=again).run_once() == 0
    ledger.close()
    store.close()


class _NoSink:
    def publish(self, alerts: object) -> set[str]:
        return set()


def _client(endpoint: str, service: str = "dynamodb") -> object:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
