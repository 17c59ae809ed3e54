"""The `ledger` command: serve the API, and read-only views for support and auditors."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from localmode import audit_cli as audit_commands
from localmode.errors import CommandError
from localmode.settings import configure

if TYPE_CHECKING:  # imported lazily at run time: `ledger --help` stays fast
    from ledger import CreditLedger


BROKEN_PIPE = 141  # what a shell reports for a command a closed pipe stopped


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status = int(args.run(args) or 0)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then caught below
    except CommandError as error:
        print(f"ledger: {error}", file=sys.stderr)
        return error.status
    except BrokenPipeError:  # `ledger history ORG | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ledger", description="The credit ledger.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP API on this machine")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    _data_dir(serve)
    serve.set_defaults(run=_serve)

    status = commands.add_parser("status", help="an org's status, now or at a past moment")
    status.add_argument("org_id")
    status.add_argument(
        "--at", type=_moment, help="ISO 8601 time with zone, e.g. 2026-11-05T12:00Z"
    )
    _data_dir(status)
    status.set_defaults(run=_status)

    history = commands.add_parser("history", help="an org's events as a table")
    history.add_argument("org_id")
    history.add_argument("--json", action="store_true", help="one JSON object per line")
    _data_dir(history)
    history.set_defaults(run=_history)

    rebuild = commands.add_parser(
        "rebuild", help="replay every event into a fresh projection; report differences"
    )
    _data_dir(rebuild)
    rebuild.set_defaults(run=_rebuild)

    audit_commands.add_commands(commands, _data_dir, _moment, _open_ledger)
    return parser


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=Path(".ledger"))


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-11-05T12:00:00Z")
    return moment


def _open_ledger(data_dir: Path) -> CreditLedger:
    from ledger import CreditLedger

    return CreditLedger(env=configure(data_dir, create=False))


def _serve(args: argparse.Namespace) -> int:
    from localmode.runtime import run

    return run(args.host, args.port, args.data_dir)


def _status(args: argparse.Namespace) -> int:
    from ledger import LedgerError

    try:
        status = _open_ledger(args.data_dir).status(args.org_id, at=args.at)
    except LedgerError as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    print(status.model_dump_json(indent=2))
    return 0


def _history(args: argparse.Namespace) -> int:
    from ledger import LedgerError

    ledger = _open_ledger(args.data_dir)
    after = 0
    rows: list[list[str]] = []
    try:
        while True:
            page = ledger.history(args.org_id, after=after, limit=1000)
            for event in page.events:
                if args.json:
                    print(event.model_dump_json())
                else:
                    data = json.dumps(event.data, default=str, separators=(",", ":"))
                    moment = event.occurred_at.isoformat()
                    rows.append([str(event.version), moment, event.type, str(event.hash), data])
            if page.next_after is None:
                break
            after = page.next_after
    except LedgerError as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    if not args.json:
        _print_table(["version", "occurred_at", "type", "hash", "data"], rows)
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    """Exit status 0 when the live projection equals the rebuilt one, 1 otherwise."""
    from adapters.projection_sqlite import SQLiteProjectionStore
    from localmode.projection import PROJECTIONS_FILE
    from localmode.rebuild import rebuild_and_compare
    from projections.settings import AlertSettings

    try:
        settings = AlertSettings.from_env(os.environ)
    except ValueError as error:
        raise CommandError(f"alert settings: {error}") from None
    ledger = _open_ledger(args.data_dir)
    path = args.data_dir / PROJECTIONS_FILE
    # No live projection yet: compared with an empty one, not a file made for it.
    live = SQLiteProjectionStore(path if path.is_file() else ":memory:")
    report = rebuild_and_compare(ledger, live, settings, progress=_progress)
    for line in report.differences:
        print(line)
    found = f"{len(report.differences)} difference(s)" if report.differences else "no differences"
    print(
        f"rebuilt {report.orgs} orgs from {report.events} events: {found} from the live projection",
        file=sys.stderr,
    )
    live.close()
    ledger.close()
    return 1 if report.differences else 0


def _progress(done: int, total: int) -> None:
    if total > 1000:  # only long runs need a progress line
        percent = 100 * done // max(total, 1)
        print(f"\rreplayed {done}/{total} events ({percent}%)", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))


if __name__ == "__main__":
    sys.exit(main())
