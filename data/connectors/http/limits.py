"""Time, retry policy and the rate-limit governor of the HTTP layer (CONNECTORS.md §1.0-§1.2).

* ``Retry-After`` (seconds or HTTP date) wins; else ``remaining == 0`` with a sane future reset
  (GitHub ``x-ratelimit-reset``, GitLab ``RateLimit-Reset``, epoch seconds) waits until the reset;
  else a GitHub secondary limit (403/429 naming a rate limit) waits at least 60 s and then backs
  off; else bounded exponential backoff with jitter. A reset in the past, zero or garbage is
  "unknown" (DevLake#8020 looped on it).
* Before each request the governor waits out a known exhausted quota instead of spending a request
  to learn it again, and keeps ``RetryPolicy.min_interval_s`` between requests (servers without
  rate headers, e.g. Jenkins).
* Any single wait beyond ``RetryPolicy.max_wait_s`` (default 15 min) **fails** with a message saying
  how long the server asked for and when, instead of sleeping silently for an hour.

What one server can make a sync spend is bounded (docs/sources.md, "Limits"):

* :data:`MAX_RESPONSE_BYTES` per response (the body is streamed and reading stops past it);
* :data:`MAX_PAGES_PER_LISTING` pages per paged listing (with loop detection in ``http_paging``);
* ``timeout_s`` per *whole* response: :class:`ResponseDeadline` shuts the request's socket down
  when the answer is not complete in time (a server trickling a byte a second never trips a
  per-read timeout), and when the sync was cancelled (SIGTERM, Ctrl-C) :data:`CANCEL_GRACE_S`
  ago: the page in progress gets that long to finish and be stored, then its requests are cut and
  no new one starts.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

from data.connectors.base import SyncCancelled
from data.connectors.http.response import HttpError, HttpResponse
from data.connectors.redact import redact

log = logging.getLogger("data.connectors.http")  # the name users already filter on

__all__ = [
    "CANCEL_GRACE_S",
    "MAX_PAGES_PER_LISTING",
    "MAX_RESPONSE_BYTES",
    "Clock",
    "FakeClock",
    "HttpStats",
    "RateGovernor",
    "ResponseDeadline",
    "RetryPolicy",
    "SystemClock",
    "epoch",
    "retry_after",
    "track_socket",
]

#: The largest response body read (64 MiB): far above any API page (GitHub's 100 runs are ~1 MB, a
#: Jira page of 100 issues with changelogs a few MB), far below what would exhaust a desktop.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: The most pages one listing may have (10,000: a million items at 100 a page). A server whose
#: ``next`` link never ends stops here with a clear error instead of syncing forever.
MAX_PAGES_PER_LISTING = 10_000
#: After a cancel, the page in progress has this long to finish (so it is stored); then its
#: requests are cut and no new one starts. Well inside the sync service's stop grace.
CANCEL_GRACE_S = 2.0


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


class RateGovernor:
    """Decides how long to wait before and between attempts of one source's requests.

    It owns the clock, the policy and the accounting; :class:`~data.connectors.http.client.HttpClient`
    exposes these as its own attributes (``client.clock``, ``client.cancel``...).
    """

    def __init__(
        self,
        source: str,
        policy: RetryPolicy,
        clock: Clock,
        rng: random.Random,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        self.source = source
        self.policy = policy
        self.clock = clock
        self.rng = rng
        self.on_wait = on_wait
        self.stats = HttpStats()
        self.cancel: threading.Event | None = None
        self.blocked_until = 0.0  # epoch seconds: a known exhausted quota
        self.last_request = 0.0
        self._cancel_seen: float | None = None  # monotonic time the cancel was first noticed

    def cancel_deadline(self) -> float | None:
        """The monotonic instant from which requests are cut (:data:`CANCEL_GRACE_S` after the
        cancel was first noticed); None while the sync is not cancelled. Called from deadline threads."""
        if self.cancel is None or not self.cancel.is_set():
            self._cancel_seen = None
            return None
        if self._cancel_seen is None:
            self._cancel_seen = time.monotonic()
        return self._cancel_seen + CANCEL_GRACE_S

    def before_request(self, where: str) -> None:
        """Wait out a known exhausted quota and the minimum interval; count the request.

        Raises :class:`SyncCancelled` once the sync has been cancelled for :data:`CANCEL_GRACE_S`:
        no new request is started then (before, the page in progress may still finish)."""
        cut = self.cancel_deadline()
        if cut is not None and time.monotonic() >= cut:
            raise SyncCancelled(f"{self.source}: cancelled")
        now = self.clock.time()
        if self.blocked_until > now:
            self.wait(self.blocked_until - now + 1, f"{where}: rate limit quota exhausted; waiting for the reset")
            self.blocked_until = 0.0
        if self.policy.min_interval_s and self.last_request:
            gap = self.last_request + self.policy.min_interval_s - self.clock.time()
            if gap > 0:
                self.clock.sleep(gap, self.cancel)
        self.stats.requests += 1
        self.last_request = self.clock.time()

    def note_quota(self, resp: HttpResponse) -> None:
        """Remember an exhausted quota announced by a successful response's headers."""
        h = resp.headers
        remaining = h.get("x-ratelimit-remaining") or h.get("RateLimit-Remaining")
        reset = epoch(h.get("x-ratelimit-reset") or h.get("RateLimit-Reset"), self.clock.time())
        if remaining is not None and remaining.strip() == "0" and reset is not None and 200 <= resp.status < 300:
            # The last allowed request: do not spend the next one only to be told to wait.
            self.blocked_until = reset

    def rate_limit_wait(self, resp: HttpResponse, attempt: int) -> float | None:
        """Seconds to wait if ``resp`` is a rate-limit answer, else None; raises past the cap."""
        status, h = resp.status, resp.headers
        if status not in (403, 429):
            return None
        now = self.clock.time()
        hinted = retry_after(h.get("Retry-After"), now)
        remaining = (h.get("x-ratelimit-remaining") or h.get("RateLimit-Remaining") or "").strip()
        reset = epoch(h.get("x-ratelimit-reset") or h.get("RateLimit-Reset"), now)
        body = resp.body[:2000].decode("utf-8", errors="replace").lower()
        secondary = "rate limit" in body or "abuse" in body or "retry later" in body
        if status == 403 and hinted is None and remaining != "0" and not secondary:
            return None  # a plain permission problem: not retryable
        if hinted is not None:
            wait = hinted
        elif remaining == "0" and reset is not None:
            wait = reset - now + 1
        else:
            wait = self.backoff_delay(attempt)
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

    def backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with 'equal jitter': never below half the step, never past the cap."""
        step = min(self.policy.backoff_max_s, self.policy.backoff_base_s * 2 ** (attempt - 1))
        return float(step / 2 + self.rng.uniform(0, step / 2))

    def backoff(self, attempt: int, why: str) -> None:
        """Count a retry and wait the backoff delay of ``attempt``."""
        self.stats.retries += 1
        self.wait(self.backoff_delay(attempt), why, retry=False)

    def wait(self, seconds: float, why: str, *, retry: bool = True) -> None:
        """Wait ``seconds`` (interruptible by ``cancel``), logging why; counts a retry unless told not to."""
        if retry:
            self.stats.retries += 1
        self.stats.waits += 1
        self.stats.wait_s += seconds
        message = f"{why}; waiting {seconds:.1f} s"
        log.warning("%s", redact(message))
        if self.on_wait is not None:
            self.on_wait(seconds, redact(message))
        self.clock.sleep(seconds, self.cancel)


# --- header parsing -----------------------------------------------------------------------------

_MAX_SANE_WAIT = 7 * 24 * 3600.0


def retry_after(value: str | None, now: float) -> float | None:
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


def epoch(value: str | None, now: float) -> float | None:
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


# --- the whole-response deadline ------------------------------------------------------------------------

_ACTIVE = threading.local()  # the ResponseDeadline of the request this thread is making, if any


def track_socket(sock: socket.socket | None) -> None:
    """Hand ``sock`` to the deadline of the request the current thread is making (the HTTP client's
    connections call this when they connect and before each request on a kept-alive socket)."""
    deadline: ResponseDeadline | None = getattr(_ACTIVE, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.add(sock)


class ResponseDeadline:
    """Bounds one request, headers and body, to ``timeout_s`` in all, and ends it on a cancel.

    Per-read socket timeouts do not bound a response: a server sending a byte every few seconds
    never trips one. A watcher thread shuts the request's sockets down at the deadline, or once
    ``cancel_at()`` (the governor's :meth:`RateGovernor.cancel_deadline`) names an instant that has
    passed, which makes the blocked read return at once; :attr:`fired` then says why. Use it as a
    context manager around the request and the reading of its body, in the requesting thread.
    """

    _POLL_S = 0.1  # how often a cancel is looked for while waiting

    def __init__(self, timeout_s: float, cancel_at: Callable[[], float | None] | None = None) -> None:
        self.timeout_s = timeout_s
        self.cancel_at = cancel_at
        #: "deadline" or "cancel" once the watcher shut the request down; None while it has not.
        self.fired: str | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="flowdeck-http-deadline", daemon=True)

    def __enter__(self) -> ResponseDeadline:
        self._end = time.monotonic() + self.timeout_s
        _ACTIVE.deadline = self
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    def finish(self) -> str | None:
        """Stop watching; returns :attr:`fired` (whether the request was cut short, and why)."""
        with self._lock:
            self._done.set()
        _ACTIVE.deadline = None
        return self.fired

    def add(self, sock: socket.socket) -> None:
        """Watch ``sock`` (shut it down at once if the deadline has already fired)."""
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired is not None
        if fired:
            _shut(sock)

    def _watch(self) -> None:
        while not self._done.is_set():
            now = time.monotonic()
            cut = self.cancel_at() if self.cancel_at is not None else None
            if cut is not None and now >= cut:
                self._fire("cancel")
                return
            remaining = self._end - now
            if remaining <= 0:
                self._fire("deadline")
                return
            self._done.wait(min(remaining, self._POLL_S) if self.cancel_at is not None else remaining)

    def _fire(self, why: str) -> None:
        with self._lock:
            if self._done.is_set():
                return
            self.fired = why
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for a TLS socket: it wakes a read blocked in another thread
    # without touching the TLS state that read is using.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
