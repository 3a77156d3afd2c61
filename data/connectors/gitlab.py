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
:class:`~data.sync.Watermark`, so equal timestamps at the cursor are neither lost nor rewritten.

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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from data.config import DEFAULT_PRODUCTION, SourceConfig
from data.connectors.base import ConnectorError, Page
from data.connectors.http import ETagCache, HttpClient, HttpError, quote_path
from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Incident,
    JobRun,
    PipelineRun,
    Record,
    StatusChange,
    WorkItem,
)
from data.sync import Watermark, dump_cursor, load_cursor
from data.timeutil import parse_instant, utc_now

__all__ = ["GitLabConnector", "pipeline_result", "pipeline_status", "scoped_status"]

KINDS = ("issues", "merge_requests", "pipelines", "deployments")
OPEN, CLOSED = "Open", "Closed"
_QUEUED = {"created", "waiting_for_resource", "preparing", "pending", "scheduled", "manual"}
_RESULT = {"success": "success", "failed": "failure", "canceled": "cancelled", "skipped": "skipped"}
_DEPLOY = {"success": "success", "failed": "failure", "canceled": "cancelled"}
KEYSET_KINDS = ("issues",)  # the listings here that GitLab pages by keyset (project issues, 18.3+)
MAX_ROUNDS = 3  # listings from the advancing watermark until one brings nothing new


def _t(value: Any) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) and value else None


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def pipeline_status(status: Any) -> str:
    """GitLab pipeline/job status → queued/running/completed."""
    s = str(status or "").lower()
    if s in _RESULT:
        return "completed"
    return "queued" if s in _QUEUED else "running"


def pipeline_result(status: Any) -> str | None:
    """GitLab pipeline/job status → success/failure/cancelled/skipped, None while not finished."""
    s = str(status or "").lower()
    return _RESULT.get(s)


def scoped_status(label: str, scope: str = "workflow") -> str | None:
    """``workflow::in review`` → ``In Review`` (None for other labels)."""
    prefix = f"{scope}::".lower()
    if not label.lower().startswith(prefix):
        return None
    value = label[len(prefix) :].strip().replace("_", " ").replace("-", " ")
    return " ".join(w[:1].upper() + w[1:] for w in value.split()) or None


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
        self.status_labels = {str(k).lower(): str(v) for k, v in dict(opts.get("status_labels", {})).items()}
        self.status_scope = str(opts.get("status_scope", "workflow"))
        self.incident_labels = {str(x).lower() for x in opts.get("incident_labels", ["incident"])}
        self.lookback = timedelta(days=float(opts.get("lookback_days", 90)))
        self.per_page = int(opts.get("per_page", 100))
        self.production = re.compile(str(opts.get("production", DEFAULT_PRODUCTION)))
        self.production_tiers = {str(t).lower() for t in opts.get("production_tiers", ["production"])}
        self.keyset = bool(opts.get("keyset", True))
        self.now = now
        api = source.url if source.url.rstrip("/").endswith("/api/v4") else source.url.rstrip("/") + "/api/v4"
        self.client = client or HttpClient.from_source(source, token, auth_scheme="Bearer", base_url=api, **kw)
        self._mark = self.client.stats.snapshot()

    # -- protocol --

    def streams(self) -> Sequence[str]:
        """``kind:project`` for every kind and project."""
        return [f"{kind}:{p}" for p in self.projects for kind in KINDS]

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Pages of one stream after ``cursor``."""
        kind, _, project = stream.partition(":")
        self._mark = self.client.stats.snapshot()
        if kind not in KINDS or project not in self.projects:
            raise ConnectorError(f"{self.source}: unknown stream {stream!r}")
        cur = load_cursor(cursor)
        if kind == "deployments":
            prod_ok: dict[str, list[str]] = dict(cur.get("prod_ok") or {})
            yield from self._incremental(
                project,
                kind,
                cur,
                lambda p, d: self._deployment_records(p, d, prod_ok),
                extra={},
                state=lambda: {"prod_ok": dict(sorted(prod_ok.items(), key=lambda kv: kv[1][1])[-50:])},
            )
            return
        mapper = {"issues": self._issue, "merge_requests": self._merge_request, "pipelines": self._pipeline}[kind]
        extra = {"state": "all"} if kind == "merge_requests" else {}
        yield from self._incremental(project, kind, cur, mapper, extra=extra)

    def test_connection(self) -> str:
        """Check the first project is visible."""
        body = self.client.get_json(f"/projects/{quote_path(self.projects[0])}")
        return f"{self.config.url}: {body.get('path_with_namespace', self.projects[0])} is visible"

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    # -- helpers --

    def _page(self, records: Sequence[Record], cursor: dict[str, Any] | None, *notes: str) -> Page:
        s = self.client.stats
        page = Page(
            list(records),
            dump_cursor(cursor) if cursor is not None else None,
            s.requests - self._mark.requests,
            s.wait_s - self._mark.wait_s,
            tuple(notes),
        )
        self._mark = s.snapshot()
        return page

    def _p(self, project: str) -> str:
        return f"/projects/{quote_path(project)}"

    def _since(self, wm: Watermark) -> str:
        start = wm.at - timedelta(seconds=1) if wm.at else self.now() - self.lookback
        return _iso(start)

    def _params(self, kind: str, wm: Watermark, extra: dict[str, Any]) -> dict[str, Any]:
        params = {
            "updated_after": self._since(wm),
            "order_by": "updated_at",
            "sort": "asc",
            "per_page": self.per_page,
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
        mapper: Callable[[str, dict[str, Any]], list[Record]],
        *,
        extra: dict[str, Any],
        state: Callable[[], dict[str, Any]] = dict,
    ) -> Iterator[Page]:
        """Everything updated after the watermark, page by page, then the validators for the next sync."""
        wm = Watermark.from_json(cur.get("wm"))
        stored = ETagCache.from_json(cur.get("etags"))
        path = f"{self._p(project)}/{kind}"

        def cursor(validators: dict[str, Any] | None = None) -> dict[str, Any]:
            out = {"wm": wm.to_json(), **state()}
            if validators:
                out["etags"] = validators
            return out

        rounds = 0
        while rounds < MAX_ROUNDS:
            params = self._params(kind, wm, extra)
            first_url = self.client.prepared_url(path, params)
            # Only the stored validator of this very listing is sent, and only on the first round.
            cache = stored.only(first_url) if rounds == 0 else ETagCache()
            new = complete = False
            pages = 0
            try:
                for resp in self.client.iter_gitlab_pages(path, params, etags=cache, keep_empty=True):
                    pages += 1
                    if resp.not_modified:
                        # Validators are kept only for a complete one-page listing: 304 = nothing changed.
                        yield self._page([], None, "unchanged (304)")
                        return
                    items = resp.json() or []
                    records: list[Record] = []
                    seen: list[tuple[datetime, str]] = []
                    for item in items:
                        updated = _t(item.get("updated_at")) or parse_instant(item["created_at"])
                        ident = str(item["iid"] if kind in ("issues", "merge_requests") else item["id"])
                        if not wm.is_new(updated, ident):
                            continue
                        seen.append((updated, ident))
                        records += mapper(project, item)
                    new = new or bool(seen)
                    wm = wm.advance(seen)
                    complete = pages == 1 and resp.next_url is None and len(items) < self.per_page
                    yield self._page(records, cursor())
            except HttpError as exc:
                if pages == 0 and exc.status in (400, 405) and "pagination" in params:
                    # An older server that knows the parameter but not keyset for this listing.
                    self.keyset = False
                    yield self._page([], None, f"keyset pagination refused ({exc.status}); using offset pages")
                    continue
                raise
            rounds += 1
            if not new:
                validators = cache.only(first_url).to_json() if complete else None
                yield self._page([], cursor(validators))
                return
        yield self._page([], cursor())

    # -- pipelines --

    def _pipeline(self, project: str, p: dict[str, Any]) -> list[Record]:
        jobs: list[dict[str, Any]] = []
        for resp in self.client.iter_gitlab_pages(
            f"{self._p(project)}/pipelines/{p['id']}/jobs", {"include_retried": "true", "per_page": 100}
        ):
            jobs += resp.json() or []
        status = pipeline_status(p.get("status"))
        starts = [t for t in (_t(j.get("started_at")) for j in jobs) if t]
        ends = [t for t in (_t(j.get("finished_at")) for j in jobs) if t]
        finished = None
        if status == "completed":
            finished = _t(p.get("finished_at")) or (max(ends) if ends else _t(p.get("updated_at")))
        run = PipelineRun(
            source=self.source,
            pipeline=project,
            id=str(p["id"]),
            sha=p.get("sha"),
            branch=p.get("ref"),
            status=status,
            result=pipeline_result(p.get("status")),
            queued_at=_t(p.get("created_at")),
            started_at=_t(p.get("started_at")) or (min(starts) if starts else None),
            finished_at=finished,
            url=p.get("web_url"),
            author=(p.get("user") or {}).get("username"),
        )
        out: list[Record] = [run]
        attempts: dict[str, int] = {}
        for j in sorted(jobs, key=lambda j: j["id"]):
            name = str(j.get("name") or j["id"])
            attempts[name] = attempts.get(name, 0) + 1
            out.append(
                JobRun(
                    source=self.source,
                    pipeline=project,
                    run=str(p["id"]),
                    id=str(j["id"]),
                    name=name,
                    attempt=attempts[name],
                    queued_at=_t(j.get("created_at")),
                    started_at=_t(j.get("started_at")),
                    finished_at=_t(j.get("finished_at")),
                    result=pipeline_result(j.get("status")),
                )
            )
        return out

    # -- deployments --

    def _deployment_records(self, project: str, d: dict[str, Any], prod_ok: dict[str, list[str]]) -> list[Record]:
        """The deployment; for a successful production one also the commits since the previous one."""
        dep = self._map_deployment(project, d)
        out: list[Record] = [dep]
        if dep.status == "success" and self._is_production(d) and dep.sha:
            out += self._compare(project, dep, prod_ok)
            updated = _t(d.get("updated_at")) or parse_instant(d["created_at"])
            prod_ok[dep.id] = [dep.sha, _iso(dep.finished_at or updated)]
        return out

    def _is_production(self, d: dict[str, Any]) -> bool:
        env = d.get("environment") or {}
        tier = str(env.get("tier") or "").lower()
        return tier in self.production_tiers or bool(self.production.search(str(env.get("name") or "")))

    def _environment(self, d: dict[str, Any]) -> str:
        """The environment name, or ``production`` for a production-tier environment whose name the
        ``production`` pattern does not know (``live``, ``eu-west``): the record has no tier field."""
        env = d.get("environment") or {}
        name = str(env.get("name") or "")
        if str(env.get("tier") or "").lower() in self.production_tiers and not self.production.search(name):
            return "production"
        return name

    def _map_deployment(self, project: str, d: dict[str, Any]) -> Deployment:
        job = d.get("deployable") or {}
        status = _DEPLOY.get(str(d.get("status") or "").lower(), "running")
        finished = None
        if status != "running":
            finished = _t(job.get("finished_at")) or _t(d.get("updated_at"))
        return Deployment(
            source=self.source,
            repo=project,
            id=str(d["id"]),
            environment=self._environment(d),
            status=status,
            sha=d.get("sha"),
            ref=d.get("ref"),
            started_at=_t(job.get("started_at")) or _t(d.get("created_at")),
            finished_at=finished,
            url=job.get("web_url"),
        )

    def _compare(self, project: str, dep: Deployment, prod_ok: dict[str, list[str]]) -> list[Record]:
        out: list[Record] = [DeploymentCommit(self.source, dep.id, str(dep.sha))]
        earlier = [v for k, v in prod_ok.items() if k != dep.id and v[1] <= _iso(dep.finished_at or self.now())]
        if not earlier:
            return out
        base = max(earlier, key=lambda v: v[1])[0]
        if base == dep.sha:
            return out
        try:
            body = self.client.get_json(f"{self._p(project)}/repository/compare", {"from": base, "to": dep.sha})
        except HttpError as exc:
            if exc.status == 404:  # a rewritten history: unresolvable, not fatal
                return out
            raise
        for c in (body or {}).get("commits", []):
            out.append(DeploymentCommit(self.source, dep.id, c["id"]))
            out.append(
                Commit(
                    self.source,
                    project,
                    c["id"],
                    str(c.get("message") or ""),
                    c.get("author_name"),
                    _t(c.get("authored_date")),
                )
            )
        return out

    # -- merge requests --

    def _merge_request(self, project: str, mr: dict[str, Any]) -> list[Record]:
        base = f"{self._p(project)}/merge_requests/{mr['iid']}"
        author = (mr.get("author") or {}).get("username")
        dates: list[datetime] = []
        for resp in self.client.iter_gitlab_pages(f"{base}/commits", {"per_page": 100}):
            dates += [t for t in (_t(c.get("authored_date") or c.get("created_at")) for c in resp.json() or []) if t]
        first_review = None
        for resp in self.client.iter_gitlab_pages(
            f"{base}/notes", {"sort": "asc", "order_by": "created_at", "per_page": 100}
        ):
            for n in resp.json() or []:
                if not n.get("system") and (n.get("author") or {}).get("username") != author:
                    first_review = _t(n.get("created_at"))
                    break
            if first_review:
                break
        return [
            Change(
                source=self.source,
                repo=project,
                id=str(mr["iid"]),
                title=str(mr.get("title") or ""),
                created_at=parse_instant(mr["created_at"]),
                branch=mr.get("source_branch"),
                author=author,
                first_commit_at=min(dates) if dates else None,
                first_review_at=first_review,
                merged_at=_t(mr.get("merged_at")),
                merge_sha=(mr.get("merge_commit_sha") or mr.get("squash_commit_sha")) if mr.get("merged_at") else None,
                base=mr.get("target_branch"),
                url=mr.get("web_url"),
            )
        ]

    # -- issues --

    def _issue(self, project: str, issue: dict[str, Any]) -> list[Record]:
        key = f"{project}#{issue['iid']}"
        base = f"{self._p(project)}/issues/{issue['iid']}"
        created = parse_instant(issue["created_at"])
        labels = tuple(str(lb if isinstance(lb, str) else lb.get("name")) for lb in issue.get("labels") or [])
        events: list[tuple[datetime, int, str, str]] = []
        for resp in self.client.iter_gitlab_pages(f"{base}/resource_state_events", {"per_page": 100}):
            for e in resp.json() or []:
                if _t(e.get("created_at")):
                    events.append((parse_instant(e["created_at"]), 0, "state", str(e.get("state"))))
        for resp in self.client.iter_gitlab_pages(f"{base}/resource_label_events", {"per_page": 100}):
            for e in resp.json() or []:
                name = str((e.get("label") or {}).get("name") or "")
                if _t(e.get("created_at")) and name:
                    # At one instant adds go before removes: swapping a scoped label (add the new,
                    # remove the old) is one move, not a detour through "Open".
                    action = str(e.get("action"))
                    events.append((parse_instant(e["created_at"]), 1 if action == "add" else 2, action, name))
        changes = self.status_changes(key, created, events)
        itype = str(issue.get("issue_type") or issue.get("type") or "").lower()
        out: list[Record] = [
            WorkItem(
                source=self.source,
                key=key,
                title=str(issue.get("title") or ""),
                created_at=created,
                type=itype.title() or None,
                labels=labels,
                url=issue.get("web_url"),
                status=CLOSED if issue.get("state") == "closed" else changes[-1].to_status,
            ),
            *changes,
        ]
        if itype == "incident" or self.incident_labels & {lb.lower() for lb in labels}:
            out.append(
                Incident(
                    self.source,
                    key,
                    created,
                    project,
                    _t(issue.get("closed_at")),
                    str(issue.get("title") or ""),
                    issue.get("web_url"),
                )
            )
        return out

    def _label_status(self, label: str) -> str | None:
        return self.status_labels.get(label.lower()) or scoped_status(label, self.status_scope)

    def status_changes(
        self, key: str, created: datetime, events: Sequence[tuple[datetime, int, str, str]]
    ) -> list[StatusChange]:
        """State and label events (``(at, order, action, value)``) → status changes from ``Open``."""
        out = [StatusChange(self.source, key, created, None, OPEN)]
        current = OPEN
        for at, _, action, value in sorted(events):
            new = None
            if action == "state":
                new = CLOSED if value == "closed" else OPEN if value in ("reopened", "opened") else None
            elif action == "add" and current != CLOSED:
                new = self._label_status(value)
            elif action == "remove" and self._label_status(value) == current:
                new = OPEN
            if new is not None and new != current:
                out.append(StatusChange(self.source, key, at, current, new))
                current = new
        return out
