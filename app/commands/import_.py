"""``flowdeck import FILE...``: load JSON-lines event files (docs/events.md); ``-`` is stdin.

Every line is validated and everything is written in one transaction: a bad line stops the import
with ``file:line: field 'x': problem`` (exit 2) and the store is unchanged. Importing the same
file again changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from app.cli import UsageError
from app.commands.common import open_store

if TYPE_CHECKING:
    from data.events.importer import ImportSummary


def add_parser(subparsers: Any) -> None:
    """Register ``import``."""
    p = subparsers.add_parser(
        "import",
        help="load JSON-lines event files into the store ('-' is stdin)",
        description="Load JSON-lines event files (docs/events.md) in one transaction. A bad line "
        "names its file, line and field, and nothing is imported. Re-importing changes nothing.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="event file, or '-' for standard input")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import the files and print what was read and added per kind."""
    if list(args.files).count("-") > 1:
        raise UsageError("'-' (standard input) can be given only once")
    from data.events.format import EventError
    from data.events.importer import import_files

    store = open_store(args)
    try:
        summary = import_files(store, args.files, stdin=sys.stdin)
    except EventError as exc:
        raise UsageError(f"{exc}; nothing was imported") from None
    finally:
        store.close()
    print(format_summary(summary))
    return 0


def format_summary(summary: ImportSummary) -> str:
    """A small aligned table: kind, events read, rows added."""
    from data.events.kinds import KINDS

    if not summary.read:
        return f"no events in {', '.join(summary.files)}"
    lines = [f"{'kind':<18} {'read':>10} {'new':>10}"]
    for kind in KINDS:
        n = summary.read.get(kind, 0)
        if n:
            lines.append(f"{kind:<18} {n:>10,} {summary.added.get(kind, 0):>10,}")
    lines.append(f"{'total':<18} {summary.total:>10,} {sum(summary.added.values()):>10,}")
    return "\n".join(lines)
