"""`ledger verify`, `ledger digest`, `ledger export`: the auditors' commands (read only)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from localmode.errors import CommandError

if TYPE_CHECKING:
    from ledger import CreditLedger
    from ledger.audit import Digest

Opener = Callable[[Path], "CreditLedger"]


def add_commands(
    commands: Any,
    data_dir: Callable[[argparse.ArgumentParser], None],
    moment: Callable[[str], datetime],
    open_ledger: Opener,
) -> None:
    verify = commands.add_parser(
        "verify", help="check every org's hash chain (or the named orgs'); exit 1 if one breaks"
    )
    verify.add_argument("org_ids", nargs="*", metavar="ORG")
    verify.add_argument(
        "--digests", type=Path, help="digests kept earlier, one JSON line each (ledger digest)"
    )
    data_dir(verify)
    verify.set_defaults(run=lambda args: _verify(args, open_ledger))

    digest = commands.add_parser("digest", help="each org's digest (its chain's head), JSON lines")
    digest.add_argument("org_ids", nargs="*", metavar="ORG")
    data_dir(digest)
    digest.set_defaults(run=lambda args: _digest(args, open_ledger))

    export = commands.add_parser("export", help="an org's history with its hashes")
    export.add_argument("org_id", metavar="ORG")
    export.add_argument("--from", dest="start", type=moment, help="from this time (inclusive)")
    export.add_argument("--to", dest="end", type=moment, help="to this time (exclusive)")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    data_dir(export)
    export.set_defaults(run=lambda args: _export(args, open_ledger))


def _verify(args: argparse.Namespace, open_ledger: Opener) -> int:
    from adapters.org_streams import org_histories
    from ledger.audit import check_against, first_break
    from ledger.domain.org import org_uuid

    kept = _read_digests(args.digests) if args.digests else []
    ledger = open_ledger(args.data_dir)
    breaks, orgs, events = [], 0, 0
    for org_id, history in org_histories(ledger, args.org_ids):
        orgs, events = orgs + 1, events + len(history)
        found = first_break(org_id, history)
        if found is not None:
            breaks.append(found)
    for digest in kept:
        if args.org_ids and digest.org_id not in args.org_ids:
            continue
        found = check_against(digest, ledger.events.get(org_uuid(digest.org_id)))
        if found is not None and found.org_id not in {b.org_id for b in breaks}:
            breaks.append(found)
    ledger.close()
    for found in breaks:
        print(found)
    against = f" and {len(kept)} digest(s)" if kept else ""
    if breaks:
        print(f"ledger: {len(breaks)} of {orgs} org(s) do not verify", file=sys.stderr)
        return 1
    print(f"verified {orgs} org(s), {events} event(s){against}: intact", file=sys.stderr)
    return 0


def _read_digests(path: Path) -> list[Digest]:
    from ledger.audit import Digest

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read the digests in {path}: {error}") from None
    digests = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found = json.loads(line)
            digests.append(
                Digest(
                    org_id=_text(found["org_id"]),
                    version=int(found["version"]),
                    hash=_text(found["hash"]),
                    occurred_at=_text(found.get("occurred_at", "")),
                )
            )
        except (ValueError, KeyError, TypeError):
            raise CommandError(f"{path}, line {number}: not a digest line") from None
    return digests


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _digest(args: argparse.Namespace, open_ledger: Opener) -> int:
    from adapters.org_streams import digest_lines

    ledger = open_ledger(args.data_dir)
    lines, missing = digest_lines(ledger, args.org_ids)
    ledger.close()
    for line in lines:
        print(json.dumps(line))
    for org_id in missing:
        print(f"NOT_FOUND: org {org_id} has no history", file=sys.stderr)
    return 1 if missing else 0


def _export(args: argparse.Namespace, open_ledger: Opener) -> int:
    from ledger import audit
    from ledger.domain import chain
    from ledger.domain.org import org_uuid

    ledger = open_ledger(args.data_dir)
    history = list(ledger.events.get(org_uuid(args.org_id)))
    ledger.close()
    if not history:
        print(f"NOT_FOUND: org {args.org_id} has no history", file=sys.stderr)
        return 1
    lines = (e.line() for e in audit.hashed(args.org_id, history, args.start, args.end))
    if args.format == "csv":
        for row in audit.csv_rows(lines):
            sys.stdout.write(row)
    else:
        for line in lines:
            sys.stdout.write(chain.canonical(line).decode("utf-8") + "\n")
    return 0
