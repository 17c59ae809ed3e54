"""Replaying the projector's failure queue under moto: the stretch of the stream each
message names is read back and its orgs projected; the message goes only after;
a stretch the stream no longer holds is made up by catching up every org."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import boto3
import pytest
from moto import mock_aws

from adapters.projection_dynamodb import DynamoDBProjectionStore
from adapters.tables import EVENTS, PROJECTIONS
from handlers.replay import BATCH_INFO, replay_failures
from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.alerts import Alert
from projections.projector import AlertSink, LedgerEvents, Projector
from tests.dynamodb_support import dynamodb_env
from tests.projection_stores import aws_test_env


class ListSink(AlertSink):
    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    def publish(self, alerts: Sequence[Alert]) -> set[str]:
        self.alerts += alerts
        return {alert.alert_id for alert in alerts}


class Aws:
    def __init__(self) -> None:
        self.dynamodb = boto3.client("dynamodb")
        self.dynamodb.create_table(**EVENTS.create_table_kwargs())
        self.dynamodb.create_table(**PROJECTIONS.create_table_kwargs())
        self.streams, self.sqs = boto3.client("dynamodbstreams"), boto3.client("sqs")
        self.queue = self.sqs.create_queue(QueueName="projector-failures")["QueueUrl"]
        self.ledger = CreditLedger(env=dynamodb_env(EVENTS.default_name))
        self.store = DynamoDBProjectionStore(self.dynamodb, PROJECTIONS.default_name)
        self.sink = ListSink()
        self.projector = Projector(self.store, LedgerEvents(self.ledger), self.sink)

    def shard(self) -> tuple[str, str, list[dict[str, Any]]]:
        arn = self.dynamodb.describe_table(TableName=EVENTS.default_name)["Table"][
            "LatestStreamArn"
        ]
        (shard,) = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        iterator = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = self.streams.get_records(ShardIterator=iterator)["Records"]
        return arn, shard["ShardId"], records

    def fail(self, arn: str, shard_id: str, first: str, last: str) -> None:
        """What Lambda puts on the on-failure queue for a batch it gave up on."""
        body = {
            "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
            "version": "1.0",
            BATCH_INFO: {
                "shardId": shard_id,
                "startSequenceNumber": first,
                "endSequenceNumber": last,
                "batchSize": 1,
                "streamArn": arn,
            },
        }
        self.sqs.send_message(QueueUrl=self.queue, MessageBody=json.dumps(body))

    def replay(self, every_org: Any = lambda: [], streams: Any = None) -> Any:
        streams = streams or self.streams
        return replay_failures(self.sqs, self.queue, streams, self.projector, every_org)

    def left(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue, AttributeNames=["ApproximateNumberOfMessages"]
        )
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


@pytest.fixture
def aws() -> Iterator[Aws]:
    aws_test_env()
    with mock_aws():
        made = Aws()
        yield made
        made.ledger.close()


class Trimmed:
    """The stream client, with every record older than the stream keeps."""

    def __init__(self, streams: Any) -> None:
        self.exceptions = streams.exceptions

    def get_shard_iterator(self, **_: Any) -> Any:
        error = {"Error": {"Code": "TrimmedDataAccessException", "Message": "trimmed"}}
        raise self.exceptions.TrimmedDataAccessException(error, "GetShardIterator")


def sequence(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def test_the_named_stretch_is_projected_and_its_alerts_published(aws: Aws) -> None:
    aws.ledger.set_plan("acme", "Lite")
    aws.ledger.set_plan("other", "Lite")  # in the stream, but not in the failed stretch
    for n in range(20):
        aws.ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
    arn, shard_id, records = aws.shard()
    acme = [r for r in records if r["dynamodb"]["Keys"]["stream_id"]["S"] == str(org_uuid("acme"))]
    aws.fail(arn, shard_id, sequence(acme[-3]), sequence(acme[-1]))

    report = aws.replay()

    assert (report.messages, report.orgs, report.caught_up_everything) == (
        1,
        {org_uuid("acme")},
        False,
    )
    head = aws.store.head(str(org_uuid("acme")))
    assert head is not None and head.version == 22  # opened, plan, 20 consumes
    assert aws.store.head(str(org_uuid("other"))) is None
    assert "LimitReached" in [a.kind for a in aws.sink.alerts]
    assert aws.left() == 0


def test_a_stretch_the_stream_lost_catches_up_every_org_once(aws: Aws) -> None:
    aws.ledger.set_plan("acme", "Basic")
    arn, shard_id, records = aws.shard()
    for _ in range(2):
        aws.fail(arn, shard_id, sequence(records[0]), sequence(records[-1]))
    caught_up: list[uuid.UUID] = []

    def every_org() -> list[uuid.UUID]:
        caught_up.append(org_uuid("acme"))
        return [org_uuid("acme")]

    report = aws.replay(every_org, Trimmed(aws.streams))

    assert report.messages == 2 and report.caught_up_everything
    assert caught_up == [org_uuid("acme")]
    head = aws.store.head(str(org_uuid("acme")))
    assert head is not None and head.version == 2
    assert aws.left() == 0


def test_the_command_names_the_outputs_it_needs_in_one_line() -> None:
    from tests.http.client import run_ledger

    empty = {"LEDGER_EVENTS_TABLE": "", "LEDGER_PROJECTIONS_TABLE": "", "LEDGER_ALERT_BUS": ""}
    done = run_ledger("replay-failures", "https://sqs.example/queue", env=empty)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "LEDGER_EVENTS_TABLE" in done.stderr
