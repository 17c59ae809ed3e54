"""The scheduled digest writer, under moto: every org's digest, one object a run, in
a bucket under Object Lock, as `ledger digest` prints them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from handlers import digests, wiring
from ledger import CreditLedger
from localmode.cli import main
from tests.audit_support import StoredEvents
from tests.conftest import FakeClock
from tests.dynamodb_support import REGION, create_events_table, dynamodb_env, serial_mock_aws
from tests.stream_support import FakeContext

BUCKET = "ledger-digests"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An events table and a bucket under Object Lock (compliance mode, one day)."""
    with serial_mock_aws():
        for name, value in dynamodb_env(create_events_table()).items():
            monkeypatch.setenv(name, value)
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=BUCKET,
            ObjectLockEnabledForBucket=True,
            CreateBucketConfiguration={"LocationConstraint": REGION},
        )
        client.put_object_lock_configuration(
            Bucket=BUCKET,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}},
            },
        )
        monkeypatch.setenv(digests.BUCKET_ENV, BUCKET)
        yield client


@pytest.fixture
def ledger(s3: Any, clock: FakeClock) -> Iterator[CreditLedger]:
    made = CreditLedger(clock=clock)  # on the table the environment names
    wiring.bootstrap(ledger=made)
    yield made
    wiring.bootstrap()
    made.close()


def test_each_run_writes_every_orgs_digest_as_ledger_digest_prints_them(
    s3: Any, ledger: CreditLedger, clock: FakeClock, tmp_path: Path, capsys: Any
) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    ledger.set_plan("beta", "Trial")
    written = digests.handler({"source": "aws.events"}, FakeContext())
    assert written["orgs"] == 2
    assert written["key"].startswith("digests/") and written["key"].endswith("Z.jsonl")
    kept = s3.get_object(Bucket=BUCKET, Key=written["key"])
    assert kept["ObjectLockMode"] == "COMPLIANCE"
    body = kept["Body"].read().decode()
    assert main(["digest", "--data-dir", str(tmp_path)]) == 0
    assert body == capsys.readouterr().out

    # The kept digests catch a history changed afterwards.
    path = tmp_path / "digests.jsonl"
    path.write_text(body)
    assert main(["verify", "--digests", str(path), "--data-dir", str(tmp_path)]) == 0
    StoredEvents(ledger, "acme").edit(3, user_id="u-2")
    assert main(["verify", "--digests", str(path), "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().out.startswith("org acme: version 3 ")


def test_a_kept_digest_cannot_be_deleted(s3: Any, ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Basic")
    key = digests.handler({}, FakeContext())["key"]
    version = s3.head_object(Bucket=BUCKET, Key=key)["VersionId"]
    with pytest.raises(s3.exceptions.ClientError, match="AccessDenied"):
        s3.delete_object(Bucket=BUCKET, Key=key, VersionId=version)


def test_every_org_is_found_once_across_the_scan_segments(s3: Any, ledger: CreditLedger) -> None:
    from adapters.org_streams import SEGMENTS, _segment, digest_lines, org_keys
    from ledger.audit import digest_of
    from ledger.domain.org import org_uuid

    names = [f"org-{n}" for n in range(5 * SEGMENTS)]
    for name in names:
        ledger.set_plan(name, "Lite")
        for e in range(3):
            ledger.consume_credit(name, user_id="u", enquiry_id=f"e-{e}")
    keys = org_keys(ledger.recorder)
    assert sorted(keys) == sorted(org_uuid(name) for name in names)
    client, table = ledger.recorder.client, ledger.recorder.table_name  # type: ignore[attr-defined]
    by_segment = [_segment(client, table, n) for n in range(SEGMENTS)]
    found = [key for keys_of in by_segment for key in keys_of]
    assert len(found) == len(set(found)) == len(names)  # each org in one segment, once
    lines, missing = digest_lines(ledger)
    one_by_one = [digest_of(ledger.events, org_uuid(name)) for name in sorted(names)]
    assert missing == [] and lines == [d.line() for d in one_by_one if d is not None]
    assert len(lines) == len(names)
