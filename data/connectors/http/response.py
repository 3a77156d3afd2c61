"""What a request gives back: :class:`HttpResponse` (read completely, JSON decoded with clear errors)
and :class:`HttpError` (a redacted :class:`~data.connectors.base.ConnectorError` with the status)."""

from __future__ import annotations

import errno
import http.client
import json
import re
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import requests
import urllib3.exceptions
from requests.structures import CaseInsensitiveDict

from data.connectors.base import ConnectorError
from data.connectors.redact import redact

__all__ = [
    "HttpError",
    "HttpResponse",
    "display_url",
    "host_of",
    "quote_path",
    "server_message",
    "transport_reason",
    "with_query",
]


class HttpError(ConnectorError):
    """A request failed: ``status`` is the HTTP status (None for transport and payload errors)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(redact(message), retryable=retryable)
        self.status = status


@dataclass
class HttpResponse:
    """A finished response, read completely. ``not_modified`` is True for a 304 (no body)."""

    source: str
    status: int
    url: str
    headers: CaseInsensitiveDict[str]
    body: bytes
    not_modified: bool = False

    @property
    def path(self) -> str:
        """The redacted path and query, for messages."""
        return display_url(self.url)

    @property
    def links(self) -> dict[str, str]:
        """``Link`` header relations to absolute URLs (``next``, ``last``...)."""
        raw = self.headers.get("Link") or self.headers.get("link")
        out: dict[str, str] = {}
        if raw:
            for link in requests.utils.parse_header_links(raw):
                rel, url = link.get("rel"), link.get("url")
                if rel and url:
                    for r in rel.split():
                        out[r] = urljoin(self.url, url)
        return out

    @property
    def next_url(self) -> str | None:
        """The ``rel="next"`` URL, if any."""
        return self.links.get("next")

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (BOM tolerated, undecodable bytes replaced)."""
        return self.body.decode("utf-8-sig", errors="replace")

    def json(self) -> Any:
        """The body as JSON, or a clear :class:`HttpError` for HTML pages and truncated/invalid JSON."""
        if self.not_modified:
            raise HttpError(f"{self.source}: {self.path}: 304 Not Modified has no body", status=304)
        text = self.text
        stripped = text.lstrip()
        ctype = (self.headers.get("Content-Type") or "").lower()
        if "html" in ctype or stripped[:1] == "<":
            title = re.search(r"(?is)<title[^>]*>(.*?)</title>", text)
            hint = f" titled {title.group(1).strip()[:80]!r}" if title else ""
            raise HttpError(
                f"{self.source}: {self.path}: got an HTML page{hint} (status {self.status}) where JSON was "
                "expected — a single-sign-on or proxy login page? Check the URL and the token.",
                status=self.status,
            )
        if not stripped:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            declared = self.headers.get("Content-Length")
            size = f" ({len(self.body)} bytes" + (f", Content-Length {declared})" if declared else ")")
            kind = "truncated" if exc.pos >= len(text.rstrip()) - 1 else "invalid"
            raise HttpError(
                f"{self.source}: {self.path}: the JSON response is {kind} at character {exc.pos}{size}: {exc.msg}",
                status=self.status,
                retryable=True,
            ) from None


def display_url(url: str) -> str:
    """The path and query of ``url``, redacted: what messages show of a request."""
    parts = urlsplit(url)
    return redact(parts.path + (f"?{parts.query}" if parts.query else ""))


def quote_path(value: str) -> str:
    """URL-encode one path segment completely (GitLab ``group/name`` project paths → ``group%2Fname``)."""
    return quote(value, safe="")


def with_query(url: str, **params: str) -> str:
    """``url`` with query parameters replaced/added."""
    prepared = requests.Request(
        "GET", url.split("?", 1)[0], params={**dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)), **params}
    ).prepare()
    return prepared.url or url


def host_of(url: str) -> str:
    """``host`` or ``host:port`` (when the URL names a port) of ``url``, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps (arguments, urllib3's ``reason``, causes), outermost first."""
    out: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is seen for seen in out):
            continue
        out.append(e)
        todo.extend(a for a in e.args if isinstance(a, BaseException))
        reason = getattr(e, "reason", None)
        todo.extend([reason if isinstance(reason, BaseException) else None, e.__cause__, e.__context__])
    return out


_DNS_NOT_FOUND = {getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY") if hasattr(socket, n)}


def _reason_of_one(e: BaseException) -> str | None:  # noqa: PLR0911 - one answer per kind of fault
    """The plain-words reason for one exception of a failure's chain, if it is a kind we name."""
    if isinstance(e, socket.gaierror):
        return "DNS name not found" if e.errno in _DNS_NOT_FOUND else f"DNS lookup failed ({e.strerror})"
    if isinstance(e, urllib3.exceptions.NameResolutionError):
        return "DNS name not found"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "the connection was reset"
    if isinstance(e, OSError) and e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "host unreachable" if e.errno == errno.EHOSTUNREACH else "network unreachable"
    if isinstance(e, urllib3.exceptions.ProxyError):
        return "the proxy refused or failed"
    if isinstance(e, urllib3.exceptions.ConnectTimeoutError) and not isinstance(
        e, urllib3.exceptions.NewConnectionError
    ):
        return "connection timed out"
    if isinstance(e, TimeoutError | urllib3.exceptions.ReadTimeoutError):
        return "timed out"
    if isinstance(e, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(e, http.client.IncompleteRead | urllib3.exceptions.IncompleteRead):
        return "the server closed the connection before the end of the answer"
    if isinstance(e, http.client.HTTPException | urllib3.exceptions.InvalidChunkLength):
        return f"the answer is not valid HTTP ({_plain(e)})"
    return None


def transport_reason(exc: BaseException) -> str:
    """Why a connection failed, in a few plain words (no exception names): "connection refused",
    "DNS name not found", "TLS certificate problem: ...", "timed out", "the server closed the
    connection before the end of the answer"..."""
    chain = _causes(exc)
    # TLS first: a failed handshake also shows up as a reset or a closed connection further down.
    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            return f"TLS certificate problem: {e.verify_message or e.reason or 'verification failed'}"
    for e in chain:
        if isinstance(e, ssl.SSLError) and not isinstance(e, ssl.SSLEOFError | ssl.SSLZeroReturnError):
            return "TLS handshake failed: " + str(e.reason or e.strerror or "unknown reason").replace("_", " ").lower()
    for e in chain:
        reason = _reason_of_one(e)
        if reason is not None:
            return reason
    return (_plain(chain[-1]) if chain else "") or "network error"


def _plain(exc: BaseException) -> str:
    """An exception's text without class names and connection-pool reprs, redacted, one short line."""
    text = str(exc) or ""
    text = re.sub(r"\w*Connection(Pool)?\([^)]*\)(: )?", "", text)
    text = re.sub(r"\b[A-Z]\w*(Error|Exception)\(|\b[A-Z]\w*Read\(", "", text)
    text = re.sub(r"[\s\"'()]+", " ", text).strip(" :,")
    return redact(text)[:200]


def server_message(resp: HttpResponse) -> str:
    """A short server-provided message (JSON ``message``/``error``, or the first text line), as ``": ..."``."""
    try:
        body = json.loads(resp.body[:20000].decode("utf-8", errors="replace"))
    except (ValueError, UnicodeDecodeError):
        body = None
    msg = ""
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessages", "error_description"):
            if body.get(key):
                v = body[key]
                msg = "; ".join(map(str, v)) if isinstance(v, list) else str(v)
                break
    elif resp.body and b"<html" not in resp.body[:500].lower():
        msg = resp.body[:200].decode("utf-8", errors="replace").strip().splitlines()[0] if resp.body.strip() else ""
    return f": {redact(msg)[:200]}" if msg else ""
