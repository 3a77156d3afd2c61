"""Redaction of secrets from every message, log line and exception text the connectors produce.

Every credential a client is built with is registered here (:func:`register_secret`, also its
URL-encoded form; the HTTP client registers the base64 ``user:token`` of Basic auth too), and
:func:`redact` removes them plus anything that looks like a credential in a URL or a header dump.
:class:`RedactingFilter` applies it to log records; the CLI installs it on its handlers.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote

__all__ = ["RedactingFilter", "redact", "register_secret"]

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


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` (and its URL-encoded form) so :func:`redact` removes it everywhere."""
    if not secret or len(secret) < 4:  # a 1-3 character "secret" would shred every message
        return
    with _SECRETS_LOCK:
        _SECRETS.add(secret)
        _SECRETS.add(quote(secret, safe=""))


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
