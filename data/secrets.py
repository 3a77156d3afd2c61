"""Source tokens: the OS keyring, or ``FLOWDECK_TOKEN_<SOURCE>`` for headless use; never a file.

Decisions (PLATFORM.md, CONNECTORS.md §3):

* **The environment variable wins** over the keyring: it is how a service, a CI job or a one-off
  shell overrides a stored token without touching it, and it is visible in the environment that set it.
* Keyring entries live under service ``flowdeck``, user name = the source name.
* Only a real OS keyring (Secret Service, KWallet, macOS Keychain, Windows Credential Locker, or any
  third-party backend that is not one of the ones below) counts as secure. keyring's ``fail`` backend
  (no keyring at all), ``null`` backend (a silent no-op) and every ``keyrings.alt`` backend (a file in
  the home directory, PlaintextKeyring is base64) are reported as *not* secure, and
  :func:`set_token` refuses to store into them, saying what to do instead (the env var or a prompt
  per run). There is no plaintext fallback.
* No function here logs a token or puts one in an exception message.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import keyring
import keyring.errors

from data.connectors.redact import register_secret
from data.i18n import gettext_ as _

log = logging.getLogger(__name__)

__all__ = [
    "SERVICE",
    "BackendInfo",
    "SecretsError",
    "backend_info",
    "clear_token",
    "env_name",
    "get_token",
    "move_token",
    "set_token",
]

SERVICE = "flowdeck"


class SecretsError(Exception):
    """A token could not be stored or removed; the message says why and what to do instead."""


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """The active keyring backend: its name, whether it is a real OS keyring, and a message for the user."""

    name: str
    secure: bool
    message: str


def env_name(source: str) -> str:
    """``FLOWDECK_TOKEN_`` + the source name upper-cased, other characters as ``_`` (INTERFACES.md)."""
    return "FLOWDECK_TOKEN_" + re.sub(r"[^A-Z0-9]", "_", source.upper())


def _leaves(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    inner = getattr(backend, "backends", None)  # ChainerBackend
    return list(inner) if inner else [backend]


def backend_info() -> BackendInfo:
    """Describe the active keyring backend honestly."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring configuration must not crash the app
        return BackendInfo(
            "unavailable", False, _("The OS keyring could not be loaded ({error}).").format(error=type(exc).__name__)
        )
    leaves = _leaves(backend)
    names = ", ".join(f"{type(b).__module__}.{type(b).__name__}" for b in leaves)
    modules = [type(b).__module__ for b in leaves]
    if any(m.startswith("keyrings.alt") for m in modules):
        return BackendInfo(
            names,
            False,
            _(
                "The keyring backend is keyrings.alt, which keeps secrets in a file in your home directory, "
                "not in an OS keyring; Flowdeck will not store tokens there."
            ),
        )
    if all(m == "keyring.backends.fail" for m in modules):
        return BackendInfo(
            names,
            False,
            _("No OS keyring is available (no Secret Service / KWallet on this machine, or no D-Bus session)."),
        )
    if all(m in ("keyring.backends.null", "keyring.backends.fail") for m in modules):
        return BackendInfo(names, False, _("The keyring is disabled (null backend): nothing would be stored."))
    return BackendInfo(names, True, _("Tokens are stored in the OS keyring ({names}).").format(names=names))


def _clean(value: str | None) -> str | None:
    """A stored or exported token without surrounding whitespace (a secret mounted from a file, or
    written with ``echo``, ends with a newline that no server accepts in a header); None when empty.

    The value as found is registered for redaction too, so no form of it is ever shown."""
    if not value:
        return None
    register_secret(value)
    return value.strip() or None


def get_token(source: str) -> str | None:
    """The token of ``source``: ``FLOWDECK_TOKEN_<SOURCE>`` if set, else the keyring entry, else None.

    Surrounding whitespace is removed from either; a value that is only whitespace counts as unset."""
    value = _clean(os.environ.get(env_name(source)))
    if value:
        return value
    if not backend_info().secure:
        return None
    try:
        stored = keyring.get_password(SERVICE, source)
    except keyring.errors.KeyringError as exc:
        log.warning("%s: could not read the token from the keyring (%s)", source, type(exc).__name__)
        return None
    return _clean(stored)


def set_token(source: str, token: str) -> None:
    """Store ``token`` for ``source`` in the OS keyring; raises :class:`SecretsError` when there is none."""
    if not token or not token.strip():
        raise SecretsError(f"{source}: an empty token was given; nothing was stored")
    register_secret(token)
    info = backend_info()
    if not info.secure:
        raise SecretsError(
            f"{info.message} The token for {source!r} was not stored. Instead set the environment variable "
            f"{env_name(source)} for the process that syncs, or enter the token when `flowdeck sync` asks."
        )
    try:
        keyring.set_password(SERVICE, source, token.strip())
    except keyring.errors.KeyringError as exc:
        raise SecretsError(
            f"{source}: the OS keyring refused to store the token ({type(exc).__name__}; is it locked?). "
            f"Alternatively set {env_name(source)}."
        ) from None


def clear_token(source: str) -> bool:
    """Remove the keyring entry of ``source``; returns whether there was one. The env var is not touched."""
    if not backend_info().secure:
        return False
    try:
        keyring.delete_password(SERVICE, source)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise SecretsError(f"{source}: the OS keyring refused to remove the token ({type(exc).__name__})") from None
    return True


def move_token(old: str, new: str) -> bool:
    """Move the keyring entry of source ``old`` to ``new`` (the source was renamed); returns whether there was one.

    The entry is written under ``new`` before ``old`` is removed, so a keyring that refuses the write
    loses nothing: :class:`SecretsError` then says the token is still stored under ``old``. The
    environment variables are not touched (they belong to whoever set them).
    """
    if old == new or not backend_info().secure:
        return False
    try:
        token = keyring.get_password(SERVICE, old)
    except keyring.errors.KeyringError as exc:
        raise SecretsError(
            f"{old}: the OS keyring could not be read ({type(exc).__name__}; is it locked?); the token is still "
            f"stored under {old!r}. Store it for {new!r} with `flowdeck auth set {new}`."
        ) from None
    if not token:
        return False
    register_secret(token)
    try:
        keyring.set_password(SERVICE, new, token)
    except keyring.errors.KeyringError as exc:
        raise SecretsError(
            f"the OS keyring refused to store the token under {new!r} ({type(exc).__name__}; is it locked?); it is "
            f"still stored under {old!r}. Store it again with `flowdeck auth set {new}`."
        ) from None
    try:
        keyring.delete_password(SERVICE, old)
    except keyring.errors.KeyringError as exc:
        raise SecretsError(
            f"the token was copied to {new!r}, but the OS keyring refused to remove the entry under {old!r} "
            f"({type(exc).__name__}); remove it with your keyring's own tool"
        ) from None
    return True
