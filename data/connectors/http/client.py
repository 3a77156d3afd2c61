"""The shared HTTP layer every connector uses: one session per source, a rate-limit governor,
retries, paginators, conditional requests, clear errors and redaction of secrets.

The layer is split by concern; this module is the client and re-exports the rest, so
``from data.connectors.http.client import ...`` keeps working for every name below:

* :mod:`data.connectors.redact` — ``redact``, ``register_secret``, ``RedactingFilter``
* :mod:`data.connectors.http.response` — ``HttpResponse``, ``HttpError``, ``quote_path``
* :mod:`data.connectors.http.limits` — ``RetryPolicy``, clocks (``FakeClock``), ``HttpStats``, the governor
* :mod:`data.connectors.http.etag` — ``ETagCache``
* :mod:`data.connectors.http.paging` — the paginators behind ``HttpClient.iter_*_pages``, ``OffsetPage``

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
* **Credentials go to the configured host and nowhere else.** Redirects are followed by the client
  itself, on the configured host only (same host name and port; ``http`` → ``https`` on the default
  ports allowed); a redirect, a ``next`` link or any absolute URL (a cursor's saved link) pointing
  to another host fails the request with a message naming that host, and nothing is sent there.
  Auth goes through an ``auth=`` object so ``.netrc`` cannot override it. Tokens are stripped of
  surrounding whitespace and registered for redaction in every form (``redact``).
* Bounds (``http_limits``): ``timeout_s`` bounds each whole response, headers and body (not each
  read); a body past ``max_response_bytes`` (64 MiB) is abandoned; a listing past ``max_pages``
  (10,000) pages, fetching a page twice or repeating the previous page fails. The sync's cancel
  event (``client.cancel``) also ends requests in flight, ``CANCEL_GRACE_S`` (2 s) after it is set,
  so the page in progress can still finish and be stored.
* Transport failures name the host and the reason in one line: connection refused, DNS name not
  found, TLS certificate problem, timed out, the connection closed mid-answer.
* TLS: ``ca_bundle`` from the source config is passed on every request (so ``REQUESTS_CA_BUNDLE``
  cannot silently override it, requests#3829); ``system_trust=True`` uses the operating system's
  store through :func:`ssl.create_default_context` instead of certifi.
"""

from __future__ import annotations

import random
import re
import socket
import ssl
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from data.connectors.base import SyncCancelled
from data.connectors.http import paging as http_paging
from data.connectors.http.etag import ETagCache
from data.connectors.http.limits import (
    MAX_PAGES_PER_LISTING,
    MAX_RESPONSE_BYTES,
    Clock,
    HttpStats,
    RateGovernor,
    ResponseDeadline,
    RetryPolicy,
    SystemClock,
    retry_after,
    track_socket,
)
from data.connectors.http.paging import ListingGuard, OffsetPage
from data.connectors.http.response import (
    HttpError,
    HttpResponse,
    display_url,
    host_of,
    server_message,
    transport_reason,
)
from data.connectors.redact import register_basic_auth, register_secret

__all__ = [
    "HttpClient",
    "TokenAuth",
]

USER_AGENT = "flowdeck/0.1 (+https://github.com/flowdeck)"


# --- auth ---------------------------------------------------------------------------------------


class TokenAuth(AuthBase):
    """``Authorization: <scheme> <token>`` (GitHub ``Bearer``/``token``, GitLab and Jira DC ``Bearer``)."""

    def __init__(self, token: str, scheme: str = "Bearer") -> None:
        register_secret(token)
        self.token = token.strip()  # a secret read from a file ends with a newline no header allows
        self.scheme = scheme

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        """Set the header on the prepared request."""
        if any(ord(c) < 32 or ord(c) == 127 for c in self.token):
            # http.client would refuse it with the header, token included, in its message.
            raise requests.exceptions.InvalidHeader("the token contains a control character")
        r.headers["Authorization"] = f"{self.scheme} {self.token}"
        return r

    def __repr__(self) -> str:  # never show the token in a debugger or a log
        return f"TokenAuth(scheme={self.scheme!r}, token=***)"


# --- connections the whole-response deadline can cut ------------------------------------------------------


class _TrackedHTTPConnection(urllib3.connection.HTTPConnection):
    """A connection that hands its socket to the current request's :class:`ResponseDeadline`."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        track_socket(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Send a request; a kept-alive socket is handed to the deadline first."""
        track_socket(self.sock)
        super().request(*args, **kwargs)


class _TrackedHTTPSConnection(urllib3.connection.HTTPSConnection):
    """:class:`_TrackedHTTPConnection` over TLS."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        track_socket(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Send a request; a kept-alive socket is handed to the deadline first."""
        track_socket(self.sock)
        super().request(*args, **kwargs)


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


_TRACKED_POOLS = {"http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}


class _Adapter(HTTPAdapter):
    """Connections a deadline can cut; optionally verifying against the OS trust store, not certifi."""

    def __init__(self, system_trust: bool = False) -> None:
        self.system_trust = system_trust
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """The pool manager, with tracked connection pools."""
        if self.system_trust:
            kwargs["ssl_context"] = ssl.create_default_context()
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _TRACKED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """The proxy's pool manager, with tracked connection pools (SOCKS keeps its own)."""
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, urllib3.ProxyManager):
            manager.pool_classes_by_scheme = _TRACKED_POOLS
        return manager


class _ResponseTimeout(Exception):
    """Internal: the whole response did not arrive within ``timeout_s``."""


# --- the client ---------------------------------------------------------------------------------

_RETRY_STATUSES = {502, 503, 504}
_IDEMPOTENT = {"GET", "HEAD"}
_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_REDIRECTS = 10
_MAX_OPEN_LISTINGS = 64  # next-link chains being followed at once (runs, and the jobs of each run)
_DEFAULT_PORTS = {"http": 80, "https": 443}


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
        max_pages: int = MAX_PAGES_PER_LISTING,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.governor = RateGovernor(
            source, policy or RetryPolicy(), clock or SystemClock(), rng or random.Random(), on_wait
        )
        self.timeout_s = timeout_s
        self.timeout = (min(10.0, timeout_s), timeout_s)
        self.max_pages = max_pages
        self.max_response_bytes = max_response_bytes
        self._verify: bool | str = ca_bundle or True
        self._proxies = {"http": proxy, "https": proxy} if proxy else None
        self._listings: OrderedDict[str, ListingGuard] = OrderedDict()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        adapter = _Adapter(system_trust=bool(system_trust and not ca_bundle))
        self.session.mount("https://", adapter)
        self.session.mount("http://", _Adapter())
        if isinstance(auth, tuple):
            user, password = auth
            register_basic_auth(user, password)
            auth = HTTPBasicAuth(user, password.strip())
        elif auth is None and token:
            auth = TokenAuth(token, auth_scheme)
        self.session.auth = auth
        if proxy:
            register_secret(urlsplit(proxy).password)

    # The governor's state, as the client's own attributes (the sync sets ``client.cancel``).

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy."""
        return self.governor.policy

    @property
    def clock(self) -> Clock:
        """The clock waits are measured and slept on."""
        return self.governor.clock

    @property
    def rng(self) -> random.Random:
        """The jitter source."""
        return self.governor.rng

    @property
    def stats(self) -> HttpStats:
        """Requests, retries and waits so far."""
        return self.governor.stats

    @property
    def on_wait(self) -> Callable[[float, str], None] | None:
        """Called with (seconds, message) before every wait."""
        return self.governor.on_wait

    @on_wait.setter
    def on_wait(self, value: Callable[[float, str], None] | None) -> None:
        self.governor.on_wait = value

    @property
    def cancel(self) -> threading.Event | None:
        """Set it to interrupt long waits (raises :class:`~data.connectors.base.SyncCancelled`)."""
        return self.governor.cancel

    @cancel.setter
    def cancel(self, value: threading.Event | None) -> None:
        self.governor.cancel = value

    @classmethod
    def from_source(cls, source: Any, token: str | None = None, **kw: Any) -> HttpClient:
        """A client configured from a :class:`data.config.parse.SourceConfig` (timeouts, CA bundle, proxy)."""
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

    def prepared_url(self, path_or_url: str, params: Mapping[str, Any] | None = None, method: str = "GET") -> str:
        """The exact URL a request sends (and the key its ETag validators are kept under)."""
        url = self.url_for(path_or_url)
        return requests.Request(method, url, params=params).prepare().url or url

    @property
    def host(self) -> str:
        """The configured host (``host:port`` when the base URL names a port), for messages."""
        return host_of(self.base_url)

    def is_configured_host(self, url: str) -> bool:
        """Whether ``url`` is on the configured host: same host name and port, or the same host moved
        from ``http`` to ``https`` on the default ports. Only such URLs get requests (and credentials)."""
        base, other = urlsplit(self.base_url), urlsplit(url)
        try:
            base_port = base.port or _DEFAULT_PORTS.get(base.scheme)
            other_port = other.port or _DEFAULT_PORTS.get(other.scheme)
        except ValueError:
            return False
        if (base.hostname or "").lower() != (other.hostname or "").lower() or not other.hostname:
            return False
        if (base.scheme, base_port) == (other.scheme, other_port):
            return True
        return (base.scheme, base_port, other.scheme, other_port) == ("http", 80, "https", 443)

    def _refuse_host(self, lead: str, url: str) -> HttpError:
        return HttpError(
            f"{lead} another host ({host_of(url)}); Flowdeck sends requests and credentials only to the "
            f"configured host {self.host}. If the server moved, change the source's url."
        )

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
        prepared_url = self.prepared_url(url, params, method)
        where = f"{self.source}: {method} {display_url(prepared_url)}"
        if not self.is_configured_host(prepared_url):
            raise self._refuse_host(f"{self.source}: {display_url(prepared_url)}: refusing a link to", prepared_url)
        listing = self._listings.pop(prepared_url, None)
        if listing is not None:  # a next link being followed: the listing's bounds apply
            listing.before_next(display_url(prepared_url), prepared_url)
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
            self.governor.before_request(where)
            try:
                raw, body, final_url = self._send_following(method, prepared_url, hdrs, json_body, where)
            except requests.exceptions.SSLError as exc:
                raise HttpError(
                    f"{self.source}: TLS verification with {urlsplit(prepared_url).hostname} failed: "
                    f"{_tls_reason(exc)}. If the server uses a company CA, set "
                    'ca_bundle = "/path/ca.pem" (or system_trust = true) on the source.'
                ) from None
            except requests.exceptions.ProxyError as exc:
                raise HttpError(f"{where}: the proxy refused or failed: {transport_reason(exc)}") from None
            except requests.exceptions.InvalidHeader:
                # Never show the header: it is the token (a line break or control character inside it).
                raise HttpError(
                    f"{self.source}: the token (or a configured header) contains a line break or a control "
                    f"character, which HTTP does not allow; set the token again: flowdeck auth set {self.source}"
                ) from None
            except (
                requests.exceptions.ConnectionError,
                requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError,
                _ResponseTimeout,
            ) as exc:
                timed_out = isinstance(exc, _ResponseTimeout | requests.exceptions.ReadTimeout)
                if retryable and attempt < self.policy.max_attempts:
                    kind = "timed out" if timed_out else "could not connect"
                    self.governor.backoff(attempt, f"{where}: {kind}; retrying")
                    continue
                host = host_of(prepared_url)
                if timed_out:
                    why = f"timed out after {attempt} attempt(s): {host} sent no complete answer"
                    msg = f"{why} within {self.timeout_s:g} s"
                else:
                    msg = f"could not connect after {attempt} attempt(s) to {host}: {transport_reason(exc)}"
                raise HttpError(f"{where}: {msg}", retryable=True) from None
            except requests.exceptions.ContentDecodingError:
                raise HttpError(f"{where}: the compressed response could not be decoded", retryable=True) from None
            except requests.exceptions.RequestException as exc:
                raise HttpError(f"{where}: the request failed: {transport_reason(exc)}") from None
            resp = HttpResponse(self.source, raw.status_code, final_url, raw.headers, body)
            self.governor.note_quota(resp)
            status = resp.status
            if status == 304 and etags is not None:
                self.stats.not_modified += 1
                resp.not_modified = True
                cached_next = etags.next_of(prepared_url)
                if cached_next and not resp.headers.get("Link"):
                    # A 304 carries no Link header: restore the page's next link so paging continues.
                    resp.headers["Link"] = f'<{cached_next}>; rel="next"'
                return self._listed(resp, prepared_url, listing)
            if 200 <= status < 300 or status in ok:
                if etags is not None and status == 200:
                    etags.put(prepared_url, resp.headers.get("ETag"), resp.headers.get("Last-Modified"), resp.next_url)
                return self._listed(resp, prepared_url, listing)
            wait = self.governor.rate_limit_wait(resp, attempt)
            if wait is not None:
                if not retryable or attempt >= self.policy.max_attempts:
                    raise HttpError(
                        f"{where}: still rate limited (status {status}) after {attempt} attempt(s)",
                        status=status,
                        retryable=True,
                    )
                self.governor.wait(wait, f"{where}: rate limited (status {status})")
                continue
            if (
                retryable
                and attempt < self.policy.max_attempts
                and (status in _RETRY_STATUSES or (status == 500 and five_hundreds < self.policy.max_500_retries))
            ):
                five_hundreds += status == 500
                hinted = retry_after(resp.headers.get("Retry-After"), self.clock.time())
                if hinted is not None:
                    self.governor.wait(min(hinted, self.policy.max_wait_s), f"{where}: status {status}; retrying")
                else:
                    self.governor.backoff(attempt, f"{where}: status {status}; retrying")
                continue
            raise self._status_error(where, resp, attempt)

    def _listed(self, resp: HttpResponse, url: str, listing: ListingGuard | None) -> HttpResponse:
        """Account ``resp`` in its listing (a page reached through a next link, or one that has one)."""
        nxt = resp.next_url
        if listing is None and nxt is None:
            return resp
        if listing is None:
            listing = ListingGuard(self.source, self.max_pages)
        listing.after_page(resp, url)
        if nxt is not None:
            self._listings[nxt] = listing
            self._listings.move_to_end(nxt)
            while len(self._listings) > _MAX_OPEN_LISTINGS:
                self._listings.popitem(last=False)
        return resp

    def _send_following(
        self, method: str, url: str, headers: dict[str, str], json_body: Any, where: str
    ) -> tuple[requests.Response, bytes, str]:
        """Send, following redirects on the configured host only; (response, body, final URL)."""
        for _ in range(_MAX_REDIRECTS + 1):
            raw, body = self._send(method, url, headers, json_body, where)
            location = raw.headers.get("Location")
            if raw.status_code not in _REDIRECTS or not location:
                return raw, body, raw.url or url
            target = urljoin(url, location)
            if not self.is_configured_host(target):
                raise self._refuse_host(f"{where}: the server redirected to", target)
            if raw.status_code == 303 or (raw.status_code in (301, 302) and method not in _IDEMPOTENT):
                method, json_body = "GET", None
            url = target
        raise HttpError(f"{where}: more than {_MAX_REDIRECTS} redirects; stopped")

    def _send(
        self, method: str, url: str, headers: dict[str, str], json_body: Any, where: str
    ) -> tuple[requests.Response, bytes]:
        """One HTTP exchange, bounded in time (``timeout_s`` in all) and size; interrupted by ``cancel``."""
        deadline = ResponseDeadline(self.timeout_s, self.governor.cancel_deadline)
        with deadline:
            try:
                r = self.session.request(
                    method,
                    url,
                    headers=headers,
                    json=json_body,
                    timeout=self.timeout,
                    verify=self._verify,
                    proxies=self._proxies,
                    allow_redirects=False,  # followed by hand, on the configured host only
                    stream=True,
                )
                try:
                    body = self._read_body(r, where)
                finally:
                    r.close()
            except Exception:
                if deadline.finish() is None:
                    raise
                body = b""
        fired = deadline.fired
        if fired == "cancel":
            raise SyncCancelled(f"{self.source}: cancelled during a request to {host_of(url)}")
        if fired == "deadline":
            raise _ResponseTimeout()
        return r, body

    def _read_body(self, r: requests.Response, where: str) -> bytes:
        """The body, streamed, abandoned past :attr:`max_response_bytes` (announced or actual)."""
        cap = self.max_response_bytes
        declared = (r.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise HttpError(
                f"{where}: the response is larger than {_mb(cap)} (it announces {_mb(int(declared))}); not read"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_content(64 * 1024):
            size += len(chunk)
            if size > cap:
                raise HttpError(
                    f"{where}: the response is larger than {_mb(cap)}; stopped reading it "
                    "(a runaway listing, or the wrong URL?)"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _status_error(self, where: str, resp: HttpResponse, attempt: int) -> HttpError:
        status = resp.status
        detail = server_message(resp)
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

    # -- paginators (data.connectors.http.paging) --

    def iter_link_pages(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        max_pages: int | None = None,
        etags: ETagCache | None = None,
    ) -> Iterator[HttpResponse]:
        """Follow ``Link: rel="next"`` exactly as given; see :func:`http_paging.iter_link_pages`."""
        return http_paging.iter_link_pages(self, path_or_url, params, headers=headers, max_pages=max_pages, etags=etags)

    def iter_gitlab_pages(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        etags: ETagCache | None = None,
        keep_empty: bool = False,
    ) -> Iterator[HttpResponse]:
        """GitLab offset or keyset pages; see :func:`http_paging.iter_gitlab_pages`."""
        return http_paging.iter_gitlab_pages(
            self, path_or_url, params, headers=headers, etags=etags, keep_empty=keep_empty
        )

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
        """Offset paging that advances by what came back; see :func:`http_paging.iter_offset_pages`."""
        return http_paging.iter_offset_pages(
            self,
            path_or_url,
            params_for=params_for,
            items_of=items_of,
            start=start,
            is_last=is_last,
            headers=headers,
            max_pages=max_pages,
        )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _tls_reason(exc: BaseException) -> str:
    reason = transport_reason(exc)
    if reason.startswith("TLS certificate problem: "):
        return "certificate verify failed: " + reason.removeprefix("TLS certificate problem: ")
    return reason
