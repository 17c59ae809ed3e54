"""Fixtures of the rule tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def many_commands(store: str) -> None:
    """For tests that need hundreds of commands to reach a state (the rules' own numbers).

    The rule does not depend on the store, and the DynamoDB emulator takes about
    a tenth of a second a command: those run on the memory and SQLite stores only.
    """
    if store == "dynamodb":
        pytest.skip("hundreds of commands; the same rule runs on the other stores")
