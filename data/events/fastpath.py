"""A compiled fast path for event validation: one straight-line function per kind.

Why: a million-line import spends most of its time per line, and a generic loop over field
descriptors costs about twice as much as straight-line code with the descriptors folded in. So
each kind's rules (from :data:`data.events.format.KINDS`, the one statement of them) are turned
into the source of a small function and compiled once at import. The function only *accepts*:
it returns the row for a good event and None for anything else, and the caller then runs the
readable rule book (:func:`data.events.format.explain`) to say what is wrong. The fast path can
therefore never produce a different message, and the tests check it accepts exactly what the rule
book accepts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from data.events.kinds import Kind

__all__ = ["compile_fast", "fast_source"]


def fast_source(kind: Kind) -> tuple[str, dict[str, Any]]:
    """The Python source of ``kind``'s fast function and the globals it needs."""
    from data.events import kinds

    env: dict[str, Any] = {
        "_iso": datetime.fromisoformat,
        "_isfinite": math.isfinite,
        "_dumps": json.dumps,
    }
    out = ["def fast(obj):", "    g = obj.get", "    try:"]
    names = []
    for i, f in enumerate(kind.fields):
        v = f"v{i}"
        names.append(v)
        body: list[str] = [f"{v} = g({f.name!r})"]
        if f.required:
            body.append(f"if {v} is None: return None")
            guard = ""
        elif f.default is None:
            guard = f"if {v} is not None:"
        else:
            body.append(f"if {v} is None: {v} = {f.default!r}")
            guard = "else:"
        checks: list[str] = []
        t = f.type
        too_long = f" or len({v}) > {f.max_len}" if f.max_len is not None else ""
        if t <= kinds._NULLABLE_FROM:
            empty = f" or not {v}" if t == kinds._STR and f.required else ""
            checks.append(f"if type({v}) is not str{empty}{too_long}: return None")
        elif t == kinds._INSTANT:
            checks += [
                f"if type({v}) is not str: return None",
                f"_d = _iso({v})",
                "if _d.tzinfo is None or not 1970 <= _d.year <= 2199: return None",
                f"{v} = round(_d.timestamp() * 1000)",
            ]
        elif t == kinds._ID:
            checks += [
                f"if type({v}) is int: {v} = str({v})",
                f"elif type({v}) is not str: return None",
                f"if not {v}{too_long}: return None",
            ]
        elif t == kinds._ENUM:
            env[f"_choices{i}"] = f.choices
            checks.append(f"if type({v}) is not str or {v} not in _choices{i}: return None")
        elif t == kinds._COUNT:
            checks.append(f"if type({v}) is not int or not 1 <= {v} <= 1_000_000: return None")
        elif t == kinds._SECONDS:
            checks += [
                f"if type({v}) not in (int, float) or not _isfinite({v}) or {v} < 0: return None",
                f"{v} = float({v})",
            ]
        else:  # labels
            checks += [
                f"if type({v}) is not list or any(type(_x) is not str for _x in {v}): return None",
                f"{v} = _dumps({v}, ensure_ascii=False)",
            ]
        out += [f"        {line}" for line in body]
        if guard:
            out.append(f"        {guard}")
            out += [f"            {line}" for line in checks]
        else:
            out += [f"        {line}" for line in checks]
    for i, j, _earlier, _later in kind.checks:
        a, b = names[i], names[j]
        out.append(f"        if {a} is not None and {b} is not None and {b} < {a}: return None")
    out += ["    except (ValueError, TypeError, OverflowError):", "        return None"]
    out.append(f"    return [{', '.join(names)}]")
    return "\n".join(out) + "\n", env


def compile_fast(kind: Kind) -> Callable[[dict[str, Any]], list[Any] | None]:
    """Compile ``kind``'s fast function (see the module docstring)."""
    source, env = fast_source(kind)
    code = compile(source, f"<fast event parser: {kind.name}>", "exec")
    exec(code, env)
    fast: Callable[[dict[str, Any]], list[Any] | None] = env["fast"]
    return fast
