"""``flowdeck export FILE [--from DATE] [--to DATE]``: the store as JSON-lines events; ``-`` is stdout.

With a window, a record is written when its lifetime overlaps ``[--from, --to)``; a work item
comes with all its status changes, a run with all its jobs (the rule: docs/events.md).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli import UsageError
from app.commands.common import instant_arg, open_store


def add_parser(subparsers: Any) -> None:
    """Register ``export``."""
    p = subparsers.add_parser(
        "export",
        help="write the store as JSON-lines events ('-' is stdout)",
        description="Write every record as JSON lines (docs/events.md), parents first, instants in "
        "UTC. --from/--to keep the records whose lifetime overlaps [from, to); dates are ISO 8601, "
        "UTC when no zone is given.",
    )
    p.add_argument("file", metavar="FILE", help="output file, or '-' for standard output")
    p.add_argument("--from", dest="window_from", type=instant_arg, metavar="DATE", help="window start (inclusive)")
    p.add_argument("--to", dest="window_to", type=instant_arg, metavar="DATE", help="window end (exclusive)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export, and say how many lines went where (on stderr when writing to stdout)."""
    if args.window_from and args.window_to and args.window_from >= args.window_to:
        raise UsageError(f"--from {args.window_from.isoformat()} must be before --to {args.window_to.isoformat()}")
    from data.events.exporter import export

    store = open_store(args)
    try:
        to_stdout = args.file == "-"
        try:
            n = export(
                store, sys.stdout if to_stdout else args.file, window_from=args.window_from, window_to=args.window_to
            )
        except OSError as exc:
            print(f"flowdeck: cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    finally:
        store.close()
    print(f"{n:,} events written to {'standard output' if to_stdout else args.file}", file=sys.stderr)
    return 0
