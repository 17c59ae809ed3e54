"""The DynamoDB client and table name, from the application's environment."""

from __future__ import annotations

from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError
from eventsourcing.utils import Environment

from adapters.tables import EVENTS
from ledger import deadline

ENDPOINT = "AWS_ENDPOINT_URL_DYNAMODB"
REGIONS = ("AWS_REGION", "AWS_DEFAULT_REGION")

# Short timeouts: a command that waits long is worth less than a 503 and a retry.
CONNECT_TIMEOUT, READ_TIMEOUT = 1, 2
# The longest one HTTP attempt may take: a request's deadline keeps this much in
# hand, so no attempt starts that could not end before it (ledger.deadline).
CALL_LIMIT = float(CONNECT_TIMEOUT + READ_TIMEOUT)
CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=CONNECT_TIMEOUT,
    read_timeout=READ_TIMEOUT,
    tcp_keepalive=True,
    max_pool_connections=32,
)


class DeadlinePassed(BotoCoreError):
    """Raised instead of an HTTP attempt (a first one or botocore's retry) that
    could not finish before the request's deadline; not retried by botocore."""

    fmt = "not sent: the request's deadline has passed"


def _within_deadline(**_: Any) -> None:
    if deadline.passed():
        raise DeadlinePassed()


def table_name(env: Environment) -> str:
    return env.get(EVENTS.name_env) or EVENTS.default_name


def make_client(env: Environment, service: str = "dynamodb") -> Any:
    """A low-level client: it keeps numbers as strings and binary as bytes.

    Settings are read from the application's environment (which includes the
    process environment), so tests and scripts can pass them in explicitly;
    anything not given falls back to boto3's usual resolution. The streams
    client (service "dynamodbstreams") uses AWS_ENDPOINT_URL_DYNAMODBSTREAMS,
    else the DynamoDB endpoint (a local server answers both).
    """
    names = [f"AWS_ENDPOINT_URL_{service.upper()}", ENDPOINT, "AWS_ENDPOINT_URL"]
    endpoint = next((env.get(name) for name in names if env.get(name)), None)
    region = next((env.get(key) for key in REGIONS if env.get(key)), None)
    import boto3  # here: a handler that only reads item names need not load it

    session: Any = boto3.session.Session()  # any service name, not one literal
    client = session.client(service, endpoint_url=endpoint, region_name=region, config=CONFIG)
    client.meta.events.register("before-send", _within_deadline)  # every attempt, retries too
    return client


def create_table(client: Any, name: str) -> None:
    """Creates the events table if missing (local servers only; AWS tables come from CDK)."""
    try:
        client.describe_table(TableName=name)
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**EVENTS.create_table_kwargs(name))
        client.get_waiter("table_exists").wait(TableName=name)
