"""``flowdeck exclude add|remove|list``: leave one item out of the metrics, with a reason.

An exclusion is a decision an auditor can read back: ``(KIND, SOURCE, KEY, reason, when)``.
KIND is ``work_item`` (KEY: the ticket key), ``change`` or ``deployment`` (KEY: ``repo#id``, as
``flowdeck quality`` lists them). ``add`` refuses an item the store does not hold (a typo would
otherwise exclude nothing, silently) unless ``--force`` is given, e.g. before the first sync.
Exclusions travel with ``flowdeck export`` (event kind ``exclusion``); ``remove`` undoes one.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from app.cli import UsageError
from app.commands.common import open_store, printable
from data.i18n import ljust, width

if TYPE_CHECKING:
    from data.store.store import Store

KINDS = ("work_item", "change", "deployment")


def add_parser(subparsers: Any) -> None:
    """Register ``exclude`` with ``add``, ``remove`` and ``list``."""
    p = subparsers.add_parser(
        "exclude",
        help="exclude an item from the metrics with a reason (add, remove, list)",
        description="Exclusions are auditable decisions: each names the item and why it is left out. "
        "KIND: work_item (KEY = ticket key), change or deployment (KEY = repo#id).",
    )
    sub = p.add_subparsers(dest="exclude_action", metavar="ACTION")
    add = sub.add_parser("add", help="exclude one item")
    add.add_argument("kind", metavar="KIND", help="work_item, change or deployment")
    add.add_argument("source", metavar="SOURCE", help="the source name the item came from")
    add.add_argument("key", metavar="KEY", help="ticket key, or repo#id for a change or deployment")
    add.add_argument("--reason", required=True, help="why the item is left out (shown in reports)")
    add.add_argument("--force", action="store_true", help="add even if the store holds no such item")
    rm = sub.add_parser("remove", help="undo an exclusion")
    rm.add_argument("kind", metavar="KIND")
    rm.add_argument("source", metavar="SOURCE")
    rm.add_argument("key", metavar="KEY")
    sub.add_parser("list", help="list the exclusions in force")
    p.set_defaults(func=run)


def _kind(value: str) -> str:
    if value not in KINDS:
        raise UsageError(f"KIND must be one of {', '.join(KINDS)}; got {value!r}")
    return value


def run(args: argparse.Namespace) -> int:
    """Add, remove or list exclusions."""
    action = getattr(args, "exclude_action", None)
    if action is None:
        raise UsageError("exclude needs an action: add, remove or list")
    if action in ("add", "remove"):
        _kind(args.kind)
        if not args.source.strip() or not args.key.strip():
            raise UsageError("SOURCE and KEY must not be empty")
    if action == "add" and not args.reason.strip():
        raise UsageError("--reason must not be empty: an exclusion without a reason cannot be audited")

    store = open_store(args)
    try:
        if action == "list":
            return _list(store)
        if action == "add":
            from data.store.queries import holds_item

            if not args.force and not holds_item(store, args.kind, args.source, args.key):
                hint = (
                    " (a change or deployment is named repo#id, as `flowdeck quality` lists it)"
                    if args.kind != "work_item"
                    else ""
                )
                raise UsageError(
                    f"no {args.kind} {args.key!r} from source {args.source!r} in the store{hint}; "
                    "use --force to exclude it anyway"
                )
            with store.writer() as w:
                from data.records import Exclusion

                w.add_exclusion(Exclusion(args.kind, args.source, args.key, " ".join(args.reason.split())))
            print(f"excluded {args.kind} {args.source} {args.key}: {' '.join(args.reason.split())}")
            return 0
        with store.writer() as w:
            removed = w.remove_exclusion(args.kind, args.source, args.key)
        if not removed:
            print(f"flowdeck: no exclusion of {args.kind} {args.source} {args.key}", file=sys.stderr)
            return 1
        print(f"no longer excluded: {args.kind} {args.source} {args.key}")
        return 0
    finally:
        store.close()


def _list(store: Store) -> int:
    rows = store.exclusions()
    if not rows:
        print("no exclusions")
        return 0
    headers = ["kind", "source", "key", "since (UTC)", "reason"]
    cells = [
        [printable(x) for x in (e.kind, e.source, e.key, f"{e.created_at:%Y-%m-%d %H:%M}", e.reason)] for e in rows
    ]
    # Display widths: a Chinese reason takes two terminal columns per character.
    widths = [max(width(h), *(width(r[i]) for r in cells)) for i, h in enumerate(headers)]
    for r in [headers, ["-" * w for w in widths], *cells]:
        print("  ".join(ljust(c, w) for c, w in zip(r, widths, strict=True)).rstrip())
    return 0
