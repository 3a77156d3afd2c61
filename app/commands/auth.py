"""``flowdeck auth set|clear SOURCE``: a source's token in the OS keyring (never in argv or a file)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.cli import UsageError
from app.commands.common import config_of


def add_parser(sub: Any) -> None:
    """Register ``auth``."""
    p: argparse.ArgumentParser = sub.add_parser("auth", help="store or remove a source's token in the OS keyring")
    p.add_argument("action", choices=["set", "clear", "status"])
    p.add_argument("source", metavar="SOURCE", help="the source name from flowdeck.toml")
    p.set_defaults(func=run)


def _read_token() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Token (not shown): ")
    return sys.stdin.readline().strip()  # piped: `pass show x | flowdeck auth set jira`


def run(args: argparse.Namespace) -> int:
    """Set, clear or describe the token of one source."""
    from data import secrets  # here, not at the top: `flowdeck --help` must not load the keyring

    cfg = config_of(args)
    names = {s.name for s in cfg.sources}
    if args.source not in names:
        raise UsageError(f"no source named {args.source!r}; configured: {', '.join(sorted(names)) or 'none'}")
    info = secrets.backend_info()
    env = secrets.env_name(args.source)
    if args.action == "status":
        import os

        where = "environment" if os.environ.get(env) else ("keyring" if secrets.get_token(args.source) else "none")
        print(f"{args.source}: token from {where}; keyring: {info.message}")
        return 0
    if args.action == "clear":
        removed = secrets.clear_token(args.source)
        print(f"{args.source}: " + ("token removed from the keyring" if removed else "no token was stored"))
        return 0
    if not info.secure:
        print(
            f"flowdeck: {info.message}\nFlowdeck will not store the token in a file. Instead:\n"
            f"  * set {env} in the environment of the process that syncs, or\n"
            f"  * run `flowdeck sync` in a terminal: it asks for the token and uses it for that run only.",
            file=sys.stderr,
        )
        return 1
    token = _read_token()
    if not token.strip():
        raise UsageError("no token was given; nothing was stored")
    try:
        secrets.set_token(args.source, token)
    except secrets.SecretsError as exc:
        print(f"flowdeck: {exc}", file=sys.stderr)
        return 1
    print(f"{args.source}: token stored in the OS keyring ({info.name})")
    return 0
