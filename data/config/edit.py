"""Writing the ``[[sources]]`` of flowdeck.toml (shared by ``flowdeck sources`` and the Sources dialog)
and its ``[[scenarios]]`` (the Future state page's saved what-if scenarios).

Rules (docs/sources.md): the whole resulting config is validated first (``data.config.parse.parse_config``)
and nothing is written when it is wrong; a new source is *appended*, an edited or removed one is cut
out of the text as its own block, so comments elsewhere in the file survive; a layout that cannot
be cut cleanly (an inline array of tables, a table split up) is refused and nothing changes. Tokens
never come here. No Qt: the app calls these on a worker thread.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomli_w

from data.config.model import Config, ConfigError, SavedScenario
from data.config.parse import parse_config

__all__ = [
    "add_source",
    "block_of",
    "loads_or_none",
    "read_config_text",
    "remove_scenario",
    "remove_source",
    "remove_source_table",
    "replace_source",
    "save_scenario",
    "toml_inline",
    "toml_key",
    "validate_with",
]


def read_config_text(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and parsed document (``("", {})`` when it does not exist)."""
    if not path.exists():
        return "", {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None


def toml_key(key: str) -> str:
    """A bare TOML key when it can be one, else a quoted one."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def toml_inline(value: Any) -> str:
    """A TOML value on one line, tables inline (so an appended [[sources]] stays one table)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_inline(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return "[" + ", ".join(toml_inline(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def block_of(table: dict[str, Any], array: str = "sources") -> str:
    """One ``[[sources]]`` (or ``[[array]]``) block for ``table``."""
    return f"[[{array}]]\n" + "".join(f"{toml_key(k)} = {toml_inline(v)}\n" for k, v in table.items())


def _sources_of(raw: dict[str, Any]) -> list[Any]:
    return list(raw.get("sources", []))


def validate_with(path: Path, raw: dict[str, Any], sources: list[Any], what: str) -> Config:
    """Validate ``raw`` with ``sources`` in place of its own; raises ConfigError naming the field."""
    doc = {**raw, "sources": sources}
    if not sources:
        del doc["sources"]
    return parse_config(doc, f"{path} ({what})", fallback_streams=False)


def _named(s: Any, name: str) -> bool:
    return isinstance(s, dict) and s.get("name") == name


def add_source(path: Path, table: dict[str, Any], check: Callable[[Config], None] | None = None) -> Config:
    """Append ``table`` as a new ``[[sources]]`` block; returns the validated config (streams as written).

    ``check(config)`` may refuse the result further (raise) before anything is written.
    """
    text, raw = read_config_text(path)
    sources = _sources_of(raw)
    name = str(table.get("name", ""))
    if any(_named(s, name) for s in sources):
        raise ConfigError(f"{path}: sources.name: a source named {name!r} already exists")
    config = validate_with(path, raw, [*sources, table], "with the new source")
    if check is not None:
        check(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    path.write_text(text + sep + block_of(table), encoding="utf-8")
    return config


def replace_source(
    path: Path, name: str, table: dict[str, Any], check: Callable[[Config], None] | None = None
) -> Config:
    """Replace the source ``name`` by ``table`` in place (its block only); ConfigError when impossible."""
    text, raw = read_config_text(path)
    sources = _sources_of(raw)
    if not any(_named(s, name) for s in sources):
        raise ConfigError(f"{path}: no source named {name!r}")
    new_name = str(table.get("name", ""))
    if new_name != name and any(_named(s, new_name) for s in sources):
        raise ConfigError(f"{path}: sources.name: a source named {new_name!r} already exists")
    replaced = [table if _named(s, name) else s for s in sources]
    config = validate_with(path, raw, replaced, f"with the edited source {name!r}")
    if check is not None:
        check(config)
    new_text = _cut(text, name, block_of(table))
    if new_text is None or loads_or_none(new_text) != {**raw, "sources": replaced}:
        raise ConfigError(
            f"{path}: cannot find the [[sources]] table named {name!r} as its own block (an inline array, "
            "or a table split up?); edit it by hand. Nothing was changed."
        )
    path.write_text(new_text, encoding="utf-8")
    return config


def remove_source(path: Path, name: str) -> Config:
    """Cut the source ``name`` out of the file (comments elsewhere kept); ConfigError when impossible."""
    text, raw = read_config_text(path)
    sources = _sources_of(raw)
    kept = [s for s in sources if not _named(s, name)]
    if len(kept) == len(sources):
        raise ConfigError(f"{path}: no source named {name!r}")
    config = validate_with(path, raw, kept, f"without {name!r}")
    doc = {**raw, "sources": kept}
    if not kept:
        del doc["sources"]
    new_text = remove_source_table(text, name)
    if new_text is None or loads_or_none(new_text) != doc:
        raise ConfigError(
            f"{path}: cannot find the [[sources]] table named {name!r} as its own block (an inline array, "
            "or a table split up?); remove it by hand. Nothing was changed."
        )
    path.write_text(new_text, encoding="utf-8")
    return config


_HEADER = re.compile(r"""^\s*\[\[?\s*([A-Za-z0-9_."' -]+?)\s*\]\]?\s*(#.*)?$""")
_COMMENT = re.compile(r"^\s*#")


def loads_or_none(text: str) -> dict[str, Any] | None:
    """The parsed document, or None when ``text`` is not valid TOML."""
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def _span(lines: list[str], name: str, array: str = "sources") -> tuple[int, int, int] | None:
    """(comment start, header line, end) of the ``[[sources]]`` (or ``[[array]]``) block named ``name``."""
    heads = [(i, m.group(1).replace(" ", "")) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
    for k, (i, key) in enumerate(heads):
        if key != array or not lines[i].lstrip().startswith("[["):
            continue
        # The table runs to the next header that is not one of its own sub-tables.
        end = len(lines)
        for j, other in heads[k + 1 :]:
            if not other.startswith(f"{array}."):
                end = j
                break
        parsed = loads_or_none("".join(lines[i:end]))
        entries = (parsed or {}).get(array) or [{}]
        if not isinstance(entries, list) or len(entries) != 1 or entries[0].get("name") != name:
            continue
        start = i
        while start > 0 and _COMMENT.match(lines[start - 1]):  # its own comment block
            start -= 1
        stop = end
        while stop > i + 1 and (_COMMENT.match(lines[stop - 1]) and end < len(lines)):  # the next table's comments
            stop -= 1
        return start, i, stop
    return None


def remove_source_table(text: str, name: str) -> str | None:
    """``text`` without the ``[[sources]]`` table named ``name`` (its ``[sources.x]`` sub-tables and the
    comment lines directly above its header too), every other byte untouched; None if not found.

    The caller checks the result parses to the expected document, so an unusual layout (a header-like
    line inside a multi-line string) is refused rather than mangled.
    """
    lines = text.splitlines(keepends=True)
    span = _span(lines, name)
    if span is None:
        return None
    start, _head, stop = span
    return "".join(lines[:start] + lines[stop:])


def _cut(text: str, name: str, block: str, array: str = "sources") -> str | None:
    """``text`` with the block named ``name`` replaced by ``block`` (its own comments above kept)."""
    lines = text.splitlines(keepends=True)
    span = _span(lines, name, array)
    if span is None:
        return None
    _start, head, stop = span
    tail = lines[stop:]
    # Keep a blank line between the new block and whatever followed the old one.
    sep = "\n" if tail and tail[0].strip() else ""
    return "".join(lines[:head]) + block + sep + "".join(tail)


def _scenario_table(scenario: SavedScenario) -> dict[str, Any]:
    table: dict[str, Any] = {"name": scenario.name}
    if scenario.stream is not None:
        table["stream"] = scenario.stream
    table["factors"] = dict(scenario.factors)
    return table


def _scenario_named(s: Any, name: str) -> bool:
    return isinstance(s, dict) and str(s.get("name", "")).lower() == name.lower()


def _write_scenarios(path: Path, raw: dict[str, Any], scenarios: list[Any], new_text: str | None, what: str) -> Config:
    """Validate the document with ``scenarios``, check ``new_text`` parses to exactly it, then write it."""
    doc = {**raw, "scenarios": scenarios}
    if not scenarios:
        del doc["scenarios"]
    # Checked with the streams the app will load (the demo's when the file has none): a scenario for
    # an unknown stream or stage is refused now rather than at the next start.
    config = replace(parse_config(doc, f"{path} ({what})"), path=path)
    if new_text is None or loads_or_none(new_text) != doc:
        raise ConfigError(
            f"{path}: cannot find the scenario's [[scenarios]] table as its own block (an inline array, or a "
            "table split up?); edit it by hand. Nothing was changed."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_text, encoding="utf-8")
    return config


def _scenarios_of(raw: dict[str, Any]) -> list[Any]:
    listed = raw.get("scenarios", [])
    return list(listed) if isinstance(listed, list) else []


def save_scenario(path: Path, scenario: SavedScenario) -> Config:
    """Save ``scenario`` as a ``[[scenarios]]`` table: one of the same name (case-insensitive) is replaced
    in place, otherwise it is appended. The whole resulting config is validated first; ConfigError
    naming the field, and nothing written, when it is wrong. Returns the config as the app loads it."""
    text, raw = read_config_text(path)
    listed = _scenarios_of(raw)
    table = _scenario_table(scenario)
    old = next((s for s in listed if _scenario_named(s, scenario.name)), None)
    updated = [table if s is old else s for s in listed] if old is not None else [*listed, table]
    block = block_of(table, "scenarios")
    if old is not None:
        new_text = _cut(text, str(old["name"]), block, "scenarios")
    else:
        sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        new_text = text + sep + block
    return _write_scenarios(path, raw, updated, new_text, f"with the scenario {scenario.name!r}")


def remove_scenario(path: Path, name: str) -> Config:
    """Cut the scenario ``name`` (case-insensitive) out of the file, comments elsewhere kept; ConfigError
    when there is none or its table cannot be cut cleanly (nothing is changed then)."""
    text, raw = read_config_text(path)
    listed = _scenarios_of(raw)
    old = next((s for s in listed if _scenario_named(s, name)), None)
    if old is None:
        raise ConfigError(f"{path}: no scenario named {name!r}")
    kept = [s for s in listed if s is not old]
    lines = text.splitlines(keepends=True)
    span = _span(lines, str(old["name"]), "scenarios")
    new_text = None if span is None else "".join(lines[: span[0]] + lines[span[2] :])
    return _write_scenarios(path, raw, kept, new_text, f"without the scenario {name!r}")
