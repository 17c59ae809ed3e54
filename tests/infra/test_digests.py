"""The digest archive: a bucket under Object Lock in compliance mode, written daily
by a function that may only read events and add objects."""

from __future__ import annotations

import json

from adapters.tables import EVENTS
from handlers.digests import BUCKET_ENV
from stacks.digests import RETENTION_CONTEXT
from tests.infra.synth import ROOT, Synth
from tests.infra.template import Resources, grants

HANDLER = "handlers.digests.handler"


def test_the_bucket_keeps_every_object_in_compliance_mode_for_the_set_retention(
    synth: Synth,
) -> None:
    days = json.loads((ROOT / "cdk.json").read_text())["context"][RETENTION_CONTEXT]
    _, bucket = Resources(synth.template).at("Digests/Bucket/Resource")
    props = bucket["Properties"]
    assert props["ObjectLockEnabled"] is True
    assert props["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": days}},
    }
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["DeletionPolicy"] == "Retain"
    assert days >= 365


def test_the_function_reads_events_and_only_adds_objects(synth: Synth) -> None:
    resources = Resources(synth.template)
    events = resources.id_at(f"EventStore/{EVENTS.logical_id}/Resource")
    bucket = resources.id_at("Digests/Bucket/Resource")
    allowed = grants(resources.statements(HANDLER))
    assert allowed[events] == {"dynamodb:Scan", "dynamodb:Query"}
    assert allowed[bucket] == {"s3:PutObject"}
    assert set(allowed) - {events, bucket} <= {"*", _log_group(synth)}
    variables = resources.function(HANDLER)[1]["Properties"]["Environment"]["Variables"]
    assert variables[BUCKET_ENV] == {"Ref": bucket}
    assert variables[EVENTS.name_env] == {"Ref": events}


def test_a_schedule_invokes_the_function_every_day(synth: Synth) -> None:
    resources = Resources(synth.template)
    rule = resources.at("Digests/Daily/Resource")[1]["Properties"]
    assert rule["ScheduleExpression"] == "cron(5 0 * * ? *)"
    assert rule["State"] == "ENABLED"
    alias = resources.alias(HANDLER)[0]
    assert [t["Arn"] for t in rule["Targets"]] == [{"Ref": alias}]


def _log_group(synth: Synth) -> str:
    props = Resources(synth.template).function(HANDLER)[1]["Properties"]
    return str(props["LoggingConfig"]["LogGroup"]["Ref"])
