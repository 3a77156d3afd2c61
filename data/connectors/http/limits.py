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
"""

from __future__ import annotations

import logging
import math
import random
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

__all__ = ["Clock", "FakeClock", "HttpStats", "RateGovernor", "RetryPolicy", "SystemClock", "epoch", "retry_after"]


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

    def before_request(self, where: str) -> None:
        """Wait out a known exhausted quota and the minimum interval; count the request."""
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
