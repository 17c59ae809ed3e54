"""Generated requests against /openapi.json: no 5xx, and every response as documented."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.http.client import LedgerProcess

pytestmark = pytest.mark.slow

# A CI-sized run; raise it locally with SCHEMATHESIS_EXAMPLES=500.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _check_operation(operation: APIOperation, base: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base, checks=CHECKS)

    check()


def test_every_operation_conforms(server: LedgerProcess) -> None:
    # Loaded here rather than with schemathesis' pytest fixture loader, which
    # does not run on this pytest version.
    schema = schemathesis.openapi.from_url(f"{server.base}/openapi.json")
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:
        try:
            _check_operation(operation, server.base)
        except (Exception, BaseExceptionGroup) as error:  # report every operation
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
