"""The user's own store ("Use my own data"): where it goes, and opening it without ever touching the demo.

The demo organisation is generated into the default store on a first start without sources, so the
user's own store is the default store only when that is not the demo's file; otherwise it is
:func:`app.paths.own_store_file`. A file that holds the demo is refused, whoever picked it: real
records synced into the synthetic bank would mix the two.
"""

from __future__ import annotations

from pathlib import Path

from app import paths
from data.store.errors import StoreError
from data.store.store import Store, default_db_url, resolve_db_url
from widgets.i18n import translate

__all__ = ["OwnStoreRefused", "default_own_store", "open_own_store"]


class OwnStoreRefused(StoreError):
    """The file picked for the user's own data is the demo (or another demo store)."""


def _path_of(url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(url[len(prefix) :]).resolve() if url.startswith(prefix) and len(url) > len(prefix) else None


def default_own_store(demo: Store | None) -> Path:
    """The file "Use my own data" creates: the default store, unless ``demo`` (the open demo) is that file."""
    default = _path_of(default_db_url())
    demo_path = demo.sqlite_path.resolve() if demo is not None and demo.sqlite_path is not None else None
    if default is not None and default != demo_path:
        return default
    return paths.own_store_file()


def open_own_store(url: str, demo: Path | None) -> Store:
    """Open (creating) the user's store at ``url``; refuse the demo file ``demo`` and any store holding a demo.

    Raises :class:`OwnStoreRefused` (the file is left as it was) or the store's own errors.
    """
    url = resolve_db_url(url)
    path = _path_of(url)
    if path is not None and demo is not None and path == demo.resolve():
        raise OwnStoreRefused(
            translate("MainWindow", "{path} is the demo store; choose another file for your own data.").format(
                path=path
            )
        )
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(url)
    if store.get_meta("demo") == "1":
        store.close()
        raise OwnStoreRefused(
            translate(
                "MainWindow", "{path} holds the demo organisation; choose another file for your own data."
            ).format(path=path or url)
        )
    return store
