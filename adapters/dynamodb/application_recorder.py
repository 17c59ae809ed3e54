"""The application recorder: stores events, and says plainly that it has no notification log."""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import (
    ApplicationRecorder,
    Notification,
    NotSupportedError,
    Subscription,
)

from adapters.dynamodb.recorders import DynamoDBAggregateRecorder


class NotificationsNotSupported(NotSupportedError, NotImplementedError):
    """DynamoDB keeps no table-wide order of events (see docs/dynamodb.md)."""


class DynamoDBApplicationRecorder(DynamoDBAggregateRecorder, ApplicationRecorder):
    """Writes and reads events; has no notification log.

    DynamoDB has no order across partitions, and a counter item updated by
    every write would serialise all orgs on one item. In AWS, the projector
    reads the table's DynamoDB Stream instead (ordered per org).
    """

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        raise self._no_notifications()

    def max_notification_id(self) -> int | None:
        raise self._no_notifications()

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        raise self._no_notifications()

    @staticmethod
    def _no_notifications() -> NotificationsNotSupported:
        return NotificationsNotSupported(
            "the DynamoDB event store has no table-wide notification log: read the "
            "table's DynamoDB Stream (per-org order), or use eventsourcing.sqlite locally"
        )
