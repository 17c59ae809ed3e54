"""Scheduled: writes every org's digest to the digest archive (S3, Object Lock).

One object a run, `digests/YYYY/MM/DD/HHMMSSZ.jsonl`, one JSON line per org as
`ledger digest` prints them, so `ledger verify --digests` and the verifier in
docs/AUDIT.md read it as it is. The bucket's default retention (compliance
mode) applies to each object as it is written: nobody can change or delete
it before the retention ends.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from adapters.org_streams import digest_lines
from handlers.digest_keys import BUCKET_ENV, object_key
from handlers.observability import logger, trace_calls, tracer
from handlers.wiring import services


def write_digests(s3: Any, bucket: str, moment: datetime) -> dict[str, Any]:
    lines, _ = digest_lines(services().ledger)
    body = "".join(json.dumps(line) + "\n" for line in lines).encode("utf-8")
    key = object_key(moment)
    # Object Lock needs a checksum of every object written under it.
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentType="application/x-ndjson",
        ChecksumAlgorithm="SHA256",
    )
    return {"key": key, "orgs": len(lines)}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    import boto3

    trace_calls("botocore")
    written = write_digests(boto3.client("s3"), os.environ[BUCKET_ENV], datetime.now(UTC))
    logger.info("digests written", extra=written)
    return written
