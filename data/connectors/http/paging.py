"""Paginators over :class:`~data.connectors.http.client.HttpClient` (CONNECTORS.md §1.1-§1.4, §5.3).

* :func:`iter_link_pages` — ``Link: rel="next"`` exactly as given (GitHub; never totals).
* :func:`iter_gitlab_pages` — GitLab offset or keyset: ``Link rel=next`` first, else ``x-next-page``;
  an empty page ends the listing even when ``x-next-page`` still points further (gitlab#471566).
* :func:`iter_offset_pages` — ``startAt``/range offsets that advance by what actually came back.

Every link-following paginator refuses a next link to another host (the token would go there) and
stops with a "pagination loop" error when a next URL repeats. :class:`ListingGuard` bounds every
listing: at most ``max_pages`` pages (default :data:`~data.connectors.http.limits.MAX_PAGES_PER_LISTING`),
and a page whose items repeat the previous page's is a loop. The client applies it to every chain of
``Link`` next links it is asked to follow (also by readers following ``resp.next_url`` themselves);
the GitLab and offset paginators apply it to the pages they compute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from data.connectors.http.etag import ETagCache
from data.connectors.http.limits import MAX_PAGES_PER_LISTING
from data.connectors.http.response import HttpError, HttpResponse, display_url, with_query

__all__ = ["ListingGuard", "OffsetPage", "iter_gitlab_pages", "iter_link_pages", "iter_offset_pages"]


class PagingClient(Protocol):
    """What the paginators need of a client."""

    source: str
    max_pages: int

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL."""
        ...

    def get(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        etags: ETagCache | None = None,
        ok: Sequence[int] = (),
    ) -> HttpResponse:
        """One GET with retries."""
        ...


class ListingGuard:
    """The bounds of one paged listing: a page cap, no URL fetched twice, no page repeating the last.

    Call :meth:`before_next` before fetching each page after the first and :meth:`after_page` with
    each page fetched. Pages answered 304 (no body) are counted but not compared.
    """

    def __init__(self, source: str, max_pages: int = MAX_PAGES_PER_LISTING) -> None:
        self.source = source
        self.max_pages = max_pages
        self.pages = 0
        self.seen: set[str] = set()
        self._previous: Any = None

    def before_next(self, path: str, url: str | None = None) -> None:
        """Raise when the next page would exceed the cap, or ``url`` was already fetched."""
        if url is not None and url in self.seen:
            raise HttpError(
                f"{self.source}: {path}: pagination loop: the next-page link {display_url(url)} was already fetched"
            )
        if self.pages >= self.max_pages:
            raise HttpError(
                f"{self.source}: {path}: more than {self.max_pages} pages in one listing; stopped here "
                "(a server whose next-page link never ends?). Everything read so far is kept."
            )

    def after_page(self, resp: HttpResponse, *urls: str, items: Sequence[Any] | None = None) -> None:
        """Count ``resp``; raise when its items (``items``, else its whole body) repeat the previous page's."""
        self.pages += 1
        self.seen.update(urls)
        self.seen.add(resp.url)
        if resp.not_modified:
            self._previous = None
            return
        key: Any = items if items is not None else hashlib.blake2b(resp.body, digest_size=16).digest()
        if self.pages > 1 and key == self._previous:
            raise HttpError(
                f"{self.source}: {resp.path}: pagination loop: page {self.pages} repeats the items of the "
                "previous page; stopping instead of reading the same page forever"
            )
        self._previous = key


@dataclass(frozen=True)
class OffsetPage:
    """One page of an offset-paged listing (:func:`iter_offset_pages`)."""

    response: HttpResponse
    items: Sequence[Any]
    offset: int
    next_offset: int


def iter_link_pages(
    client: PagingClient,
    path_or_url: str,
    params: Mapping[str, Any] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    max_pages: int | None = None,
    etags: ETagCache | None = None,
) -> Iterator[HttpResponse]:
    """Follow ``Link: rel="next"``. With ``etags`` every page is conditional; a 304 page is yielded with
    ``not_modified`` and paging continues through the cached next link."""
    url: str | None = client.url_for(path_or_url)
    first = True
    seen: set[str] = set()
    pages = 0
    while url:
        resp = client.get(url, params if first else None, headers=headers, etags=etags)
        first = False
        seen.add(resp.url)
        yield resp
        pages += 1
        if max_pages is not None and pages >= max_pages:
            return
        url = checked_next(client.source, resp, resp.next_url, seen)


def iter_gitlab_pages(
    client: PagingClient,
    path_or_url: str,
    params: Mapping[str, Any] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    etags: ETagCache | None = None,
    keep_empty: bool = False,
) -> Iterator[HttpResponse]:
    """GitLab offset or keyset pages. ``etags`` makes every page conditional (a 304 page is yielded with
    ``not_modified``); ``keep_empty`` yields an empty page (then stops) instead of dropping it, for
    callers that keep the validators of an empty listing."""
    url: str | None = client.url_for(path_or_url)
    query: Mapping[str, Any] | None = params
    seen: set[str] = set()
    guard = ListingGuard(client.source, client.max_pages)
    while url:
        if guard.pages:
            guard.before_next(display_url(url))
        resp = client.get(url, query, headers=headers, etags=etags)
        query = None
        seen.add(resp.url)
        guard.after_page(resp)
        if not resp.not_modified:
            body = resp.json()
            if isinstance(body, list) and not body:
                if keep_empty:
                    yield resp
                return
        yield resp
        nxt = resp.next_url
        if nxt is None and not resp.not_modified:
            page = (resp.headers.get("x-next-page") or "").strip()
            if page.isdigit():
                nxt = with_query(resp.url, page=page)
        url = checked_next(client.source, resp, nxt, seen)


def iter_offset_pages(
    client: PagingClient,
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
    guard = ListingGuard(client.source, client.max_pages)
    while True:
        if guard.pages:
            guard.before_next(display_url(client.url_for(path_or_url)))
        resp = client.get(path_or_url, params_for(offset), headers=headers)
        body = resp.json()
        items = items_of(body)
        if not items:
            return
        guard.after_page(resp, items=items)
        nxt = offset + len(items)
        yield OffsetPage(resp, items, offset, nxt)
        pages += 1
        if (is_last is not None and is_last(body, nxt)) or (max_pages is not None and pages >= max_pages):
            return
        offset = nxt


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs share scheme, host and port."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)


def checked_next(source: str, resp: HttpResponse, nxt: str | None, seen: set[str]) -> str | None:
    """``nxt`` if it may be followed; an error for another host or a URL already fetched."""
    if nxt is None:
        return None
    if not same_origin(nxt, resp.url):
        raise HttpError(
            f"{source}: {resp.path}: the next-page link points to another host "
            f"({urlsplit(nxt).hostname}); refusing to send credentials there",
        )
    if nxt in seen:
        raise HttpError(
            f"{source}: {resp.path}: pagination loop: the next-page link {display_url(nxt)} was already fetched"
        )
    return nxt
