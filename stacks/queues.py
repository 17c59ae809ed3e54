"""SQS queues as this deployment makes them: encrypted, TLS only, kept 14 days."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from stacks.nag import acknowledge

RETENTION = Duration.days(14)  # the SQS maximum: time to notice and redrive


def work_queue(scope: Construct, construct_id: str, *, dead_letters: sqs.IQueue) -> sqs.Queue:
    """A queue someone consumes; what they fail to handle five times moves aside."""
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=RETENTION,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=5),
    )


def dead_letter_queue(scope: Construct, construct_id: str, *, holds: str) -> sqs.Queue:
    """A queue for what could not be delivered or processed (alarmed on its depth)."""
    # SQS-managed keys, not KMS: EventBridge and Lambda destinations can send to
    # them without a key policy, and the messages stay encrypted at rest.
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=RETENTION,
    )
    acknowledge(queue, "SQS3", f"This queue is itself a dead-letter queue: it holds {holds}.")
    return queue
