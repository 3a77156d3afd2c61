"""``flowdeck demo [--scale small|large|xl] [--seed N] [--end DATE] [--force]``: the demo organisation.

Refuses (exit 1) to add demo data to a store that already holds other data — a real team's cache
must not get a fictional bank mixed into its numbers — unless ``--force``. Running it again with
the same seed and end changes nothing; a store with a different demo is refused the same way.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.commands.common import instant_arg, open_store
from data.demo import SCALES


def add_parser(subparsers: Any) -> None:
    """Register ``demo``."""
    p = subparsers.add_parser(
        "demo",
        help="fill the store with a synthetic bank (deterministic)",
        description="Fill the store with the demo organisation: a regional bank's three teams over 26 "
        "weeks, moving from monthly to weekly releases. The same --seed and --end give the same data.",
    )
    p.add_argument("--scale", choices=tuple(SCALES), default="small", help="small (default), large or xl (benchmarks)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--end", type=instant_arg, metavar="DATE", help="end of the 26 weeks (default: this Monday 00:00 UTC)"
    )
    p.add_argument("--force", action="store_true", help="add the demo even to a store that holds other data")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate the demo into the store, unless that would mix it with other data."""
    from data.demo import default_end, generate
    from data.events.format import format_ms
    from data.store.schema import to_ms

    end = args.end or default_end()
    store = open_store(args)
    try:
        if not args.force and not store.is_empty():
            same = (
                store.get_meta("demo") == "1"
                and store.get_meta("demo_end") == format_ms(to_ms(end))
                and store.get_meta("demo_seed") == str(args.seed)
                and store.get_meta("demo_scale") == args.scale
            )
            if not same:
                what = (
                    "a different demo (seed {}, end {}, scale {})".format(
                        store.get_meta("demo_seed"), store.get_meta("demo_end"), store.get_meta("demo_scale")
                    )
                    if store.get_meta("demo") == "1"
                    else "data that is not from the demo"
                )
                print(
                    f"flowdeck: the store {store.url_for_display()} already holds {what}; "
                    "use another --db, or --force to add the demo anyway",
                    file=sys.stderr,
                )
                return 1
        summary = generate(store, scale=args.scale, seed=args.seed, end=end)
    finally:
        store.close()
    counts = ", ".join(f"{n:,} {kind.replace('_', ' ')}s" for kind, n in summary.counts.items())
    print(
        f"demo organisation ({summary.scale}, seed {summary.seed}, 26 weeks to {format_ms(to_ms(summary.end))}) "
        f"in {summary.seconds:.1f} s: {counts}"
    )
    return 0
