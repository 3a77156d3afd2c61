"""``flowdeck``: one entry point with subcommands; no command opens the desktop app.

Each subcommand lives in ``app/commands/<name>.py`` with ``add_parser(subparsers)`` and
``run(args) -> int``. Exit codes (INTERFACES.md): 0 success, 1 a failure the message explains,
2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence

from data.config.model import ConfigError
from data.i18n import normalise, set_language
from data.store.errors import StoreError

#: Subcommand name -> module in ``app.commands``.
COMMANDS: dict[str, str] = {
    "gui": "gui",
    "demo": "demo",
    "import": "import_",
    "export": "export",
    "report": "report",
    "forecast": "forecast",
    "quality": "quality",
    "release": "release",
    "exclude": "exclude",
    "sync": "sync",
    "wall": "wall",
    "sources": "sources",
    "auth": "auth",
    "db": "db",
}


class UsageError(Exception):
    """Bad usage or bad input: printed, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(prog="flowdeck", description="Where delivery time goes: a value-stream dashboard.")
    parser.add_argument(
        "--db", metavar="URL", help="store: a path or SQLAlchemy URL (default: FLOWDECK_DB or the user's data dir)"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="flowdeck.toml (default: FLOWDECK_CONFIG or the user's config dir)"
    )
    parser.add_argument(
        "--lang",
        type=_language,
        metavar="LANG",
        help="language of the app and of human-readable output: en or zh_CN (default: the system locale)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        full = f"app.commands.{module}"
        if importlib.util.find_spec(full) is None:
            continue
        importlib.import_module(full).add_parser(sub)
    return parser


def _language(value: str) -> str:
    """argparse type for ``--lang``: a supported language, normalised (``zh-CN`` -> ``zh_CN``)."""
    try:
        return normalise(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used by the console script)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if "gui" in COMMANDS and importlib.util.find_spec("app.commands.gui") is not None:
        args_list = _with_default_command(args_list)
    args = parser.parse_args(args_list)
    args.lang = set_language(args.lang)  # one choice for gettext text and, via args.lang, the Qt catalogue
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (ConfigError, UsageError) as exc:
        print(f"flowdeck: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"flowdeck: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("flowdeck: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        reason = _database_refusal(exc)
        if reason is None:
            raise
        # The database refused (a read-only role writing, a lost connection): say what it said,
        # one line, never a traceback. The driver's message holds no password.
        print(f"flowdeck: database error: {reason}", file=sys.stderr)
        return 1


def _database_refusal(exc: BaseException) -> str | None:
    """The first line of the driver's message when ``exc`` is SQLAlchemy's ``DBAPIError``, else None.

    SQLAlchemy is imported only when something already imported it: a command that never opened
    the store cannot have raised its errors, and ``flowdeck --help`` must not pay for loading it.
    """
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    lines = str(exc.orig).strip().splitlines()
    return lines[0] if lines else "the database gave no reason"


def _with_default_command(args: list[str]) -> list[str]:
    """Insert ``gui`` after the global options when no command is named.

    So ``flowdeck --db X --screenshot F`` opens the app with its own options.
    """
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--db", "--config", "--lang"):
            i += 2
        elif a.startswith(("--db=", "--config=", "--lang=")) or a in ("-v", "--verbose"):
            i += 1
        else:
            break
    if i < len(args) and (args[i] in COMMANDS or args[i] in ("-h", "--help")):
        return args
    return [*args[:i], "gui", *args[i:]]


if __name__ == "__main__":  # pragma: no cover
    # Run through the imported module, not this __main__ copy: commands raise app.cli.UsageError,
    # which must be the same class that main() catches.
    from app.cli import main as _main

    sys.exit(_main())
