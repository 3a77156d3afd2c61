"""Conditional requests: ETag / Last-Modified validators per URL, kept in a connector's cursor.

A 304 costs nothing on GitHub's primary rate limit and carries no body; on GitLab it saves the
transfer (GitLab documents no rate-limit saving). A 304 also carries no ``Link`` header, so the
cache remembers each page's ``next`` link to keep paging through an unchanged listing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ETagCache"]


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

    def only(self, url: str) -> ETagCache:
        """A cache holding just ``url``'s validators (empty when none are known)."""
        return ETagCache({k: v for k, v in self.to_json().items() if k == url}, self.limit)

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
