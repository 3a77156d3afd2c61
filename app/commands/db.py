"""``flowdeck db info|check|vacuum``: look after the store."""

from __future__ import annotations

import argparse
from typing import Any

from app.commands.common import open_store, printable


def add_parser(sub: Any) -> None:
    """Register ``db`` and its actions."""
    p: argparse.ArgumentParser = sub.add_parser("db", help="inspect, check or compact the store")
    p.add_argument(
        "action",
        choices=["info", "check", "vacuum"],
        help="info: what is in it; check: integrity; vacuum: reclaim space",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; ``check`` exits 1 when it finds a problem."""

    with open_store(args) as store:
        if args.action == "info":
            print(f"store     {store.url_for_display()}")
            from data.store import migrate  # alembic: only for the command that shows the schema

            print(f"schema    {migrate.current_revision(store)} (this version knows {migrate.head_revision()})")
            print(f"writes    generation {store.generation()}")
            if store.get_meta("demo") == "1":
                print("contents  DEMO DATA (flowdeck demo)")
            for table, count in store.counts().items():
                print(f"  {table:<20} {count:>10,}")
            for source, state in sorted(store.sync_states().items()):
                ok = state["last_success_at"].isoformat() if state["last_success_at"] else "never"
                err = f"; last error: {printable(state['last_error'])}" if state["last_error"] else ""
                print(f"  source {source}: last success {ok}{err}")
            return 0
        if args.action == "check":
            problems = store.integrity_problems()
            if problems:
                print(f"{store.url_for_display()}: {len(problems)} problem(s):")
                for p in problems[:50]:
                    print(f"  {p}")
                return 1
            print(f"{store.url_for_display()}: ok")
            return 0
        store.vacuum()
        print(f"{store.url_for_display()}: vacuumed")
        return 0
