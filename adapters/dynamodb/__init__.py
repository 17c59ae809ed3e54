"""An eventsourcing persistence module on DynamoDB: PERSISTENCE_MODULE=adapters.dynamodb.

Optimistic concurrency is enforced by DynamoDB itself: each event is a put
conditioned on its (stream, version) key not existing, and a save of several
items is one TransactWriteItems. See docs/dynamodb.md.
"""

from adapters.dynamodb.factory import Factory

__all__ = ["Factory"]
