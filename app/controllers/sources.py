"""The app side of the Sources dialog: config writes, keyring calls and "Test connection" on workers.

The dialog (``widgets.sources_dialog``) only emits what the user asked for. Here each request runs
on a small worker pool of its own (keyring calls can block on an unlock prompt; a connection test
can take the whole timeout), and the answer goes back to the dialog on the GUI thread. After a
saved or removed source the config is reloaded from the file and handed to the controller.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.workers import Emit, Task, WorkerPool
from widgets.i18n import translate
from widgets.source_fields import SourceRow
from widgets.sources_dialog import SourcesDialog

if TYPE_CHECKING:
    from app.controllers.report import Controller
    from data.config.model import Config

__all__ = ["SourcesController", "source_rows", "test_source"]

log = logging.getLogger(__name__)


def source_rows(path: Path, store: Any) -> list[SourceRow]:
    """The configured sources with their last sync, last error and where their token comes from."""
    import os

    from data import secrets
    from data.config.edit import read_config_text

    _text, raw = read_config_text(path)
    states = store.sync_states() if store is not None else {}
    secure = secrets.backend_info().secure
    rows: list[SourceRow] = []
    for table in raw.get("sources", []):
        if not isinstance(table, dict):
            continue
        name = str(table.get("name", ""))
        env = secrets.env_name(name)
        if os.environ.get(env):
            token = f"env {env}"
        elif secure and secrets.get_token(name):
            token = "keyring"
        else:
            token = "no token"
        state = states.get(name) or {}
        rows.append(
            SourceRow(
                name=name,
                kind=str(table.get("kind", "")),
                url=str(table.get("url", "")),
                last_sync=state.get("last_success_at"),
                last_error=state.get("last_error"),
                token=token,
                env_name=env,
                table=dict(table),
            )
        )
    return rows


def check_connector(config: Config) -> None:
    """Build (never connect) each source's connector, so kind-specific options are validated too."""
    from data.connectors.registry import make_connector

    for source in config.sources:
        make_connector(source, None).close()


def test_source(table: dict[str, Any], token: str | None) -> str:
    """Validate ``table``, build its connector and call ``test_connection()`` (on a worker)."""
    from data.config.parse import parse_config
    from data.connectors.redact import register_secret

    if token:
        register_secret(token)  # so no error text can carry it
    source = parse_config({"sources": [table]}, "the form", fallback_streams=False).sources[0]
    from data.sync.run import open_connector

    connector = open_connector(source, token or None)
    try:
        return connector.test_connection()
    finally:
        connector.close()


class SourcesController(QObject):
    """Opens the Sources dialog and performs what it asks on workers.

    Signals:
        sources_changed(Config): the config file was changed and reloaded.
    """

    sources_changed = Signal(object)

    def __init__(self, controller: Controller, config_path: Path) -> None:
        super().__init__(controller)
        self.controller = controller
        self.config_path = config_path
        self.pool = WorkerPool(2)
        self.dialog: SourcesDialog | None = None
        # Set by shutdown(): a result posted before it must not reach a dialog that may be deleted.
        self._closed = False

    def open(self, parent: QWidget | None = None) -> SourcesDialog:
        """Show the dialog (one at a time) and load its list on a worker."""
        if self.dialog is None:
            from data.config.model import DEFAULT_LOOKBACK_DAYS

            dialog = SourcesDialog(parent, config_path=str(self.config_path))
            dialog.source_form.set_lookback_default(DEFAULT_LOOKBACK_DAYS)
            dialog.save_requested.connect(self.save)
            dialog.remove_requested.connect(self.remove)
            dialog.test_requested.connect(self.test)
            dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
            self.dialog = dialog
        self.dialog.show()
        self.dialog.raise_()
        self.refresh()
        return self.dialog

    def _run(self, fn: Any, done: Any) -> Task:
        def job(emit: Emit) -> None:
            emit("ok", fn())

        task = Task(0, job)
        task.signals.partial.connect(lambda _g, _k, value: None if self._closed else done(True, value))
        task.signals.failed.connect(
            lambda _g, message, exc: None if self._closed else done(False, _message(message, exc))
        )
        self.pool.submit(task)
        return task

    def refresh(self) -> None:
        """Reload the list and the keyring state (on a worker)."""
        path, store = self.config_path, self.controller.store

        def fn() -> tuple[list[SourceRow], Any]:
            from data import secrets

            return source_rows(path, store), secrets.backend_info()

        def done(ok: bool, value: object) -> None:
            if self.dialog is None:
                return
            if not ok:
                self.dialog.show_error(str(value))
                return
            rows, info = cast("tuple[list[SourceRow], Any]", value)
            self.dialog.set_keyring(info.name, info.secure, info.message)
            self.dialog.set_sources(rows)

        self._run(fn, done)

    def save(self, original: str | None, table: dict[str, Any], token: str | None) -> Task:
        """Validate and write ``table`` (new or replacing ``original``), then store the token."""
        path = self.config_path

        def fn() -> tuple[str, str, Config]:
            from data import secrets
            from data.config.edit import add_source, replace_source
            from data.config.parse import load_config

            if original is None:
                add_source(path, table, check_connector)
            else:
                replace_source(path, original, table, check_connector)
            name = str(table["name"])
            note = translate("SourcesController", "Saved {name} to {path}.").format(name=repr(name), path=path)
            # A rename must take the keyring entry along: the token is stored under the source's name.
            renamed = original if original is not None and original != name else None
            if token:
                try:
                    secrets.set_token(name, token)
                    note += translate("SourcesController", " The token is in the OS keyring.")
                    if renamed is not None:
                        secrets.clear_token(renamed)  # else the old name's token stays behind, orphaned
                except secrets.SecretsError as exc:
                    note += translate("SourcesController", " The token was NOT stored: {error}").format(error=exc)
            elif renamed is not None:
                note += _move_token(renamed, name)
            if renamed is not None:
                note += _env_note(renamed, name)
            return name, note, load_config(path)

        def done(ok: bool, value: object) -> None:
            if ok:
                name, note, config = cast("tuple[str, str, Config]", value)
                self._config_changed(config)
                if self.dialog is not None:
                    self.dialog.save_finished(True, note, name)
            elif self.dialog is not None:
                self.dialog.save_finished(False, str(value))
            self.refresh()

        return self._run(fn, done)

    def remove(self, name: str) -> Task:
        """Cut the source out of the file and remove its keyring token."""
        path = self.config_path

        def fn() -> tuple[str, Config]:
            from data import secrets
            from data.config.edit import remove_source
            from data.config.parse import load_config

            remove_source(path, name)
            note = translate("SourcesController", "Removed {name} from {path}.").format(name=repr(name), path=path)
            try:
                if secrets.clear_token(name):
                    note += translate("SourcesController", " Its keyring token was removed.")
            except secrets.SecretsError as exc:
                note += f" {exc}"
            return note, load_config(path)

        def done(ok: bool, value: object) -> None:
            if ok:
                note, config = cast("tuple[str, Config]", value)
                self._config_changed(config)
                if self.dialog is not None:
                    self.dialog.remove_finished(True, note)
            elif self.dialog is not None:
                self.dialog.remove_finished(False, str(value))
            self.refresh()

        return self._run(fn, done)

    def test(self, table: dict[str, Any], token: str | None) -> Task:
        """``Test connection`` on a worker; the dialog shows the answer or the redacted error."""

        def done(ok: bool, value: object) -> None:
            if self.dialog is not None:
                self.dialog.test_finished(ok, str(value))

        return self._run(lambda: test_source(table, token), done)

    def _config_changed(self, config: Config) -> None:
        self.controller.set_config(config)
        self.sources_changed.emit(config)

    def shutdown(self) -> None:
        """Wait for work in flight (a connection test ends within its timeout); deliver nothing after."""
        self._closed = True
        self.pool.wait(15_000)


def _move_token(old: str, new: str) -> str:
    """Move a renamed source's keyring token; what happened, as a sentence to append ("" if none was stored)."""
    from data import secrets

    try:
        if secrets.move_token(old, new):
            return translate("SourcesController", " Its keyring token moved from {old} to {new}.").format(
                old=repr(old), new=repr(new)
            )
    except secrets.SecretsError as exc:
        return translate("SourcesController", " The token was NOT moved: {error}").format(error=exc)
    return ""


def _env_note(old: str, new: str) -> str:
    """A token in the old name's environment variable does not follow a rename: say so (never its value)."""
    import os

    from data import secrets

    old_env, new_env = secrets.env_name(old), secrets.env_name(new)
    if old_env == new_env or not os.environ.get(old_env):
        return ""
    return translate(
        "SourcesController", " {old_env} is set in the environment, but the renamed source reads {new_env}."
    ).format(old_env=old_env, new_env=new_env)


def _message(message: str, exc: object) -> str:
    """A config error as it is (it names the file and field); anything else redacted, type first."""
    from data.config.model import ConfigError
    from data.connectors.base import ConnectorError
    from data.connectors.redact import redact

    if isinstance(exc, ConfigError | ConnectorError):
        return redact(str(exc))
    return redact(message)
