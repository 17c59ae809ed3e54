"""The DynamoDB client and table name, from the application's environment."""

from __future__ import annotations

from typing import Any

from botocore.config import Config
from eventsourcing.utils import Environment

from adapters.tables import EVENTS

ENDPOINT = "AWS_ENDPOINT_URL_DYNAMODB"
REGIONS = ("AWS_REGION", "AWS_DEFAULT_REGION")

# Short timeouts: a command that waits long is worth less than a 503 and a retry.
CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
    max_pool_connections=32,
)


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
    return session.client(service, endpoint_url=endpoint, region_name=region, config=CONFIG)


def create_table(client: Any, name: str) -> None:
    """Creates the events table if missing (local servers only; AWS tables come from CDK)."""
    try:
        client.describe_table(TableName=name)
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**EVENTS.create_table_kwargs(name))
        client.get_waiter("table_exists").wait(TableName=name)
