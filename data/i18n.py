"""The user's language for text made without Qt: report notes, quality and maturity findings, CLI tables.

One choice drives everything: :func:`set_language` is called once at start-up (``--lang`` or the
system locale) and the GUI installs the matching Qt catalogue from :func:`language`. Text here goes
through Python's :mod:`gettext` with the ``flowdeck`` domain; catalogues live in
``resources/translations/<lang>/LC_MESSAGES/flowdeck.mo`` (docs/i18n.md).

English is the source language and the default: a C, POSIX or English locale, or any language
without a catalogue, shows English. Only an explicit ``zh*`` locale or ``--lang zh_CN`` switches.
"""

from __future__ import annotations

import gettext
import os
import unicodedata
from pathlib import Path

__all__ = [
    "DOMAIN",
    "N_",
    "SUPPORTED",
    "gettext_",
    "language",
    "ljust",
    "ngettext",
    "normalise",
    "rjust",
    "set_language",
    "system_language",
    "translations_dir",
    "width",
]

DOMAIN = "flowdeck"
#: Languages with a complete catalogue; "en" is the source text itself.
SUPPORTED: tuple[str, ...] = ("en", "zh_CN")

_state: dict[str, object] = {"lang": "en", "t": gettext.NullTranslations()}


def translations_dir() -> Path:
    """``resources/translations`` (mirrored inside the PyInstaller bundle)."""
    return Path(__file__).resolve().parent.parent / "resources" / "translations"


def normalise(value: str) -> str:
    """``zh``, ``zh-CN``, ``zh_CN.UTF-8``, ``zh_Hans`` -> ``zh_CN``; ``en_GB``, ``C``, ``POSIX`` -> ``en``.

    Raises ``ValueError`` naming the value and the choices for anything else.
    """
    v = value.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    low = v.lower()
    if low in ("", "c", "posix") or low == "en" or low.startswith("en_"):
        return "en"
    if low == "zh" or low in ("zh_cn", "zh_hans", "zh_hans_cn", "zh_sg"):
        return "zh_CN"
    raise ValueError(f"language {value!r} is not available; choose from {', '.join(SUPPORTED)}")


def system_language() -> str:
    """The language the environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG in that order).

    Only a Chinese locale switches away from English; an unknown language falls back to English.
    """
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        raw = os.environ.get(name, "")
        if not raw:
            continue
        first = raw.split(":", 1)[0]
        try:
            return normalise(first)
        except ValueError:
            return "en"
    return "en"


def set_language(value: str | None = None) -> str:
    """Choose the language (``None``: the system's) and load its gettext catalogue; returns it."""
    lang = system_language() if value is None else normalise(value)
    if lang == "en":
        translation: gettext.NullTranslations = gettext.NullTranslations()
    else:
        translation = gettext.translation(DOMAIN, localedir=str(translations_dir()), languages=[lang], fallback=True)
    _state["lang"] = lang
    _state["t"] = translation
    return lang


def language() -> str:
    """The language chosen by :func:`set_language` (``en`` before any call)."""
    return str(_state["lang"])


def gettext_(message: str) -> str:
    """``message`` in the chosen language (usually imported as ``_``)."""
    t = _state["t"]
    assert isinstance(t, gettext.NullTranslations)
    return t.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the chosen language."""
    t = _state["t"]
    assert isinstance(t, gettext.NullTranslations)
    return t.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only (tables built at import time); translate it where shown."""
    return message


def width(text: str) -> int:
    """Display width in a terminal: CJK (wide and full-width) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def ljust(text: str, columns: int) -> str:
    """``text`` padded on the right to ``columns`` display columns (see :func:`width`)."""
    return text + " " * max(0, columns - width(text))


def rjust(text: str, columns: int) -> str:
    """``text`` padded on the left to ``columns`` display columns (see :func:`width`)."""
    return " " * max(0, columns - width(text)) + text
