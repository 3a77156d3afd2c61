"""Qt-side translation helper for widgets and the app.

``translate("Context", "text")`` is a thin alias of ``QCoreApplication.translate`` whose name
``pyside6-lupdate`` recognises, so every call is extracted into ``resources/translations/*.ts``.
An explicit context (not ``self.tr``) keeps the lookup stable for subclasses, whose runtime class
name would otherwise become the context. Numbers shown with a noun use the plural form:
``translate("Ctx", "%n item(s)", "", n)``. Placeholders (``{name}``) are filled after translation,
so a translator can move them: never concatenate translated fragments.

Without a QCoreApplication (pure formatting tests) the source text comes back unchanged.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from data import i18n as data_i18n

__all__ = ["QT_TRANSLATE_NOOP", "install_translators", "translate"]

_TRANSLATIONS = Path(__file__).resolve().parent.parent / "resources" / "translations"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Mark ``text`` for extraction without translating it (module-level tables; translate on display)."""
    return text


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the installed language; ``%n`` becomes ``n`` with the right plural form.

    English is the source language and ships no catalogue, so an untranslated plural message
    gets the English rule here: ``(s)`` is dropped for 1 and becomes ``s`` otherwise.
    """
    out = QCoreApplication.translate(context, text, disambiguation, n)
    if n >= 0 and "(s)" in out:
        out = out.replace("(s)", "" if n == 1 else "s")
    return out


_installed: list[QTranslator] = []


def install_translators(app: QCoreApplication, lang: str) -> bool:
    """Install Flowdeck's and Qt's own catalogues for ``lang`` (``en``: remove them); True if loaded.

    Qt's ``qtbase_<lang>.qm`` from PySide6's translations directory covers the standard dialog
    buttons (OK, Cancel, …). The default QLocale follows, so QLocale-formatted numbers and dates do,
    and so does the gettext language of ``data/`` (figure names and definitions shown by widgets).
    """
    data_i18n.set_language(lang)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return True
    ours = QTranslator(app)
    ok = ours.load(f"flowdeck_{lang}", str(_TRANSLATIONS))
    if ok:
        app.installTranslator(ours)
        _installed.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    QLocale.setDefault(QLocale(lang))
    return ok
