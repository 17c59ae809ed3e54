"""One `ledger serve` per data dir: each server remembers which alerts it has
written, so a second one on the same files writes and posts them again."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from localmode.errors import CommandError

LOCK_FILE = "serve.lock"


def lock_data_dir(data_dir: Path) -> IO[str]:
    """Holds the data dir while the returned file stays open.

    flock belongs to the open file, so the kernel lets go when the process ends,
    however it ends (kill -9 too): there is never a stale lock to clear by hand.
    """
    file = (data_dir / LOCK_FILE).open("a+")
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        file.seek(0)
        holder = file.read().strip()
        file.close()
        by = f" (pid {holder})" if holder else ""
        raise CommandError(f"another ledger serve{by} is using {data_dir}") from None
    file.truncate(0)
    file.write(f"{os.getpid()}\n")  # for the message a second server prints
    file.flush()
    return file
