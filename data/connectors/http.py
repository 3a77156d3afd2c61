"""The shared HTTP layer every connector uses: one session per source, a rate-limit governor,
retries, paginators, conditional requests, clear errors and redaction of secrets.

Public API (the Jenkins/Jira/CCTray connectors build on exactly this)::

    client = HttpClient.from_source(source_cfg, token, auth_scheme="Bearer")   # or auth=("user", token)
    resp = client.get("/repos/o/r/issues", params={"state": "all"})            # raises ConnectorError
    data = resp.json()                                                         # clear error on HTML/truncated
    for resp in client.iter_link_pages("/repos/o/r/issues", params={...}):     # Link rel=next, loop-safe
        ...
    for resp in client.iter_gitlab_pages("/projects/1/pipelines", params={...}):   # Link or x-next-page
        ...
    for page in client.iter_offset_pages("/rest/api/2/search", params_for=lambda start: {...},
                                         items_of=lambda body: body["issues"]):  # advance by what came back
        page.items, page.offset, page.next_offset, page.response
    etags = ETagCache.from_json(saved)          # conditional GETs; 304 -> resp.not_modified, no body
    resp = client.get(url, etags=etags)
    client.stats                                # requests, retries, waits, wait_s, not_modified
    redact(text)                                # every registered secret and token-ish query parameter

Decisions (CONNECTORS.md §1.0, §1.1, §1.2):

* Timeouts are always explicit: ``(min(10, timeout_s), timeout_s)`` (connect, read).
* Only GET/HEAD are retried: on connection errors, timeouts, 502/503/504, rate limits, and **500 at
  most twice** (GitHub answers a server-side timeout with a bare 500 "Server Error"; a persistent 500
  is a real fault, so it is not retried as long as a 502).
* Rate limits: ``Retry-After`` (seconds or HTTP date) wins; else ``remaining == 0`` with a sane
  future reset (GitHub ``x-ratelimit-reset``, GitLab ``RateLimit-Reset``, epoch seconds) waits until
  the reset; else a GitHub secondary limit (403/429 naming a rate limit) waits at least 60 s and then
  backs off; else bounded exponential backoff with jitter. A reset in the past, zero or garbage is
  "unknown" (DevLake#8020 looped on it). Before each request the governor also waits out a known
  exhausted quota instead of spending a request to learn it again.
* **Any single wait beyond** ``RetryPolicy.max_wait_s`` (default 15 min) **fails** with a message
  saying how long the server asked for and when the quota resets, instead of sleeping silently for an
  hour; the sync keeps its cursor and the next run resumes.
* Auth goes through an ``auth=`` object so ``.netrc`` cannot override it and requests strips the
  ``Authorization`` header when a redirect changes host; a ``next`` link to another host is refused.
* TLS: ``ca_bundle`` from the source config is passed on every request (so ``REQUESTS_CA_BUNDLE``
  cannot silently override it, requests#3829); ``system_trust=True`` uses the operating system's
  store through :func:`ssl.create_default_context` instead of certifi.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import random
import re
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth
from requests.structures import CaseInsensitiveDict

from data.connectors.base import ConnectorError, SyncCancelled

log = logging.getLogger(__name__)

__all__ = [
    "Clock",
    "ETagCache",
    "FakeClock",
    "HttpClient",
    "HttpError",
    "HttpResponse",
    "HttpStats",
    "OffsetPage",
    "RedactingFilter",
    "RetryPolicy",
    "SystemClock",
    "TokenAuth",
    "quote_path",
    "redact",
    "register_secret",
]

USER_AGENT = "flowdeck/0.1 (+https://github.com/flowdeck)"

# --- redaction ----------------------------------------------------------------------------------

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


# --- clock, policy, accounting ------------------------------------------------------------------


class Clock(Protocol):
    """Time as the governor sees it; tests inject :class:`FakeClock` and never really sleep."""

    def time(self) -> float:
        """Wall-clock epoch seconds (rate-limit resets are epoch seconds)."""
        ...

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        """Wait ``seconds``; raise :class:`SyncCancelled` if ``cancel`` is set meanwhile."""
        ...


class SystemClock:
    """The real clock; sleeping wakes up early (and raises) when the sync is cancelled."""

    def time(self) -> float:
        """Epoch seconds."""
        return time.time()

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        """Sleep, interruptible by ``cancel``."""
        if cancel is None:
            time.sleep(seconds)
        elif cancel.wait(seconds):
            raise SyncCancelled("cancelled while waiting for the server's rate limit")


class FakeClock:
    """A clock for tests: ``sleep`` advances time at once and is recorded in ``sleeps``."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        """The fake epoch seconds."""
        return self.now

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        """Advance the fake time by ``seconds``."""
        if cancel is not None and cancel.is_set():
            raise SyncCancelled("cancelled")
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Waits are in seconds."""

    max_attempts: int = 5  # per request, the first try included
    backoff_base_s: float = 1.0
    backoff_max_s: float = 120.0  # urllib3's DEFAULT_BACKOFF_MAX
    max_wait_s: float = 900.0  # any single wait longer than this fails clearly instead
    secondary_min_wait_s: float = 60.0  # GitHub: "wait for at least one minute"
    max_500_retries: int = 2
    min_interval_s: float = 0.0  # a client-side tick for servers without rate headers (Jenkins)


@dataclass
class HttpStats:
    """What a client has spent so far; the sync reports the deltas per page."""

    requests: int = 0
    retries: int = 0
    waits: int = 0
    wait_s: float = 0.0
    not_modified: int = 0

    def snapshot(self) -> HttpStats:
        """A copy, to subtract later."""
        return HttpStats(self.requests, self.retries, self.waits, self.wait_s, self.not_modified)


# --- responses and errors -----------------------------------------------------------------------


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
        return _display(self.url)

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


def _display(url: str) -> str:
    parts = urlsplit(url)
    return redact(parts.path + (f"?{parts.query}" if parts.query else ""))


def quote_path(value: str) -> str:
    """URL-encode one path segment completely (GitLab ``group/name`` project paths → ``group%2Fname``)."""
    return quote(value, safe="")


@dataclass(frozen=True)
class OffsetPage:
    """One page of an offset-paged listing (:meth:`HttpClient.iter_offset_pages`)."""

    response: HttpResponse
    items: Sequence[Any]
    offset: int
    next_offset: int


class ETagCache:
    """ETag / Last-Modified validators per URL, bounded, serialisable into a connector's cursor."""

    def __init__(self, entries: Mapping[str, Sequence[Any]] | None = None, limit: int = 256) -> None:
        self.limit = limit
        self._d: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()
        self._next: dict[str, str] = {}
        for url, value in (entries or {}).items():
            self._d[url] = (value[0], value[1])
            if len(value) > 2 and value[2]:
                self._next[url] = str(value[2])

    def get(self, url: str) -> tuple[str | None, str | None]:
        """(etag, last_modified) remembered for ``url``."""
        return self._d.get(url, (None, None))

    def put(self, url: str, etag: str | None, modified: str | None, next_url: str | None = None) -> None:
        """Remember validators (and the page's ``next`` link, which a 304 does not repeat)."""
        if not etag and not modified:
            return
        self._d[url] = (etag, modified)
        if next_url:
            self._next[url] = next_url
        else:
            self._next.pop(url, None)
        self._d.move_to_end(url)
        while len(self._d) > self.limit:
            old, _ = self._d.popitem(last=False)
            self._next.pop(old, None)

    def next_of(self, url: str) -> str | None:
        """The ``next`` link the cached page had."""
        return self._next.get(url)

    def forget(self, url: str) -> None:
        """Drop ``url`` (its page must be fetched in full next time)."""
        self._d.pop(url, None)
        self._next.pop(url, None)

    def to_json(self) -> dict[str, list[str | None]]:
        """A JSON-able mapping (put it in the cursor)."""
        return {u: [e, m, *([self._next[u]] if u in self._next else [])] for u, (e, m) in self._d.items()}

    @classmethod
    def from_json(cls, data: Any, limit: int = 256) -> ETagCache:
        """Rebuild from :meth:`to_json` output; anything malformed is ignored (a cache, not a truth)."""
        entries: dict[str, Any] = {}
        if isinstance(data, dict):
            for url, v in data.items():
                if isinstance(url, str) and isinstance(v, list | tuple) and len(v) in (2, 3):
                    entries[url] = tuple(v)
        return cls(entries, limit)

    def __len__(self) -> int:
        return len(self._d)


# --- auth ---------------------------------------------------------------------------------------


class TokenAuth(AuthBase):
    """``Authorization: <scheme> <token>`` (GitHub ``Bearer``/``token``, GitLab and Jira DC ``Bearer``)."""

    def __init__(self, token: str, scheme: str = "Bearer") -> None:
        self.token = token
        self.scheme = scheme
        register_secret(token)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        """Set the header on the prepared request."""
        r.headers["Authorization"] = f"{self.scheme} {self.token}"
        return r

    def __repr__(self) -> str:  # never show the token in a debugger or a log
        return f"TokenAuth(scheme={self.scheme!r}, token=***)"


class _SystemTrustAdapter(HTTPAdapter):
    """An adapter verifying against the operating system's trust store instead of certifi."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = ssl.create_default_context()
        super().init_poolmanager(*args, **kwargs)


# --- the client ---------------------------------------------------------------------------------

_RETRY_STATUSES = {502, 503, 504}
_IDEMPOTENT = {"GET", "HEAD"}


class HttpClient:
    """One source's HTTP session: timeouts, rate-limit governor, retries, paging, redaction.

    Not thread-safe by design: GitHub asks for serial requests per credential, and one client
    belongs to one source's sync. ``cancel`` (a ``threading.Event``) interrupts long waits.
    """

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        token: str | None = None,
        auth_scheme: str = "Bearer",
        auth: AuthBase | tuple[str, str] | None = None,
        timeout_s: float = 30.0,
        ca_bundle: str | None = None,
        proxy: str | None = None,
        system_trust: bool = False,
        headers: Mapping[str, str] | None = None,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.stats = HttpStats()
        self.cancel: threading.Event | None = None
        self.on_wait = on_wait
        self.timeout = (min(10.0, timeout_s), timeout_s)
        self._verify: bool | str = ca_bundle or True
        self._proxies = {"http": proxy, "https": proxy} if proxy else None
        self._blocked_until = 0.0  # epoch seconds: a known exhausted quota
        self._last_request = 0.0
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        if system_trust and not ca_bundle:
            self.session.mount("https://", _SystemTrustAdapter())
        if isinstance(auth, tuple):
            register_secret(auth[1])
            register_secret(base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
            auth = HTTPBasicAuth(*auth)
        elif auth is None and token:
            auth = TokenAuth(token, auth_scheme)
        self.session.auth = auth
        if proxy:
            register_secret(urlsplit(proxy).password)

    @classmethod
    def from_source(cls, source: Any, token: str | None = None, **kw: Any) -> HttpClient:
        """A client configured from a :class:`data.config.SourceConfig` (timeouts, CA bundle, proxy)."""
        opts = getattr(source, "options", {}) or {}
        kw.setdefault("timeout_s", source.timeout_s)
        kw.setdefault("ca_bundle", source.ca_bundle)
        kw.setdefault("proxy", source.proxy)
        kw.setdefault("system_trust", bool(opts.get("system_trust", False)))
        return cls(source.name, kw.pop("base_url", source.url), token=token, **kw)

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- URLs --

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL: ``path_or_url`` as is when absolute, else joined to the base URL."""
        if re.match(r"^https?://", path_or_url):
            return path_or_url
        return self.base_url + "/" + path_or_url.lstrip("/")

    def _same_origin(self, a: str, b: str) -> bool:
        pa, pb = urlsplit(a), urlsplit(b)
        return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)

    # -- requests --

    def get(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        etags: ETagCache | None = None,
        ok: Sequence[int] = (),
    ) -> HttpResponse:
        """GET with retries; ``etags`` makes it conditional (304 → ``not_modified``); ``ok`` lists
        extra statuses (e.g. 404) returned instead of raised."""
        return self.request("GET", path_or_url, params=params, headers=headers, etags=etags, ok=ok)

    def get_json(self, path_or_url: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        """GET and decode JSON."""
        return self.get(path_or_url, params, **kw).json()

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        etags: ETagCache | None = None,
        ok: Sequence[int] = (),
    ) -> HttpResponse:
        """One logical request; retried only when ``method`` is idempotent (GET/HEAD)."""
        method = method.upper()
        url = self.url_for(path_or_url)
        prepared_url = requests.Request(method, url, params=params).prepare().url or url
        where = f"{self.source}: {method} {_display(prepared_url)}"
        hdrs = dict(headers or {})
        if etags is not None:
            etag, modified = etags.get(prepared_url)
            if etag:
                hdrs["If-None-Match"] = etag
            if modified:
                hdrs["If-Modified-Since"] = modified
        retryable = method in _IDEMPOTENT
        attempt = 0
        five_hundreds = 0
        while True:
            attempt += 1
            self._govern(where)
            try:
                raw = self._send(method, prepared_url, hdrs, json_body)
            except requests.exceptions.SSLError as exc:
                host = urlsplit(prepared_url).hostname
                raise HttpError(
                    f"{self.source}: TLS verification with {host} failed: {_reason(exc)}. If the server uses a "
                    'company CA, set ca_bundle = "/path/ca.pem" (or system_trust = true) on the source.'
                ) from None
            except requests.exceptions.ProxyError as exc:
                raise HttpError(f"{where}: the proxy refused or failed: {_reason(exc)}") from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                kind = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "could not connect"
                if retryable and attempt < self.policy.max_attempts:
                    self._backoff(attempt, f"{where}: {kind}; retrying")
                    continue
                raise HttpError(f"{where}: {kind} after {attempt} attempt(s): {_reason(exc)}", retryable=True) from None
            resp = HttpResponse(self.source, raw.status_code, raw.url or prepared_url, raw.headers, raw.content)
            self._note_quota(resp)
            status = resp.status
            if status == 304 and etags is not None:
                self.stats.not_modified += 1
                resp.not_modified = True
                cached_next = etags.next_of(prepared_url)
                if cached_next and not resp.headers.get("Link"):
                    # A 304 carries no Link header: restore the page's next link so paging continues.
                    resp.headers["Link"] = f'<{cached_next}>; rel="next"'
                return resp
            if 200 <= status < 300 or status in ok:
                if etags is not None and status == 200:
                    etags.put(prepared_url, resp.headers.get("ETag"), resp.headers.get("Last-Modified"), resp.next_url)
                return resp
            wait = self._rate_limit_wait(resp, attempt)
            if wait is not None:
                if not retryable or attempt >= self.policy.max_attempts:
                    raise HttpError(
                        f"{where}: still rate limited (status {status}) after {attempt} attempt(s)",
                        status=status,
                        retryable=True,
                    )
                self._wait(wait, f"{where}: rate limited (status {status})")
                continue
            if (
                retryable
                and attempt < self.policy.max_attempts
                and (status in _RETRY_STATUSES or (status == 500 and five_hundreds < self.policy.max_500_retries))
            ):
                five_hundreds += status == 500
                hinted = _retry_after(resp.headers.get("Retry-After"), self.clock.time())
                if hinted is not None:
                    self._wait(min(hinted, self.policy.max_wait_s), f"{where}: status {status}; retrying")
                else:
                    self._backoff(attempt, f"{where}: status {status}; retrying")
                continue
            raise self._status_error(where, resp, attempt)

    def _send(self, method: str, url: str, headers: dict[str, str], json_body: Any) -> requests.Response:
        self.stats.requests += 1
        self._last_request = self.clock.time()
        r = self.session.request(
            method,
            url,
            headers=headers,
            json=json_body,
            timeout=self.timeout,
            verify=self._verify,
            proxies=self._proxies,
            allow_redirects=True,
        )
        try:
            _ = r.content  # read it all now so a cut connection surfaces as ConnectionError here
        finally:
            r.close()
        return r

    # -- the governor --

    def _govern(self, where: str) -> None:
        now = self.clock.time()
        if self._blocked_until > now:
            self._wait(self._blocked_until - now + 1, f"{where}: rate limit quota exhausted; waiting for the reset")
            self._blocked_until = 0.0
        if self.policy.min_interval_s and self._last_request:
            gap = self._last_request + self.policy.min_interval_s - self.clock.time()
            if gap > 0:
                self.clock.sleep(gap, self.cancel)

    def _note_quota(self, resp: HttpResponse) -> None:
        h = resp.headers
        remaining = h.get("x-ratelimit-remaining") or h.get("RateLimit-Remaining")
        reset = _epoch(h.get("x-ratelimit-reset") or h.get("RateLimit-Reset"), self.clock.time())
        if remaining is not None and remaining.strip() == "0" and reset is not None and 200 <= resp.status < 300:
            # The last allowed request: do not spend the next one only to be told to wait.
            self._blocked_until = reset

    def _rate_limit_wait(self, resp: HttpResponse, attempt: int) -> float | None:
        """Seconds to wait if ``resp`` is a rate-limit answer, else None."""
        status, h = resp.status, resp.headers
        if status not in (403, 429):
            return None
        now = self.clock.time()
        hinted = _retry_after(h.get("Retry-After"), now)
        remaining = (h.get("x-ratelimit-remaining") or h.get("RateLimit-Remaining") or "").strip()
        reset = _epoch(h.get("x-ratelimit-reset") or h.get("RateLimit-Reset"), now)
        body = resp.body[:2000].decode("utf-8", errors="replace").lower()
        secondary = "rate limit" in body or "abuse" in body or "retry later" in body
        if status == 403 and hinted is None and remaining != "0" and not secondary:
            return None  # a plain permission problem: not retryable
        if hinted is not None:
            wait = hinted
        elif remaining == "0" and reset is not None:
            wait = reset - now + 1
        else:
            wait = self._backoff_delay(attempt)
        if status == 403 and hinted is None and remaining != "0":
            # GitHub secondary limit without headers: "wait for at least one minute", then back off.
            wait = max(self.policy.secondary_min_wait_s * (2 ** (attempt - 1)), wait)
        if wait > self.policy.max_wait_s:
            until = datetime.fromtimestamp(now + wait, UTC).strftime("%Y-%m-%d %H:%M UTC")
            raise HttpError(
                f"{self.source}: {resp.path}: rate limited (status {status}); the server asks to wait "
                f"{wait:.0f} s (until {until}), longer than the {self.policy.max_wait_s:.0f} s cap. "
                "Nothing was lost: the next sync resumes from here.",
                status=status,
                retryable=True,
            )
        return max(wait, 0.0)

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with 'equal jitter': never below half the step, never past the cap."""
        step = min(self.policy.backoff_max_s, self.policy.backoff_base_s * 2 ** (attempt - 1))
        return float(step / 2 + self.rng.uniform(0, step / 2))

    def _backoff(self, attempt: int, why: str) -> None:
        self.stats.retries += 1
        self._wait(self._backoff_delay(attempt), why, retry=False)

    def _wait(self, seconds: float, why: str, *, retry: bool = True) -> None:
        if retry:
            self.stats.retries += 1
        self.stats.waits += 1
        self.stats.wait_s += seconds
        message = f"{why}; waiting {seconds:.1f} s"
        log.warning("%s", redact(message))
        if self.on_wait is not None:
            self.on_wait(seconds, redact(message))
        self.clock.sleep(seconds, self.cancel)

    def _status_error(self, where: str, resp: HttpResponse, attempt: int) -> HttpError:
        status = resp.status
        detail = _server_message(resp)
        tries = f" after {attempt} attempts" if attempt > 1 else ""
        if status == 401:
            msg = (
                f"{where}: the server rejected the credentials (401). "
                f"Set a valid token: flowdeck auth set {self.source}"
            )
        elif status == 403:
            msg = f"{where}: forbidden (403): the token lacks a permission or scope{detail}"
        elif status == 404:
            msg = (
                f"{where}: not found (404){detail} — or the token cannot see it "
                "(GitHub and GitLab answer 404 for private resources a token cannot see)"
            )
        elif status == 410:
            msg = f"{where}: gone (410): the server removed this endpoint or item{detail}"
        else:
            msg = f"{where}: HTTP {status}{tries}{detail}"
        return HttpError(msg, status=status, retryable=status >= 500)

    # -- paginators --

    def iter_link_pages(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        max_pages: int | None = None,
        etags: ETagCache | None = None,
    ) -> Iterator[HttpResponse]:
        """Follow ``Link: rel="next"`` exactly as given (never totals); refuse another host; stop with an
        error when a next URL repeats (a loop). With ``etags`` every page is conditional; a 304 page is
        yielded with ``not_modified`` and paging continues through the cached next link."""
        url: str | None = self.url_for(path_or_url)
        first = True
        seen: set[str] = set()
        pages = 0
        while url:
            resp = self.get(url, params if first else None, headers=headers, etags=etags)
            first = False
            seen.add(resp.url)
            yield resp
            pages += 1
            if max_pages is not None and pages >= max_pages:
                return
            url = self._checked_next(resp, resp.next_url, seen)

    def iter_gitlab_pages(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[HttpResponse]:
        """GitLab offset or keyset pages: ``Link rel=next`` first, else ``x-next-page``; an empty page ends
        the listing even when ``x-next-page`` still points further (gitlab#471566)."""
        url: str | None = self.url_for(path_or_url)
        query: Mapping[str, Any] | None = params
        seen: set[str] = set()
        while url:
            resp = self.get(url, query, headers=headers)
            query = None
            seen.add(resp.url)
            body = resp.json()
            if isinstance(body, list) and not body:
                return
            yield resp
            nxt = resp.next_url
            if nxt is None:
                page = (resp.headers.get("x-next-page") or "").strip()
                if page.isdigit():
                    nxt = _with_query(resp.url, page=page)
            url = self._checked_next(resp, nxt, seen)

    def iter_offset_pages(
        self,
        path_or_url: str,
        *,
        params_for: Callable[[int], Mapping[str, Any]],
        items_of: Callable[[Any], Sequence[Any]],
        start: int = 0,
        is_last: Callable[[Any, int], bool] | None = None,
        headers: Mapping[str, str] | None = None,
        max_pages: int | None = None,
    ) -> Iterator[OffsetPage]:
        """Offset paging (Jira DC ``startAt``, Jenkins ``{M,N}`` ranges): the next offset advances by the
        number of items actually returned (servers clamp page sizes); an empty page ends it.
        ``is_last(body, next_offset)`` may end it earlier (``isLast``, ``total`` reached)."""
        offset = start
        pages = 0
        while True:
            resp = self.get(path_or_url, params_for(offset), headers=headers)
            body = resp.json()
            items = items_of(body)
            if not items:
                return
            nxt = offset + len(items)
            yield OffsetPage(resp, items, offset, nxt)
            pages += 1
            if (is_last is not None and is_last(body, nxt)) or (max_pages is not None and pages >= max_pages):
                return
            offset = nxt

    def _checked_next(self, resp: HttpResponse, nxt: str | None, seen: set[str]) -> str | None:
        if nxt is None:
            return None
        if not self._same_origin(nxt, resp.url):
            raise HttpError(
                f"{self.source}: {resp.path}: the next-page link points to another host "
                f"({urlsplit(nxt).hostname}); refusing to send credentials there",
            )
        if nxt in seen:
            raise HttpError(
                f"{self.source}: {resp.path}: pagination loop: the next-page link {_display(nxt)} was already fetched"
            )
        return nxt


# --- header parsing -----------------------------------------------------------------------------

_MAX_SANE_WAIT = 7 * 24 * 3600.0


def _retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from now (delta seconds or an HTTP date); None if absent or garbage."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    if math.isnan(seconds) or seconds > _MAX_SANE_WAIT:  # NaN or absurd: treat as absent
        return None
    return max(seconds, 0.0)  # a date in the past means "now"


def _epoch(value: str | None, now: float) -> float | None:
    """A reset header (epoch seconds) if it is sane: in the future and within a week; else None."""
    if not value:
        return None
    try:
        when = float(value.strip())
    except ValueError:
        return None
    if math.isnan(when) or when <= now or when - now > _MAX_SANE_WAIT:
        return None
    return when


def _reason(exc: BaseException) -> str:
    """The innermost useful reason of a requests/urllib3 exception, redacted and shortened."""
    text = str(exc)
    for pattern in (r"\[SSL: [A-Z_]+\] ([^(]+?)(?: \(_ssl|\)|'|$)", r"Caused by \w+\((?:'[^']*', )?'?([^']+)"):
        m = re.search(pattern, text)
        if m:
            text = m.group(1).strip()
            break
    text = re.sub(r"HTTP(S)?ConnectionPool\([^)]*\): ", "", text)
    return redact(text)[:300]


def _server_message(resp: HttpResponse) -> str:
    """A short server-provided message (JSON ``message``/``error``, or the first text line)."""
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


def _with_query(url: str, **params: str) -> str:
    """``url`` with query parameters replaced/added."""
    prepared = requests.Request(
        "GET", url.split("?", 1)[0], params={**dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)), **params}
    ).prepare()
    return prepared.url or url
