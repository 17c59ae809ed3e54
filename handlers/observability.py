"""Logger, Tracer and Metrics shared by every handler (configured by environment)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

from handlers.metric_names import NAMESPACE, SERVICE

logger = Logger(service=SERVICE)
# Lambda's active tracing records each invocation; the Tracer adds the handler's
# subsegment. Patching every library the X-Ray SDK knows (its default) imports
# them all at each cold start, used or not: each function patches what it calls.
tracer = Tracer(service=SERVICE, auto_patch=False)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


def trace_calls(*modules: str) -> None:
    """X-Ray subsegments for calls made through these libraries ("botocore", "httplib").

    Called where a function first builds its client, so botocore is imported
    with boto3 rather than at import of the handler. Patching twice is a no-op.
    """
    tracer.patch(modules)
