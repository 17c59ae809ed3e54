from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http.client import LedgerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerProcess]:
    process = LedgerProcess(tmp_path_factory.mktemp("ledger")).start()
    yield process
    process.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[LedgerProcess]:
    process = LedgerProcess(tmp_path / "data").start()
    yield process
    process.stop()
