"""Helpers shared by the subcommands: opening the store and the config, parsing dates, printing remote text."""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from data.config.model import Config
from data.config.parse import load_config
from data.store.errors import StoreError
from data.timeutil import parse_instant

if TYPE_CHECKING:
    from data.store.store import Store

#: Commands whose whole point is writing: on a read-only store they stop before any work (a sync
#: would otherwise fetch every page only to fail storing each one).
WRITING_COMMANDS = frozenset({"import", "sync", "demo"})


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--db`` (or the default), created and migrated as needed.

    Anything that is not a Flowdeck store is refused untouched, and a read-only store opens for
    reading (data.store.store); a writing command refuses a read-only store at once, saying why.
    """
    from data.store.store import Store  # here, not at the top: `--help` must not load SQLAlchemy

    store = Store.open(getattr(args, "db", None))
    if getattr(args, "command", None) in WRITING_COMMANDS:
        try:
            store.require_writable()
        except StoreError:
            store.close()
            raise
    return store


def config_of(args: argparse.Namespace) -> Config:
    """The config named by ``--config`` (or the default; missing default file = no sources)."""
    path = getattr(args, "config", None)
    return load_config(Path(path) if path else None)


def instant_arg(value: str) -> datetime:
    """argparse type for ``--from``/``--to``/``--as-of``: ISO 8601, UTC when no zone is given."""
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# C0 controls but the whitespace ones, DEL, C1 controls (0x9b is a one-character CSI), and the
# bidirectional overrides and isolates that reorder what a terminal shows ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)  # the control picture: ESC shows as U+241B "␛"
    return "\u2421" if c == 0x7F else "\ufffd"


def printable(text: object) -> str:
    """``text`` safe to print in a terminal table cell: one line, no control character.

    Remote text (ticket titles, branch names, authors, sync errors) may hold escape sequences that
    clear the screen, set the window title or forge OSC 8 links. Whitespace runs (newlines, tabs
    and the other whitespace controls) become one space, so a title cannot forge a table row; every
    other control character is shown as its Unicode control picture (``ESC`` -> ``␛``), or as
    ``�`` for C1 controls and bidirectional overrides. Every table printer of the CLI uses this.
    """
    return _UNSAFE.sub(_shown, " ".join(str(text).split()))
