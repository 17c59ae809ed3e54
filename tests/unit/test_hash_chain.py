"""The hashed bytes: RFC 8785 canonical JSON of each event, chained by SHA-256."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain import chain

TEXT = st.text(st.characters(exclude_categories=("Cs",)))  # any Unicode a JSON string holds
KEYS = st.text(st.characters(max_codepoint=127), max_size=12)
SCALARS = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(KEYS, VALUES, max_size=6), TEXT, st.integers(1, 2**40))
def test_the_hashed_bytes_are_rfc_8785(data: dict[str, Any], org_id: str, version: int) -> None:
    doc = chain.document(org_id, version, "TopUpGranted", datetime(2026, 11, 5, tzinfo=UTC), data)
    assert chain.canonical(doc) == rfc8785.dumps(doc)


def test_a_link_is_sha256_of_the_previous_hash_then_the_canonical_document() -> None:
    moment = datetime(2026, 11, 5, 12, 30, tzinfo=UTC)
    doc = chain.document("acme", 2, "PlanSet", moment, {"plan": "Basic", "trial_ends_at": None})
    expected = (
        b'{"data":{"plan":"Basic","trial_ends_at":null},"occurred_at":"2026-11-05T12:30:00Z",'
        b'"org_id":"acme","type":"PlanSet","version":2}'
    )
    assert chain.canonical(doc) == expected
    assert chain.link(chain.GENESIS, doc) == hashlib.sha256(b"0" * 64 + expected).hexdigest()


def test_times_are_written_in_utc_with_microseconds_only_when_there_are_some() -> None:
    plus_one = timezone(timedelta(hours=1))
    assert (
        chain.moment_text(datetime(2026, 11, 5, 13, 0, tzinfo=plus_one)) == "2026-11-05T12:00:00Z"
    )
    assert (
        chain.moment_text(datetime(2026, 11, 5, 12, 0, 0, 5, tzinfo=UTC))
        == "2026-11-05T12:00:00.000005Z"
    )


@pytest.mark.parametrize("value", [1.5, 2**53, {1: "a"}, {"é": 1}, object()])
def test_values_another_implementation_could_write_differently_are_refused(value: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        chain.plain({"x": value})
