"""Helpers for tests that run the DynamoDB store under moto."""

from __future__ import annotations

import uuid
from typing import Any

import boto3

from adapters.tables import EVENTS

REGION = "eu-west-1"


def create_events_table(endpoint_url: str | None = None) -> str:
    """A fresh events table, made from the one table definition; returns its name."""
    name = f"events-{uuid.uuid4().hex[:12]}"
    client(endpoint_url).create_table(**EVENTS.create_table_kwargs(name))
    return name


def client(endpoint_url: str | None = None) -> Any:
    return boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint_url)


def dynamodb_env(table: str, endpoint_url: str | None = None) -> dict[str, str]:
    env = {
        "PERSISTENCE_MODULE": "adapters.dynamodb",
        EVENTS.name_env: table,
        "AWS_DEFAULT_REGION": REGION,
    }
    if endpoint_url:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    return env
