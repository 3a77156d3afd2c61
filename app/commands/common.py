"""Helpers shared by the subcommands: opening the store and the config, parsing dates."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from data.config.model import Config
from data.config.parse import load_config
from data.store.store import Store
from data.timeutil import parse_instant


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--db`` (or the default), created and migrated as needed."""
    return Store.open(getattr(args, "db", None))


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
