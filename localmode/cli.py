"""The `ledger` command: serve the API, and read-only views for support and auditors.

Each command is a subparser with a `run(args) -> exit status` default; a module with
several commands adds them with its own `add_commands(commands)`. Commands that print
data take `--json` (one JSON document, or JSON lines); failures are one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from localmode import audit_cli as audit_commands
from localmode.errors import CommandError
from localmode.settings import configure

if TYPE_CHECKING:  # imported lazily at run time: `ledger --help` stays fast
    from ledger import CreditLedger, LedgerError


BROKEN_PIPE = 141  # what a shell reports for a command a closed pipe stopped
DATA_DIR_ENV = "LEDGER_DATA_DIR"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status = int(args.run(args) or 0)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then caught below
    except CommandError as error:
        print(f"ledger: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `ledger history ORG | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ledger",
        description="The credit ledger: serve its API, or read its data for support and audits.",
        epilog=_environment(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ledger {_version()}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = _command(commands, "serve", "run the HTTP API on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="port to listen on; 0 picks a free one (%(default)s)",
    )
    _data_dir(serve)
    serve.set_defaults(run=_serve)

    console = _command(
        commands,
        "console",
        "the customer-success pages alone, read-only (a data dir, or the AWS tables)",
    )
    console.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    console.add_argument(
        "--port", type=_port, default=8001, help="port to listen on, 0 for any free (%(default)s)"
    )
    _data_dir(console)
    console.set_defaults(run=_console)

    status = _command(commands, "status", "an org's status, now or at a past moment")
    status.add_argument("org_id", help="the org")
    status.add_argument(
        "--at", type=_moment, help="ISO 8601 time with zone, e.g. 2026-11-05T12:00Z (default: now)"
    )
    _json(status, "the status as one JSON document")
    _data_dir(status)
    status.set_defaults(run=_status)

    history = _command(commands, "history", "an org's events as a table")
    history.add_argument("org_id", help="the org")
    _json(history, "one JSON object per event, one per line")
    _data_dir(history)
    history.set_defaults(run=_history)

    orgs = _command(
        commands, "orgs", "the cross-org view: this month's orgs, soonest to run out first"
    )
    # Checked once the command runs: the lists live in modules `ledger --help` skips.
    orgs.add_argument("--state", default="all", help="limit_reached, near_limit, ok or all")
    orgs.add_argument("--plan", help="only orgs on this plan")
    orgs.add_argument("--sort", default="run_out", help="run_out, used_share or org_id")
    orgs.add_argument("--month", type=_month, help="YYYY-MM (default: this month, UTC)")
    _json(orgs, "one JSON object per org, one per line")
    _data_dir(orgs)
    orgs.set_defaults(run=_orgs)

    rebuild = _command(
        commands, "rebuild", "replay every event into a fresh projection; report differences"
    )
    _json(rebuild, "the report as one JSON document")
    rebuild.add_argument(
        "--replace",
        action="store_true",
        help="where they differ, make the live projection the rebuilt one (embedded store;"
        " stop ledger serve first); alerts it raises for periods already over are not sent",
    )
    _data_dir(rebuild)
    rebuild.set_defaults(run=_rebuild)

    replay = commands.add_parser(
        "replay-failures",
        help="AWS: project again what the projector's stream source gave up on",
    )
    replay.add_argument("queue_url", help="the stack's ProjectorFailuresQueueUrl output")
    replay.add_argument(
        "--every-org",
        action="store_true",
        help="then catch up every org in the events table (a Scan): after the table "
        "was brought back into a new stack",
    )
    replay.set_defaults(run=_replay_failures)

    audit_commands.add_commands(commands, _data_dir, _moment, _open_ledger)
    for command in commands.choices.values():  # every command's help names its environment
        command.epilog = command.epilog or _environment()
        command.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _command(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    description = summary[0].upper() + summary[1:] + "."
    return cast(
        argparse.ArgumentParser, commands.add_parser(name, help=summary, description=description)
    )


def _environment() -> str:
    from projections import settings

    alerts = sorted(v for k, v in vars(settings).items() if k.endswith("_ENV"))
    return "\n".join(
        [
            "environment:",
            f"  {DATA_DIR_ENV:<32} the data dir when --data-dir is not given",
            f"  {'LEDGER_ALERT_WEBHOOK_URL':<32} serve: also POST each alert to this URL",
            f"  {'PERSISTENCE_MODULE':<32} another event store (adapters.dynamodb with",
            f"  {'':<32} LEDGER_EVENTS_TABLE) instead of DATA_DIR/events.sqlite",
            *(f"  {name:<32} an alert setting (NearLimit and its forecast)" for name in alerts),
        ]
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("credit-ledger")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _json(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what}")


def _data_dir(parser: argparse.ArgumentParser) -> None:
    default = os.environ.get(DATA_DIR_ENV) or ".ledger"
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(default),
        help=f"where the ledger keeps its data (default: ${DATA_DIR_ENV}, else .ledger)",
    )


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time, e.g. 2026-11-05T12:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-11-05T12:00:00Z")
    return moment


def _open_ledger(data_dir: Path) -> CreditLedger:
    from ledger import CreditLedger

    return CreditLedger(env=configure(data_dir, create=False))


def _serve(args: argparse.Namespace) -> int:
    from localmode.runtime import run

    return run(args.host, args.port, args.data_dir)


def _console(args: argparse.Namespace) -> int:
    from localmode.console import run_console

    return run_console(args.host, args.port, args.data_dir)


def _status(args: argparse.Namespace) -> int:
    from pydantic_core import to_json, to_jsonable_python

    from ledger import LedgerError

    try:
        status = _open_ledger(args.data_dir).status(args.org_id, at=args.at)
    except LedgerError as error:
        return _refused(error)
    if args.json:
        print(to_json(status).decode())
        return 0
    fields = to_jsonable_python(status)
    trial = fields.pop("trial") or {}
    rows = [[name, "-" if value is None else str(value)] for name, value in fields.items()]
    rows += [[f"trial {name}", str(value)] for name, value in trial.items()] or [["trial", "-"]]
    _print_table(["field", "value"], rows)
    return 0


def _refused(error: LedgerError) -> int:
    """A refusal of the ledger as one line: exit 2 for a bad argument, else 1."""
    from ledger.domain.errors import InvalidInput

    print(f"ledger: {error.code}: {error.message}", file=sys.stderr)
    return 2 if isinstance(error, InvalidInput) else 1


def _history(args: argparse.Namespace) -> int:
    from pydantic_core import to_json

    from ledger import LedgerError

    ledger = _open_ledger(args.data_dir)
    after = 0
    rows: list[list[str]] = []
    try:
        while True:
            page = ledger.history(args.org_id, after=after, limit=1000)
            for event in page.events:
                if args.json:
                    print(to_json(event).decode())
                else:
                    data = to_json(event.data).decode()  # times as in --json and the API
                    moment = event.occurred_at.isoformat()
                    rows.append([str(event.version), moment, event.type, str(event.hash), data])
            if page.next_after is None:
                break
            after = page.next_after
    except LedgerError as error:
        return _refused(error)
    if not args.json:
        _print_table(["version", "occurred_at", "type", "hash", "data"], rows)
    return 0


def _month(text: str) -> str:
    from ledger import LedgerError
    from ledger.validation import check_month

    try:
        return check_month("month", text)
    except LedgerError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _orgs(args: argparse.Namespace) -> int:
    """Every page of the listing, from the live projection (the server's, while it runs)."""
    from datetime import UTC

    from adapters.projection_sqlite import SQLiteProjectionStore
    from ledger.domain.periods import month_key
    from ledger.domain.plans import PLAN_NAMES
    from localmode.projection import PROJECTIONS_FILE
    from projections.orgs import SORTS, STATES, OrgsQuery

    for name, value, allowed in [
        ("state", args.state, STATES),
        ("plan", args.plan, (None, *PLAN_NAMES)),
        ("sort", args.sort, SORTS),
    ]:
        if value not in allowed:
            choices = ", ".join(str(a) for a in allowed if a)
            raise CommandError(f"--{name} must be one of {choices}", status=2)
    configure(args.data_dir, create=False)  # no ledger data: one line, exit 1
    path = args.data_dir / PROJECTIONS_FILE
    if not path.is_file():
        raise CommandError(f"no projection in {args.data_dir} yet (run ledger serve)", status=1)
    store = SQLiteProjectionStore(path)
    month = args.month or month_key(datetime.now(UTC))
    query = OrgsQuery(month=month, state=args.state, plan=args.plan, sort=args.sort)
    rows = list(store.ordered_rows(query))
    store.close()
    if args.json:
        for row in rows:
            print(json.dumps(row.to_dict()))
        return 0
    header = ["org_id", "plan", "used", "limit", "share", "forecast", "per day", "run out"]
    header += ["suggested", "alerts"]
    table = [
        [
            row.org_id,
            row.plan,
            str(row.used),
            str(row.limit),
            f"{row.used_share:.0%}",
            str(row.forecast_used),
            f"{row.pace_per_day:g}",
            _run_out_text(row.remaining, row.run_out_at),
            row.suggested_plan or "-",
            ",".join(row.alerts) or "-",
        ]
        for row in rows
    ]
    _print_table(header, table)
    sys.stdout.flush()  # the table, then the count after it
    print(f"{month}: {len(rows)} org(s)", file=sys.stderr)
    return 0


def _run_out_text(remaining: int, run_out_at: datetime | None) -> str:
    if remaining == 0:
        return "run out"
    return run_out_at.strftime("%Y-%m-%d %H:%M") if run_out_at else "-"


def _rebuild(args: argparse.Namespace) -> int:
    """Exit status 0 when the live projection equals the rebuilt one (or, with
    --replace, has been made so), 1 otherwise."""
    from adapters.projection_sqlite import SQLiteProjectionStore
    from localmode.feeds import dynamodb_recorder
    from localmode.lock import lock_data_dir
    from localmode.projection import PROJECTIONS_FILE
    from localmode.rebuild import STORE_ERRORS, rebuild_and_compare, replace_live
    from projections.settings import AlertSettings

    try:
        settings = AlertSettings.from_env(os.environ)
    except ValueError as error:
        raise CommandError(f"alert settings: {error}") from None
    ledger = _open_ledger(args.data_dir)
    path = args.data_dir / PROJECTIONS_FILE
    if args.replace and dynamodb_recorder(ledger) is not None:
        raise CommandError("--replace works on the embedded store; on DynamoDB, compare only")
    # Held while the live projection is replaced: a running server would project too.
    held = lock_data_dir(args.data_dir) if args.replace else None
    # No live projection yet: compared with an empty one, not a file made for it.
    live = SQLiteProjectionStore(path if path.is_file() or args.replace else ":memory:")
    try:
        if args.replace:
            report = replace_live(ledger, live, settings, progress=_progress())
        else:
            report = rebuild_and_compare(ledger, live, settings, progress=_progress())
    except STORE_ERRORS as error:
        raise CommandError(f"cannot read the event store: {error}", status=1) from None
    finally:
        if held is not None:
            held.close()
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        for line in report.differences:
            print(line)
    found = f"{len(report.differences)} difference(s)" if report.differences else "no differences"
    print(
        f"rebuilt {report.orgs} orgs from {report.events} events: {found} from the live projection",
        file=sys.stderr,
    )
    live.close()
    ledger.close()
    if args.replace and report.differences:
        print("the live projection is now the rebuilt one", file=sys.stderr)
        return 0
    return 1 if report.differences else 0


def _progress() -> Callable[[int, int], None]:
    """One line rewritten in place on a terminal; into a file or pipe, a line per tenth."""
    shown = -1

    def show(done: int, total: int) -> None:
        nonlocal shown
        if total <= 1000:  # only long runs need progress
            return
        percent = 100 * done // total
        line = f"replayed {done}/{total} events ({percent}%)"
        if sys.stderr.isatty():
            print(f"\r{line}", end="\n" if done >= total else "", file=sys.stderr, flush=True)
        elif percent // 10 > shown:
            shown = percent // 10
            print(line, file=sys.stderr, flush=True)

    return show


def _replay_failures(args: argparse.Namespace) -> int:
    """On the deployed tables and bus named by the environment (docs/deploy.md)."""
    for name in ("LEDGER_EVENTS_TABLE", "LEDGER_PROJECTIONS_TABLE", "LEDGER_ALERT_BUS"):
        if not os.environ.get(name):
            raise CommandError(f"set {name} (from the stack's outputs) to replay failures")
    os.environ["PERSISTENCE_MODULE"] = "adapters.dynamodb"
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from handlers.replay import catch_up, replay_failures
    from handlers.wiring import services
    from localmode.feeds import all_org_keys

    built = services()  # the deployed tables and bus, named by the environment
    try:
        report = replay_failures(
            boto3.client("sqs"),
            args.queue_url,
            boto3.client("dynamodbstreams"),
            built.projector,
            lambda: all_org_keys(built.ledger),
        )
        if args.every_org:
            catch_up(built.projector, all_org_keys(built.ledger), report)
    except (ClientError, BotoCoreError) as error:
        raise CommandError(f"replay stopped: {error}", status=1) from None
    everything = "; every org caught up (records gone from the stream)"
    print(
        f"replayed {report.messages} failure(s): {report.records} records, "
        f"{len(report.orgs)} orgs{everything if report.caught_up_everything else ''}",
        file=sys.stderr,
    )
    return 0


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))


if __name__ == "__main__":
    sys.exit(main())
