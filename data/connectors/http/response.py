"""What a request gives back: :class:`HttpResponse` (read completely, JSON decoded with clear errors)
and :class:`HttpError` (a redacted :class:`~data.connectors.base.ConnectorError` with the status)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from data.connectors.base import ConnectorError
from data.connectors.redact import redact

__all__ = ["HttpError", "HttpResponse", "display_url", "quote_path", "reason_of", "server_message", "with_query"]


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


def reason_of(exc: BaseException) -> str:
    """The innermost useful reason of a requests/urllib3 exception, redacted and shortened."""
    text = str(exc)
    for pattern in (r"\[SSL: [A-Z_]+\] ([^(]+?)(?: \(_ssl|\)|'|$)", r"Caused by \w+\((?:'[^']*', )?'?([^']+)"):
        m = re.search(pattern, text)
        if m:
            text = m.group(1).strip()
            break
    text = re.sub(r"HTTP(S)?ConnectionPool\([^)]*\): ", "", text)
    return redact(text)[:300]


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
