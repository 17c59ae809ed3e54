"""A `ledger serve` process per module for the reliability tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.http.client import LedgerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerProcess]:
    process = LedgerProcess(tmp_path_factory.mktemp("ledger")).start()
    yield process
    process.stop()
