"""Failures the `ledger` command reports as one line, without a traceback."""

from __future__ import annotations

USAGE = 2  # a bad argument or setting, as argparse exits on its own errors


class CommandError(Exception):
    """A message for stderr and the exit status to go with it."""

    def __init__(self, message: str, status: int = USAGE) -> None:
        super().__init__(message)
        self.status = status
