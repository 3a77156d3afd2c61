"""``flowdeck``: one entry point with subcommands; no command opens the desktop app.

Each subcommand lives in ``app/commands/<name>.py`` with ``add_parser(subparsers)`` and
``run(args) -> int``. Exit codes (INTERFACES.md): 0 success, 1 a failure the message explains,
2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import logging
import logging.handlers
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from app.commands.common import printable
from app.paths import log_file
from data.config.model import ConfigError
from data.connectors.redact import redact
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
    """Run the command line; returns the exit code (also used by the console script).

    No traceback and no exception name reaches the terminal: an unexpected error (here, in a Qt
    slot or on a thread) prints one line naming the command and the log file that holds the details.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = "flowdeck"
    hooks = (sys.excepthook, threading.excepthook)
    try:
        parser = build_parser()
        if "gui" in COMMANDS and importlib.util.find_spec("app.commands.gui") is not None:
            args_list = _with_default_command(args_list)
        args = parser.parse_args(args_list)
        command = f"flowdeck {args.command}" if args.command else command
        _setup_logging(args.verbose)
        sys.excepthook = _unexpected_hook(command)
        threading.excepthook = lambda a: _unexpected_hook(command)(a.exc_type, a.exc_value, a.exc_traceback)
        args.lang = set_language(args.lang)  # one choice for gettext text and, via args.lang, the Qt catalogue
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return _run(args)
    except KeyboardInterrupt:
        print("flowdeck: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        _unexpected(command, exc)
        return 1
    finally:
        sys.excepthook, threading.excepthook = hooks
        logging.captureWarnings(False)


def _run(args: argparse.Namespace) -> int:
    """The command, with the failures it may explain mapped to one line and an exit code."""
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not as "Exception ignored … BrokenPipeError" at exit
        return code
    except (ConfigError, UsageError) as exc:
        _say(str(exc))
        return 2
    except StoreError as exc:
        _say(str(exc))
        return 1
    except BrokenPipeError:
        # The reader went away (``flowdeck export - | head``): nothing to say, and nothing more to
        # flush into the closed pipe at exit.
        with contextlib.suppress(OSError, ValueError), open(os.devnull, "w", encoding="utf-8") as devnull:
            os.dup2(devnull.fileno(), sys.stdout.fileno())
        return 1
    except Exception as exc:
        reason = _database_refusal(exc)
        if reason is None:
            raise
        # The database refused (a read-only role writing, a lost connection): say what it said,
        # one line, never a traceback. The driver's message holds no password.
        _say(f"database error: {reason}")
        return 1


def _say(message: str) -> None:
    """One line on standard error, with any terminal control character made harmless."""
    print(f"flowdeck: {printable(message)}", file=sys.stderr)


# --- the log file and unexpected errors -----------------------------------------------------------

#: Unexpected errors: to the log file only (the terminal gets the one line of :func:`_unexpected`).
_crash_log = logging.getLogger("flowdeck.unexpected")
_crash_log.propagate = False
_file_handler: logging.Handler | None = None

ExceptHook = Callable[[type[BaseException], BaseException | None, TracebackType | None], None]


class _RedactingFormatter(logging.Formatter):
    """Formats like its parent, then removes every registered secret, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _ConsoleFormatter(logging.Formatter):
    """One line per record on the terminal: no traceback (that goes to the log file), secrets and
    terminal control characters removed."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name}: {printable(redact(record.getMessage()))}"
        return line + (" (details in the log file)" if record.exc_info or record.stack_info else "")


def _setup_logging(verbose: bool) -> None:
    """Terminal: warnings (with ``-v``: information), one line each. Log file (:func:`app.paths.log_file`):
    the same with tracebacks, every Python warning and unexpected errors, secrets removed.

    Python warnings (a library's RuntimeWarning) go to the file only, unless ``-v``: they speak to
    developers, in a form a user cannot act on.
    """
    global _file_handler  # noqa: PLW0603 - one handler per process (tests call main() many times)
    root = logging.getLogger()
    if not root.handlers:
        console = logging.StreamHandler()
        console.setFormatter(_ConsoleFormatter())
        root.addHandler(console)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.captureWarnings(True)
    warnings_log = logging.getLogger("py.warnings")
    warnings_log.propagate = verbose
    path = log_file()
    if _file_handler is not None and getattr(_file_handler, "baseFilename", None) != str(path):
        for logger in (root, warnings_log, _crash_log):
            logger.removeHandler(_file_handler)
        _file_handler.close()
        _file_handler = None
    if _file_handler is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # delay: the file appears with its first record, not on every command.
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True
            )
        except OSError:
            return  # no writable log directory: _unexpected() says so
        handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        _file_handler = handler
    for logger in (root, warnings_log, _crash_log):
        logger.addHandler(_file_handler)


def _unexpected(command: str, exc: BaseException) -> None:
    """Log the traceback to the file; tell the user, in one line, what failed and where to look."""
    _crash_log.error("%s failed unexpectedly", command, exc_info=(type(exc), exc, exc.__traceback__))
    where = _log_written()
    tail = f"the details are in {where}" if where else "no log file could be written"
    print(f"flowdeck: {command} failed with an unexpected internal error; {tail}", file=sys.stderr)


def _unexpected_hook(command: str) -> ExceptHook:
    """A ``sys.excepthook`` (Qt slots and threads end there too) that reports like :func:`_unexpected`."""

    def hook(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> None:
        if issubclass(exc_type, SystemExit):
            return  # a thread's sys.exit(): not an error (threading's own hook ignores it too)
        if issubclass(exc_type, KeyboardInterrupt):
            print("flowdeck: interrupted", file=sys.stderr)
            return
        if exc is None:  # not from Python itself, but a caller may pass only the type
            exc = RuntimeError(exc_type.__name__)
        _unexpected(command, exc.with_traceback(tb) if tb is not None else exc)

    return hook


def _log_written() -> Path | None:
    """The log file, when the handler wrote the last record to it."""
    if _file_handler is None:
        return None
    _file_handler.flush()
    path = Path(getattr(_file_handler, "baseFilename", ""))
    return path if path.is_file() else None


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
