"""GitLab (gitlab.com and self-managed, REST v4) → Flowdeck records.

Streams per project (``pipelines:group/name`` ...), each with its own cursor:

* ``pipelines`` — ``updated_after`` + ``order_by=updated_at&sort=asc``, jobs with
  ``include_retried=true`` (retried jobs are hidden by default). A pipeline's start/finish come from
  its jobs (earliest start, latest finish), saving one request per pipeline; its own ``updated_at``
  when it has no jobs. Retried jobs become attempts 1, 2, ... of a job name.
* ``deployments`` — ``updated_after`` (GitLab requires ``order_by=updated_at`` with it); production
  by environment ``tier == "production"`` or the ``production`` name regex; the compare API gives the
  commits between consecutive successful production deployments.
* ``merge_requests`` — ``updated_after``; first commit from ``/commits``; first review = the first
  non-system note by someone other than the author (GitLab approvals carry no time).
* ``issues`` — ``updated_after``; ``resource_state_events`` (closed/reopened) and
  ``resource_label_events`` become status changes. A label maps through ``status_labels``, else a
  scoped label of the ``status_scope`` scope (default ``workflow``) maps by rule:
  ``workflow::in review`` → ``In Review``. Issues of type ``incident`` or with an
  ``incident_labels`` label are incidents.

``updated_after`` is sent one second before the watermark and items are de-duplicated with
:class:`~data.connectors.cursor.Watermark`, so equal timestamps at the cursor are neither lost nor rewritten.

Conditional requests: once a listing has been read to the end, the listing the *next* sync will
ask for (``updated_after`` = the new watermark - 1 s) is read once more; when it holds nothing new,
fits on one page and GitLab sent an ``ETag``, that validator is kept in the cursor, so a sync with
no change costs one conditional request per stream, answered 304 with no body. (GitLab documents
no rate-limit saving for a 304, unlike GitHub: it saves the transfer and the JSON work.)

Paging: offset with ``Link``/``x-next-page`` for pipelines, deployments and merge requests, which
GitLab does not offer keyset pagination for; ``pagination=keyset`` for issues (GitLab 18.3+ for
project issues; older servers ignore the parameter and page by offset, a 405 "not available" turns
it off for the rest of the sync). Both follow ``Link rel=next`` as given.

Deployments in an environment whose ``tier`` is in ``production_tiers`` (default ``["production"]``)
are stored with environment ``production`` unless their name already matches the ``production``
pattern, so the streams' default production pattern counts them (the record has no tier field).
Projects are numeric ids or ``group/name`` paths (URL-encoded as one segment). Auth is
``Authorization: Bearer`` (never ``PRIVATE-TOKEN``, which requests forwards across hosts).

The connector and its listing loop are here; it owns the per-item mappers, all given one
:class:`~data.connectors.gitlab.context.GitLabContext` (client, options, clock):
:mod:`data.connectors.gitlab.pipelines` (pipelines, jobs), :mod:`data.connectors.gitlab.deployments`
(deployments, compare) and :mod:`data.connectors.gitlab.tickets` (merge requests, issues).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from data.config.model import SourceConfig
from data.connectors.base import ConnectorError, Page
from data.connectors.context import StreamOptions, instant, iso_z, split_stream, stream_names
from data.connectors.cursor import Watermark, load_cursor
from data.connectors.gitlab.context import GitLabContext, project_path
from data.connectors.gitlab.deployments import GitLabDeployments
from data.connectors.gitlab.pipelines import GitLabPipelines
from data.connectors.gitlab.tickets import GitLabTickets
from data.connectors.http.client import HttpClient
from data.connectors.http.etag import ETagCache
from data.connectors.http.response import HttpError
from data.connectors.payload import item_errors, need, need_id
from data.records import Record
from data.timeutil import parse_instant, utc_now

__all__ = [
    "GitLabConnector",
]

KINDS = ("issues", "merge_requests", "pipelines", "deployments")
KEYSET_KINDS = ("issues",)  # the listings here that GitLab pages by keyset (project issues, 18.3+)
MAX_ROUNDS = 3  # listings from the advancing watermark until one brings nothing new


class GitLabConnector:
    """Reads pipelines, jobs, deployments, merge requests and issues of the configured projects."""

    def __init__(
        self,
        source: SourceConfig,
        token: str | None,
        *,
        client: HttpClient | None = None,
        now: Callable[[], datetime] = utc_now,
        **kw: Any,
    ) -> None:
        self.source = source.name
        self.config = source
        opts = source.options
        self.projects = [str(p) for p in opts.get("projects", [])]
        if not self.projects:
            raise ConnectorError(f'{source.name}: no projects configured (projects = ["group/name" or "42"])')
        # Asked for until a server refuses it (then off for the rest of the sync).
        self.keyset = bool(opts.get("keyset", True))
        api = source.url if source.url.rstrip("/").endswith("/api/v4") else source.url.rstrip("/") + "/api/v4"
        # Public like every HTTP connector's: data.sync.run sets ``client.cancel`` (ends waits and requests in flight).
        self.client = client or HttpClient.from_source(source, token, auth_scheme="Bearer", base_url=api, **kw)
        self.ctx = GitLabContext(
            source=source.name,
            system="GitLab",
            client=self.client,
            options=StreamOptions.parse(opts, per_page=100),
            now=now,
            status_scope=str(opts.get("status_scope", "workflow")),
            production_tiers=frozenset(str(t).lower() for t in opts.get("production_tiers", ["production"])),
        )
        self.pipelines = GitLabPipelines(self.ctx)
        self.deployments = GitLabDeployments(self.ctx)
        self.tickets = GitLabTickets(self.ctx)

    # -- protocol --

    def streams(self) -> Sequence[str]:
        """``kind:project`` for every kind and project."""
        return stream_names(KINDS, self.projects)

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Pages of one stream after ``cursor``."""
        kind, project = split_stream(self.source, stream, KINDS, self.projects)
        self.ctx.restart()
        cur = load_cursor(cursor)
        if kind == "deployments":
            prod_ok: dict[str, list[str]] = dict(cur.get("prod_ok") or {})
            yield from self._incremental(
                project,
                kind,
                cur,
                lambda p, d: self.deployments.deployment_records(p, d, prod_ok),
                extra={},
                state=lambda: {"prod_ok": dict(sorted(prod_ok.items(), key=lambda kv: kv[1][1])[-50:])},
            )
            return
        mapper = {
            "issues": self.tickets.issue,
            "merge_requests": self.tickets.merge_request,
            "pipelines": self.pipelines.pipeline,
        }[kind]
        extra = {"state": "all"} if kind == "merge_requests" else {}
        yield from self._incremental(project, kind, cur, mapper, extra=extra)

    def test_connection(self) -> str:
        """Check the first project is visible."""
        body = self.ctx.object(self.ctx.client.get(project_path(self.projects[0])), "path_with_namespace", str)
        return f"{self.config.url}: {body.get('path_with_namespace', self.projects[0])} is visible"

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    # -- the listing loop --

    def _since(self, wm: Watermark) -> str:
        start = wm.at - timedelta(seconds=1) if wm.at else self.ctx.now() - self.ctx.options.lookback
        return iso_z(start)

    def _params(self, kind: str, wm: Watermark, extra: dict[str, Any]) -> dict[str, Any]:
        params = {
            "updated_after": self._since(wm),
            "order_by": "updated_at",
            "sort": "asc",
            "per_page": self.ctx.options.per_page,
            **extra,
        }
        if self.keyset and kind in KEYSET_KINDS:
            params["pagination"] = "keyset"
        return params

    def _incremental(
        self,
        project: str,
        kind: str,
        cur: dict[str, Any],
        mapper: Callable[[str, Mapping[str, Any]], list[Record]],
        *,
        extra: dict[str, Any],
        state: Callable[[], dict[str, Any]] = dict,
    ) -> Iterator[Page]:
        """Everything updated after the watermark, page by page, then the validators for the next sync."""
        wm = Watermark.from_json(cur.get("wm"))
        stored = ETagCache.from_json(cur.get("etags"))
        path = f"{project_path(project)}/{kind}"

        def cursor(validators: dict[str, Any] | None = None) -> dict[str, Any]:
            out = {"wm": wm.to_json(), **state()}
            if validators:
                out["etags"] = validators
            return out

        rounds = 0
        while rounds < MAX_ROUNDS:
            params = self._params(kind, wm, extra)
            first_url = self.ctx.client.prepared_url(path, params)
            # Only the stored validator of this very listing is sent, and only on the first round.
            cache = stored.only(first_url) if rounds == 0 else ETagCache()
            new = complete = False
            pages = 0
            try:
                for resp in self.ctx.client.iter_gitlab_pages(path, params, etags=cache, keep_empty=True):
                    pages += 1
                    if resp.not_modified:
                        # Validators are kept only for a complete one-page listing: 304 = nothing changed.
                        yield self.ctx.page([], None, "unchanged (304)")
                        return
                    items = self.ctx.items(resp)
                    records: list[Record] = []
                    seen: list[tuple[datetime, str]] = []
                    where = self.ctx.where(resp)
                    for item in items:
                        ident = need_id(item, "iid" if kind in ("issues", "merge_requests") else "id", where)
                        with item_errors(f"{where}: {ident}"):
                            updated = instant(item.get("updated_at")) or parse_instant(need(item, "created_at", where))
                        if not wm.is_new(updated, ident):
                            continue
                        seen.append((updated, ident))
                        records += mapper(project, item)
                    new = new or bool(seen)
                    wm = wm.advance(seen)
                    complete = pages == 1 and resp.next_url is None and len(items) < self.ctx.options.per_page
                    yield self.ctx.page(records, cursor())
            except HttpError as exc:
                if pages == 0 and exc.status in (400, 405) and "pagination" in params:
                    # An older server that knows the parameter but not keyset for this listing.
                    self.keyset = False
                    yield self.ctx.page([], None, f"keyset pagination refused ({exc.status}); using offset pages")
                    continue
                raise
            rounds += 1
            if not new:
                validators = cache.only(first_url).to_json() if complete else None
                yield self.ctx.page([], cursor(validators))
                return
        yield self.ctx.page([], cursor())
