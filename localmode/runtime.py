"""Starts the local server and its background workers, and stops them cleanly."""

from __future__ import annotations

import sys
from pathlib import Path

from localmode.errors import CommandError
from localmode.lock import lock_data_dir
from localmode.settings import configure

DRAIN_SECONDS = 10  # how long shutdown waits for requests under way


def run(host: str, port: int, data_dir: Path) -> int:
    env = configure(data_dir)
    from handlers.deadlines import configured_seconds

    try:
        configured_seconds()  # checked at start, not at each request
    except ValueError as error:
        raise CommandError(str(error)) from None
    lock = lock_data_dir(data_dir)  # before anything reads or writes the data dir
    # Imported after configure(): powertools reads its settings at import time.
    from handlers import wiring
    from handlers.observability import logger
    from ledger import CreditLedger
    from localmode.projection import start_projection
    from localmode.server import make_server, serve_until_stopped
    from localmode.shutdown import IN_FLIGHT

    ledger = CreditLedger(env=env)
    # The port first: a start that cannot listen must not project or post alerts.
    server = make_server(host, port)
    try:
        projection = start_projection(ledger, data_dir, logger)
    except (ValueError, CommandError) as error:  # a setting, e.g. the webhook URL; the store
        server.server_close()
        ledger.close()
        raise CommandError(str(error)) from None
    wiring.bootstrap(ledger=ledger, projections=projection.store)

    def close() -> None:
        if not IN_FLIGHT.drain(timeout=DRAIN_SECONDS):
            logger.warning("requests still running at shutdown; closing the store anyway")
        projection.stop()
        ledger.close()
        lock.close()

    serve_until_stopped(
        server,
        close,
        started=lambda: logger.info(
            "ledger serving", extra={"host": host, "port": port, "data_dir": str(data_dir)}
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(run("127.0.0.1", 8000, Path(".ledger")))
