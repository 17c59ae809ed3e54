"""The eventsourcing library's own recorder conformance tests, on DynamoDB under moto."""

from __future__ import annotations

import unittest
from typing import Any
from uuid import uuid4

import boto3
import pytest
from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    NotSupportedError,
    StoredEvent,
)
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    InfrastructureFactoryTestCase,
)
from eventsourcing.utils import Environment
from moto import mock_aws

from adapters.dynamodb import Factory
from adapters.dynamodb.application_recorder import (
    DynamoDBApplicationRecorder,
    NotificationsNotSupported,
)
from adapters.dynamodb.recorders import DynamoDBAggregateRecorder
from tests.dynamodb_support import (
    REGION,
    client,
    create_events_table,
    dynamodb_env,
    serial_mock_aws,
)

NO_LOG = "DynamoDB has no table-wide notification log; the projector reads DynamoDB Streams"


class MotoTable(unittest.TestCase):
    """Each test gets moto and a fresh events table."""

    def setUp(self) -> None:
        self.mock = mock_aws()
        self.mock.start()
        self.env = Environment("CreditLedger", dynamodb_env(create_events_table()))
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        self.mock.stop()

    def factory(self) -> Any:
        return InfrastructureFactory.construct(self.env)


class TestEventsRecorder(MotoTable, AggregateRecorderTestCase):
    def create_recorder(self) -> DynamoDBAggregateRecorder:
        return self.factory().aggregate_recorder("events")


class TestSnapshotsRecorder(MotoTable, AggregateRecorderTestCase):
    def create_recorder(self) -> DynamoDBAggregateRecorder:
        return self.factory().aggregate_recorder("snapshots")

    def test_snapshots_and_events_do_not_collide(self) -> None:
        factory = self.factory()
        events, snapshots = factory.aggregate_recorder(), self.create_recorder()
        event = StoredEvent(uuid4(), 1, "topic", b"event")
        snapshot = StoredEvent(event.originator_id, 1, "topic", b"snapshot")
        events.insert_events([event])
        snapshots.insert_events([snapshot])
        assert events.select_events(event.originator_id) == [event]
        assert snapshots.select_events(event.originator_id) == [snapshot]

    def test_large_snapshots_are_compressed(self) -> None:
        recorder = self.create_recorder()
        counts = ",".join(f'"user-{n:06d}":{n % 50}' for n in range(30_000)).encode()
        snapshot = StoredEvent(uuid4(), 100, "topic", b"{" + counts + b"}")
        recorder.insert_events([snapshot])
        assert recorder.select_events(snapshot.originator_id) == [snapshot]
        item = client().get_item(
            TableName=self.env.get("LEDGER_EVENTS_TABLE"),
            Key={"stream_id": {"S": str(snapshot.originator_id)}, "version": {"N": "100.5"}},
        )["Item"]
        assert len(snapshot.state) > 400_000 > 4 * len(item["state_z"]["B"])


class TestApplicationRecorder(MotoTable, AggregateRecorderTestCase):
    """The application recorder stores events like the aggregate recorder.

    The library's ApplicationRecorderTestCase is not run: every one of its
    tests reads the notification log, which this store does not have.
    """

    def create_recorder(self) -> DynamoDBApplicationRecorder:
        return self.factory().application_recorder()

    def test_notification_log_refuses_clearly(self) -> None:
        recorder = self.create_recorder()
        for call in (
            lambda: recorder.select_notifications(start=None, limit=10),
            recorder.max_notification_id,
            recorder.subscribe,
        ):
            with pytest.raises(NotificationsNotSupported, match="DynamoDB Stream"):
                call()
        assert issubclass(NotificationsNotSupported, NotImplementedError)


class TestFactory(MotoTable, InfrastructureFactoryTestCase[Factory]):
    def setUp(self) -> None:
        super().setUp()
        self.factory = InfrastructureFactory.construct(self.env)  # type: ignore[assignment,method-assign]

    def expected_factory_class(self) -> type[Factory]:
        return Factory

    def expected_aggregate_recorder_class(self) -> type[DynamoDBAggregateRecorder]:
        return DynamoDBAggregateRecorder

    def expected_application_recorder_class(self) -> type[DynamoDBApplicationRecorder]:
        return DynamoDBApplicationRecorder

    def expected_tracking_recorder_class(self) -> Any:
        raise NotImplementedError(NO_LOG)

    def tracking_recorder_subclass(self) -> Any:
        raise NotImplementedError(NO_LOG)

    def expected_process_recorder_class(self) -> Any:
        raise NotImplementedError(NO_LOG)

    @unittest.skip("no tracking recorder: nothing to track without a notification log")
    def test_create_tracking_recorder(self) -> None: ...

    @unittest.skip("no process recorder: it needs a notification log")
    def test_create_process_recorder(self) -> None: ...

    def test_tracking_and_process_recorders_refuse_clearly(self) -> None:
        with pytest.raises(NotSupportedError, match="tracking"):
            self.factory.tracking_recorder()
        with pytest.raises(NotSupportedError, match="notification log"):
            self.factory.process_recorder()


class TestReadsBeyondOnePage(MotoTable):
    def test_pages_are_followed_and_limits_kept(self) -> None:
        recorder = self.factory().aggregate_recorder()
        oid = uuid4()
        state = b"x" * 300_000  # four items per 1 MB page
        for version in range(1, 11):
            recorder.insert_events([StoredEvent(oid, version, "t", state)])
        assert [e.originator_version for e in recorder.select_events(oid)] == list(range(1, 11))
        assert len(recorder.select_events(oid, gt=2, limit=6)) == 6
        assert recorder.select_events(oid, gt=5, lte=5) == []
        newest = recorder.select_events(oid, desc=True, limit=5)
        assert [e.originator_version for e in newest] == [10, 9, 8, 7, 6]


def test_the_quicker_moto_rollback_of_the_rule_tests_still_rolls_back() -> None:
    with serial_mock_aws():
        table = create_events_table()
        recorder = InfrastructureFactory.construct(dynamodb_env(table)).aggregate_recorder()
        oid = uuid4()
        recorder.insert_events([StoredEvent(oid, 2, "t", b"")])
        with pytest.raises(IntegrityError):
            recorder.insert_events([StoredEvent(oid, 1, "t", b""), StoredEvent(oid, 2, "t", b"")])
        assert [e.originator_version for e in recorder.select_events(oid)] == [2]
        assert len(stream_records(table)) == 1


def stream_records(table: str) -> list[Any]:
    arn = client().describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(streams.get_records(ShardIterator=iterator)["Records"])
