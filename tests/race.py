"""Runs work on several threads at once, switching between them as often as the
interpreter allows, so that every race window opens."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def race(work: list[Callable[[], None]]) -> None:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=target) for target in work]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
