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
* Auth goes through an ``auth=`` object so ``.netrc`` cannot override it and requests strips the
  ``Authorization`` header when a redirect changes host; a ``next`` link to another host is refused.
* TLS: ``ca_bundle`` from the source config is passed on every request (so ``REQUESTS_CA_BUNDLE``
  cannot silently override it, requests#3829); ``system_trust=True`` uses the operating system's
  store through :func:`ssl.create_default_context` instead of certifi.
"""

from __future__ import annotations

import base64
import random
import re
import ssl
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth

from data.connectors.http import paging as http_paging
from data.connectors.http.etag import ETagCache
from data.connectors.http.limits import Clock, HttpStats, RateGovernor, RetryPolicy, SystemClock, retry_after
from data.connectors.http.paging import OffsetPage, same_origin
from data.connectors.http.response import HttpError, HttpResponse, display_url, reason_of, server_message
from data.connectors.redact import register_secret

__all__ = [
    "HttpClient",
    "TokenAuth",
]

USER_AGENT = "flowdeck/0.1 (+https://github.com/flowdeck)"


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
        self.governor = RateGovernor(
            source, policy or RetryPolicy(), clock or SystemClock(), rng or random.Random(), on_wait
        )
        self.timeout = (min(10.0, timeout_s), timeout_s)
        self._verify: bool | str = ca_bundle or True
        self._proxies = {"http": proxy, "https": proxy} if proxy else None
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

    def _same_origin(self, a: str, b: str) -> bool:
        return same_origin(a, b)

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
                raw = self._send(method, prepared_url, hdrs, json_body)
            except requests.exceptions.SSLError as exc:
                host = urlsplit(prepared_url).hostname
                raise HttpError(
                    f"{self.source}: TLS verification with {host} failed: {reason_of(exc)}. If the server uses a "
                    'company CA, set ca_bundle = "/path/ca.pem" (or system_trust = true) on the source.'
                ) from None
            except requests.exceptions.ProxyError as exc:
                raise HttpError(f"{where}: the proxy refused or failed: {reason_of(exc)}") from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                kind = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "could not connect"
                if retryable and attempt < self.policy.max_attempts:
                    self.governor.backoff(attempt, f"{where}: {kind}; retrying")
                    continue
                raise HttpError(
                    f"{where}: {kind} after {attempt} attempt(s): {reason_of(exc)}", retryable=True
                ) from None
            resp = HttpResponse(self.source, raw.status_code, raw.url or prepared_url, raw.headers, raw.content)
            self.governor.note_quota(resp)
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

    def _send(self, method: str, url: str, headers: dict[str, str], json_body: Any) -> requests.Response:
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
