"""``flowdeck sources list|add|remove``: the ``[[sources]]`` of flowdeck.toml (never a token)."""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from app.cli import UsageError
from data.config.edit import loads_or_none as _loads
from data.config.edit import read_config_text as _read
from data.config.edit import remove_source_table
from data.config.edit import toml_inline as _inline
from data.config.edit import toml_key as _key
from data.config.model import SOURCE_KINDS
from data.config.parse import default_config_path, load_config, parse_config

_LIST_OPTIONS = ("repos", "projects", "jobs", "incident_labels", "incident_types")


def add_parser(sub: Any) -> None:
    """Register ``sources`` and its actions."""
    p: argparse.ArgumentParser = sub.add_parser("sources", help="list, add or remove configured sources")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the configured sources and where their tokens come from")
    add = actions.add_parser("add", help="add a [[sources]] table to flowdeck.toml")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=SOURCE_KINDS)
    add.add_argument("--url", required=True)
    for opt in _LIST_OPTIONS:
        add.add_argument(f"--{opt.replace('_', '-')}", metavar="A,B", help=f"comma-separated {opt}")
    add.add_argument("--user", help="Jenkins user / Jira Cloud e-mail")
    add.add_argument("--ca-bundle", help="PEM file of the company CA")
    add.add_argument("--proxy", help="http://proxy:3128")
    add.add_argument("--interval", type=float, dest="interval_s", help="seconds between syncs")
    add.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help='any other option; VALUE is read as TOML when it parses (e.g. timezone="UTC")',
    )
    rm = actions.add_parser("remove", help="remove a source (its keyring token too)")
    rm.add_argument("name")
    rn = actions.add_parser("rename", help="rename a source (its keyring token moves to the new name)")
    rn.add_argument("name")
    rn.add_argument("new_name", metavar="NEW_NAME")
    p.set_defaults(func=run)


def _path(args: argparse.Namespace) -> Path:
    return Path(args.config) if getattr(args, "config", None) else default_config_path()


def _value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
    except RecursionError:
        raise UsageError("--set: the value nests arrays or tables too deeply") from None


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    from data import secrets  # here, not at the top: `flowdeck --help` must not load the keyring

    path = _path(args)
    if args.action == "list":
        cfg = load_config(path if path.exists() else None, fallback_streams=False) if path.exists() else None
        sources = cfg.sources if cfg else ()
        if not sources:
            print(f"no sources in {path}; add one with `flowdeck sources add NAME --kind KIND --url URL`")
            return 0
        info = secrets.backend_info()
        for s in sources:
            env = secrets.env_name(s.name)
            token = "env " + env if os.environ.get(env) else ("keyring" if secrets.get_token(s.name) else "no token")
            print(f"{s.name:<16} {s.kind:<8} {s.url:<45} {token}")
        if not info.secure:
            print(f"note: {info.message}")
        return 0
    if args.action == "rename":
        return _rename(path, args.name, args.new_name)
    text, raw = _read(path)
    raw_sources: list[Any] = list(raw.get("sources", []))
    if args.action == "add":
        if any(isinstance(s, dict) and s.get("name") == args.name for s in raw_sources):
            raise UsageError(f"{path}: a source named {args.name!r} already exists")
        table: dict[str, Any] = {"name": args.name, "kind": args.kind, "url": args.url}
        for opt in _LIST_OPTIONS:
            value = getattr(args, opt)
            if value:
                table[opt] = [v.strip() for v in value.split(",") if v.strip()]
        for key in ("user", "ca_bundle", "proxy", "interval_s"):
            if getattr(args, key) is not None:
                table[key] = getattr(args, key)
        for item in args.set:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise UsageError(f"--set expects KEY=VALUE, got {item!r}")
            table[key.strip()] = _value(value.strip())
        # Validate the whole resulting config first: a bad source changes nothing on disk.
        parse_config({**raw, "sources": [*raw_sources, table]}, f"{path} (with the new source)", fallback_streams=False)
        block = "[[sources]]\n" + "".join(f"{_key(k)} = {_inline(v)}\n" for k, v in table.items())
        path.parent.mkdir(parents=True, exist_ok=True)
        sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        path.write_text(text + sep + block, encoding="utf-8")  # appended: comments elsewhere survive
        print(
            f"added source {args.name!r} to {path}; set its token with `flowdeck auth set {args.name}` "
            f"or the environment variable {secrets.env_name(args.name)}"
        )
        return 0
    kept = [s for s in raw_sources if not (isinstance(s, dict) and s.get("name") == args.name)]
    if len(kept) == len(raw_sources):
        raise UsageError(f"{path}: no source named {args.name!r}")
    doc = {**raw, "sources": kept}
    if not kept:
        del doc["sources"]
    parse_config(doc, str(path), fallback_streams=False)
    new_text = remove_source_table(text, args.name)
    if new_text is None or _loads(new_text) != doc:
        # Never rewrite the user's file wholesale: say what to do instead and change nothing.
        print(
            f"flowdeck: {path}: cannot find the [[sources]] table named {args.name!r} as its own block "
            "(an inline array, or a table split up?); remove it by hand. Nothing was changed.",
            file=sys.stderr,
        )
        return 1
    path.write_text(new_text, encoding="utf-8")
    secrets.clear_token(args.name)
    print(f"removed source {args.name!r} from {path}; the rest of the file, comments included, is unchanged")
    return 0


def _rename(path: Path, old: str, new: str) -> int:
    """Rename the source's ``[[sources]]`` table (validated first) and move its keyring token along."""
    from data import secrets
    from data.config.edit import replace_source

    _text, raw = _read(path)
    table = next((s for s in raw.get("sources", []) if isinstance(s, dict) and s.get("name") == old), None)
    if table is None:
        raise UsageError(f"{path}: no source named {old!r}")
    replace_source(path, old, {**table, "name": new})
    print(f"renamed source {old!r} to {new!r} in {path}")
    status = 0
    try:
        if secrets.move_token(old, new):
            print(f"its token moved in the OS keyring from {old!r} to {new!r}")
    except secrets.SecretsError as exc:
        print(f"flowdeck: the token was NOT moved: {exc}", file=sys.stderr)
        status = 1
    old_env, new_env = secrets.env_name(old), secrets.env_name(new)
    if old_env != new_env and os.environ.get(old_env):
        print(f"note: {old_env} is set in the environment, but the renamed source reads {new_env}")
    return status
