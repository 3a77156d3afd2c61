"""Redaction of secrets from every message, log line and exception text the connectors produce.

Every credential a client is built with is registered here (:func:`register_secret`), in every
form it can take in text: as given and without surrounding whitespace (a secret mounted from a file
ends with a newline), URL-quoted, escaped as a ``repr``/JSON string or a bytes ``repr`` would show
it; :func:`register_basic_auth` adds the base64 ``user:token`` Basic auth sends. :func:`redact`
removes them plus anything that looks like a credential in a URL or a header dump.
:class:`RedactingFilter` applies it to log records; the CLI installs it on its handlers.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from urllib.parse import quote, quote_plus

__all__ = ["RedactingFilter", "redact", "register_basic_auth", "register_secret"]

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
# Query parameters and header-ish fragments that carry credentials in the wild (GitLab
# private_token=, OAuth access_token=, Jenkins token=, signed URLs sig=/signature=).
_SECRET_PARAM = re.compile(
    r"(?i)((?:private_token|access_token|refresh_token|api_token|apikey|api_key|token|password|passwd|secret"
    r"|client_secret|sig|signature|jwt)=)[^&\s\"'#]+"
)
_AUTH_HEADER = re.compile(
    r"(?i)((?:authorization|private-token|x-api-key)[\"']?\s*[:=]\s*[\"']?)"
    r"(?:(?:bearer|token|basic)\s+)?[^\s\"',}]+"
)


def _forms(secret: str) -> set[str]:
    """``secret`` as it appears in text: raw, URL-quoted, and escaped the ways Python and JSON print it."""
    escaped = secret.encode("unicode_escape").decode("ascii")  # what repr shows, quotes left alone
    as_bytes = repr(secret.encode("utf-8"))[2:-1]  # b'...' of the UTF-8 bytes, \\x escapes
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        escaped,
        as_bytes,
    }
    # Inside a longer repr the quote character may be the other one, so quotes get escaped or not.
    for text in (escaped, as_bytes):
        forms.add(text.replace("'", "\\'"))
        forms.add(text.replace('"', '\\"'))
    return forms


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` so :func:`redact` removes it everywhere, in every form it can take in text.

    The stripped secret is registered as well: whatever escapes a trailing newline gets, the
    characters of the token itself are then never shown.
    """
    if not secret:
        return
    forms: set[str] = set()
    for s in {secret, secret.strip()}:
        if len(s.strip()) < 4:  # a 1-3 character "secret" would shred every message
            continue
        forms |= _forms(s)
    with _SECRETS_LOCK:
        _SECRETS.update(f for f in forms if len(f) >= 4)


def register_basic_auth(user: str, password: str | None) -> None:
    """Remember ``password`` and the base64 ``user:password`` a Basic ``Authorization`` header carries."""
    if not password:
        return
    register_secret(password)
    for p in {password, password.strip()}:
        register_secret(base64.b64encode(f"{user}:{p}".encode()).decode())


def redact(text: str) -> str:
    """``text`` with every registered secret and every token-like query parameter replaced by ``***``."""
    if not text:
        return text
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, "***")
    text = _SECRET_PARAM.sub(r"\1***", text)
    return _AUTH_HEADER.sub(r"\1***", text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message; install it on handlers (the CLI does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message by its redacted rendering; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a broken %-format must not lose the line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
