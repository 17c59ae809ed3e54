"""`ledger console`: the customer-success pages alone, read-only, on this machine.

It reads a local data dir, or the AWS tables named by the environment with the
caller's own credentials (PERSISTENCE_MODULE=adapters.dynamodb), and serves only
the console and GET /orgs: the resolver it uses has no route that writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from localmode.errors import CommandError
from localmode.settings import configure

DYNAMODB = "adapters.dynamodb"


def run_console(host: str, port: int, data_dir: Path) -> int:
    env = configure(data_dir, create=False)
    from handlers import wiring
    from handlers.api import create_console_app
    from ledger import CreditLedger
    from localmode import gateway
    from localmode.projection import PROJECTIONS_FILE
    from localmode.server import make_server, serve_until_stopped

    on_aws = os.environ.get("PERSISTENCE_MODULE") == DYNAMODB
    path = data_dir / PROJECTIONS_FILE
    if not on_aws and not path.is_file():
        raise CommandError(f"no projection in {data_dir} yet (run ledger serve)", status=1)
    ledger = CreditLedger(env=env)
    if on_aws:  # the projections table named by the environment
        wiring.bootstrap(ledger=ledger)
    else:
        from adapters.projection_sqlite import SQLiteProjectionStore

        wiring.bootstrap(ledger=ledger, projections=SQLiteProjectionStore(path))
    gateway.use_app(create_console_app)
    server = make_server(host, port)

    serve_until_stopped(server, ledger.close)
    return 0
