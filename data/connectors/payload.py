"""Checking the shape of what a source answered, so a wrong answer is a clear :class:`ConnectorError`.

A 200 is not always the data asked for: a proxy's JSON error, an error object (``{"message": ...}``),
a string, a list where an object belongs, an object without the expected key. Every connector checks
the decoded body here before it reads it, and the message says which endpoint answered what shape::

    github: GitHub /repos/a/b/actions/runs answered a JSON string where an object with workflow_runs
    was expected

Inside an item the mappers read fields with :func:`obj` (an optional nested object: ``{}`` when it is
anything else), :func:`text` and :func:`whole`, and name a missing or unusable required field with
:func:`need`/:func:`need_id`; :func:`item_errors` turns any remaining slip (a ``KeyError``/``TypeError``/
``ValueError`` from an unexpected value) into a :class:`ConnectorError` naming the item, so no Python
exception name reaches a user.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from data.connectors.base import ConnectorError
from data.connectors.http.response import HttpResponse, display_url
from data.connectors.redact import redact

__all__ = [
    "endpoint",
    "item_errors",
    "need",
    "need_id",
    "obj",
    "object_body",
    "objects",
    "plain",
    "shape_of",
    "text",
    "whole",
]

_MESSAGE_KEYS = ("message", "error", "errorMessages", "error_description", "errors")


def endpoint(resp: HttpResponse | str) -> str:
    """The request's path without its query, redacted: what a message names."""
    url = resp.url if isinstance(resp, HttpResponse) else resp
    return display_url(url).split("?", 1)[0]


def plain(value: Any, limit: int = 300) -> str:
    """A server-provided message as one line of plain text: lists joined, markup and controls removed."""
    if isinstance(value, list | tuple):
        parts = [plain(v, limit) for v in value]
        out = "; ".join(p for p in parts if p)
    elif isinstance(value, Mapping):
        out = "; ".join(f"{k}: {plain(v, limit)}" for k, v in value.items() if plain(v, limit))
    elif value is None:
        out = ""
    else:
        out = re.sub(r"<[^>]{0,200}>", "", str(value))
        out = re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", out)).strip()
    out = redact(out)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def error_message(body: Any) -> str | None:
    """The error an object body carries (``message``, ``error``, Jira's ``errorMessages``...), as plain text."""
    if not isinstance(body, Mapping):
        return None
    for key in _MESSAGE_KEYS:
        if body.get(key):
            msg = plain(body[key])
            if msg:
                return msg
    return None


def shape_of(value: Any) -> str:  # noqa: PLR0911 - one answer per JSON type
    """What a decoded JSON value is, for a message: ``a JSON string``, ``an error object ("Not Found")``..."""
    if value is None:
        return "an empty body"
    if isinstance(value, bool):
        return "a JSON boolean"
    if isinstance(value, int | float):
        return "a JSON number"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, list):
        return "an empty JSON list" if not value else "a JSON list"
    if isinstance(value, Mapping):
        msg = error_message(value)
        if msg:
            return f'an error object ("{msg}")'
        keys = [str(k) for k in list(value)[:5]]
        if not keys:
            return "an empty JSON object"
        more = ", …" if len(value) > 5 else ""
        return f"a JSON object with {', '.join(keys)}{more}"
    return f"a {type(value).__name__}"


def _where(system: str, source: str, resp: HttpResponse | str) -> str:
    return f"{source}: {system} {endpoint(resp)}"


def object_body(
    body: Any,
    *,
    source: str,
    system: str,
    resp: HttpResponse | str,
    key: str | None = None,
    holds: type | tuple[type, ...] = list,
) -> Mapping[str, Any]:
    """``body`` as an object (holding ``key`` of type ``holds`` when given), else a clear ConnectorError.

    A ``key`` present with ``null`` counts as present and empty; a list under ``key`` must hold objects.
    """
    want = f"an object with {key}" if key else "a JSON object"
    if not isinstance(body, Mapping):
        raise ConnectorError(f"{_where(system, source, resp)} answered {shape_of(body)} where {want} was expected")
    if key is not None:
        if key not in body:
            raise ConnectorError(f"{_where(system, source, resp)} answered {shape_of(body)} where {want} was expected")
        value = body[key]
        if value is not None and not isinstance(value, holds):
            raise ConnectorError(
                f"{_where(system, source, resp)} answered an object whose {key} is {shape_of(value)} "
                f"where {want} was expected"
            )
        if isinstance(value, list):
            _all_objects(value, system=system, source=source, resp=resp, what=f"{key} holding")
    return body


def objects(
    body: Any,
    *,
    source: str,
    system: str,
    resp: HttpResponse | str,
    key: str | None = None,
) -> list[Mapping[str, Any]]:
    """The list of objects ``body`` is (or ``body[key]`` is), else a clear ConnectorError."""
    if key is not None:
        value = object_body(body, source=source, system=system, resp=resp, key=key).get(key)
        return list(value or [])
    if not isinstance(body, list):
        raise ConnectorError(
            f"{_where(system, source, resp)} answered {shape_of(body)} where a list of objects was expected"
        )
    _all_objects(body, system=system, source=source, resp=resp, what="a list holding")
    return body


def _all_objects(items: list[Any], *, system: str, source: str, resp: HttpResponse | str, what: str) -> None:
    for item in items:
        if not isinstance(item, Mapping):
            raise ConnectorError(
                f"{_where(system, source, resp)} answered {what} {shape_of(item)} where a list of objects was expected"
            )


# --- fields inside an item ----------------------------------------------------------------------------


def obj(value: Any) -> Mapping[str, Any]:
    """An optional nested object (``actor``, ``head``, ``environment``...): ``{}`` when it is anything else."""
    return value if isinstance(value, Mapping) else {}


def text(value: Any) -> str | None:
    """An optional text field: strings and numbers as text, None for anything else (or empty)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value) or None
    return None


def whole(value: Any, default: int = 1) -> int:
    """An optional whole number (attempts): ``default`` when missing or not a number."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return default


def need(item: Mapping[str, Any], key: str, where: str) -> Any:
    """A required field of an item, or a ConnectorError naming it (``where`` names the item's endpoint)."""
    value = item.get(key)
    if value is None or value == "":
        raise ConnectorError(f"{where}: an item without {key} ({shape_of(dict(item))})")
    return value


def need_id(item: Mapping[str, Any], key: str, where: str) -> str:
    """A required identifier (a number or a non-empty string) as text."""
    value = need(item, key, where)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConnectorError(f"{where}: an item whose {key} is {shape_of(value)}, not an identifier")
    return str(value)


@contextmanager
def item_errors(where: str) -> Iterator[None]:
    """Turn a slip on an unexpected value inside an item into a ConnectorError naming ``where``.

    The mappers read what they need defensively; this is the net under them for the shapes nobody
    foresaw (an instant that is not one, a number where text belongs), so a user sees where it
    happened and never a Python exception name.
    """
    try:
        yield
    except ConnectorError:
        raise
    except KeyError as exc:
        raise ConnectorError(f"{where}: an item without {exc.args[0] if exc.args else 'a required field'}") from None
    except ValueError as exc:
        raise ConnectorError(f"{where}: unreadable value: {plain(exc, 200)}") from None
    except (TypeError, AttributeError, OverflowError, IndexError):
        raise ConnectorError(f"{where}: an item holds a value of an unexpected type") from None
