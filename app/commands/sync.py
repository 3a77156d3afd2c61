"""``flowdeck sync [--source NAME] [--watch]``: headless sync of the configured sources.

A progress line on a terminal (plain lines otherwise); Ctrl-C cancels between pages, keeping every
committed page; exit 1 with the (redacted) error when a source fails, after the others still synced.

``--watch`` runs the sync service (:mod:`data.sync.service`): every source on its own ``interval_s``,
one log line per sync on standard output, failing sources backing off, the PostgreSQL per-source
lock honoured. SIGTERM or SIGINT stops it between pages with exit code 0 (a second SIGINT aborts); a
source worker that dies of an unexpected error stops it with exit code 1 (one line saying which).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

from app.cli import UsageError
from app.commands.common import config_of, open_store, printable
from data.config.model import SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.redact import RedactingFilter, redact
from data.timeutil import utc_now

if TYPE_CHECKING:
    from data.sync.run import SyncProgress

#: Kinds that can work without a token (public repositories, open CCTray feeds).
_TOKEN_OPTIONAL = {"cctray", "github", "gitlab"}


def add_parser(sub: Any) -> None:
    """Register ``sync``."""
    p: argparse.ArgumentParser = sub.add_parser("sync", help="sync configured sources into the store")
    p.add_argument("--source", metavar="NAME", action="append", help="only this source (repeatable)")
    p.add_argument(
        "--watch",
        action="store_true",
        help="run as a service: sync each source every interval_s until SIGTERM/SIGINT (one log line per sync)",
    )
    p.set_defaults(func=run)


def _install_redaction() -> None:
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class _Progress:
    """One rewritten line on a terminal; one plain line per finished stream otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()

    def __call__(self, e: SyncProgress) -> None:
        if self.tty:
            line = f"{e.source} {e.stream}: {e.pages} pages, {e.records} records, {e.requests} requests"
            if e.waits_s:
                line += f", waited {e.waits_s:.0f} s"
            self.out.write("\r\033[K" + redact(line)[:160])
            self.out.flush()
        elif e.message == "done" or e.message.startswith("failed"):
            self.out.write(
                f"{e.source} {e.stream}: {e.pages} pages, {e.records} records, {e.requests} requests"
                + (f" ({redact(e.message)})" if e.message != "done" else "")
                + "\n"
            )

    def end(self) -> None:
        if self.tty:
            self.out.write("\r\033[K")
            self.out.flush()


def run(args: argparse.Namespace) -> int:
    """Sync each selected source in turn; returns 1 if any failed."""
    from data.sync.run import open_connector, sync_source

    cfg = config_of(args)
    selected = list(cfg.sources)
    if args.source:
        known = {s.name for s in cfg.sources}
        unknown = [n for n in args.source if n not in known]
        if unknown:
            raise UsageError(f"no source named {', '.join(unknown)}; configured: {', '.join(sorted(known)) or 'none'}")
        selected = [s for s in cfg.sources if s.name in args.source]
    if not selected:
        print("flowdeck: no sources are configured; add one with `flowdeck sources add`", file=sys.stderr)
        return 2 if args.watch else 1
    _install_redaction()
    if args.watch:
        return _watch(args, cfg, [s.name for s in selected])
    cancel = threading.Event()

    def on_sigint(_sig: int, _frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("\nflowdeck: stopping after the current page (Ctrl-C again to abort now)", file=sys.stderr)

    previous = (
        signal.signal(signal.SIGINT, on_sigint) if threading.current_thread() is threading.main_thread() else None
    )
    failed = 0
    progress = _Progress(sys.stdout)
    try:
        with open_store(args) as store:
            for source in selected:
                if cancel.is_set():
                    break
                try:
                    connector = open_connector(source, ask=_ask_token if sys.stdin.isatty() else None)
                except ConnectorError as exc:
                    print(f"flowdeck: {printable(redact(str(exc)))}", file=sys.stderr)
                    failed += 1
                    continue
                try:
                    summary = sync_source(store, connector, cancel=cancel, progress=progress)
                finally:
                    connector.close()
                    progress.end()
                status = "cancelled" if summary.cancelled else ("ok" if summary.ok else "FAILED")
                print(
                    f"{source.name}: {status}: {summary.records} records in {summary.pages} pages, "
                    f"{summary.requests} requests" + (f", waited {summary.waits_s:.0f} s" if summary.waits_s else "")
                )
                if summary.error:
                    failed += 1
                    print(f"flowdeck: {source.name}: {printable(summary.error)}", file=sys.stderr)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if cancel.is_set():
        print("flowdeck: sync cancelled; the next sync resumes from the last stored page", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _ask_token(source: SourceConfig) -> str | None:
    """No token stored: ask for one on the terminal (for this run only; kinds that need none are not asked)."""
    if source.kind in _TOKEN_OPTIONAL:
        return None
    return getpass.getpass(f"Token for {source.name} (used for this run only): ") or None


def _watch(args: argparse.Namespace, cfg: Any, names: list[str]) -> int:
    """``--watch``: run the service until SIGTERM/SIGINT; 0 on a clean stop."""
    from data.sync.service import run_service

    if not args.verbose:
        # Each failed stream is already in the sync's one summary line; the engine's own warning
        # would repeat it. HTTP waits and keyring problems still reach the log.
        logging.getLogger("data.sync.run").setLevel(logging.ERROR)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        name = signal.Signals(signum).name
        print(f"{_stamp()} flowdeck sync service: {name}, stopping after the current page", flush=True)

    main = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)} if main else {}
    try:
        stats = run_service(getattr(args, "db", None), cfg, stop=stop, sources=names)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stats.died:
        # Exit non-zero so systemd (Restart=on-failure) starts the service again.
        what = "; ".join(f"{name}: {reason}" for name, reason in sorted(stats.died.items()))
        print(f"flowdeck: sync service stopped after an unexpected error ({what})", file=sys.stderr)
        return 1
    return 0


def _stamp() -> str:
    return utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
