"""GitHub (github.com and GitHub Enterprise Server ``https://HOST/api/v3``) → Flowdeck records.

Streams, one cursor each per repository (``runs:owner/repo`` ...; FM-12):

* ``runs`` — workflow runs listed by ``created`` window (bisected until each window has < 1,000
  results, the search cap), every attempt (earlier ones via ``/attempts/{n}``) and every job
  (``filter=all``, paged). Each sync re-scans the last ``rescan_days`` (default 30: runs can be
  re-run for 30 days) with conditional requests, so unchanged pages cost a 304 and write nothing.
* ``deployments`` — newest first down to the re-scan bound; statuses per deployment (conditional):
  finish = first ``success`` status, ``failure``/``error`` → failed. Between consecutive successful
  production deployments the compare API gives the commits carried (DeploymentCommit + Commit).
* ``pulls`` — ``sort=updated&direction=desc`` stopping at the cursor (no ``since`` exists); first
  commit, first review by someone other than the author, merge.
* ``issues`` — ``since`` + ascending ``updated`` (pull requests skipped); events turn
  labeled/unlabeled (through ``status_labels``) and closed/reopened into status changes; issues with
  an ``incident_labels`` label are incidents.

Source options: ``repos`` (required), ``status_labels`` (label → status), ``incident_labels``
(default ``["incident"]``), ``lookback_days`` (first sync, default 90), ``rescan_days`` (30),
``per_page`` (50; DevLake lowered runs to 30 after oversized bodies), ``production`` (environment
regex; a deployment flagged ``production_environment`` always counts).
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from data.config import DEFAULT_PRODUCTION, SourceConfig
from data.connectors.base import ConnectorError, Page
from data.connectors.http import ETagCache, HttpClient, HttpError, HttpResponse, quote_path
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

log = logging.getLogger(__name__)

__all__ = ["GitHubConnector", "is_pull_request", "map_job", "map_run", "run_result", "run_status"]

KINDS = ("issues", "pulls", "runs", "deployments")
SEARCH_CAP = 1000
MAX_OPEN_RUNS = 500
OPEN, CLOSED = "Open", "Closed"

_STATUS = {"queued": "queued", "requested": "queued", "pending": "queued", "waiting": "queued"}
_RESULT = {
    "success": "success",
    "failure": "failure",
    "timed_out": "failure",
    "startup_failure": "failure",
    "cancelled": "cancelled",
    "skipped": "skipped",
    "neutral": "skipped",
    "stale": "skipped",
    "action_required": "failure",
}


def _t(value: Any) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) and value else None


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def run_status(status: Any) -> str:
    """GitHub run/job ``status`` → ``queued``/``running``/``completed`` (unknown values: running)."""
    s = str(status or "").lower()
    if s == "completed":
        return "completed"
    return _STATUS.get(s, "running")


def run_result(status: Any, conclusion: Any) -> str | None:
    """GitHub ``conclusion`` → success/failure/cancelled/skipped, None while not completed, else unknown."""
    if run_status(status) != "completed":
        return None
    c = str(conclusion or "").lower()
    return _RESULT.get(c, "unknown")


def map_run(source: str, repo: str, run: dict[str, Any], jobs: Sequence[dict[str, Any]] = ()) -> PipelineRun:
    """One run attempt. Runs have no ``completed_at``: the last job's ``completed_at`` when jobs are known,
    else ``updated_at`` once completed (fixtures README).

    A re-run (``run_attempt`` > 1) keeps the first attempt's ``created_at`` (recorded: run 26365060973's
    attempt 2 started five days after it), so its queue start is its own ``run_started_at``.
    """
    status = run_status(run.get("status"))
    attempt = int(run.get("run_attempt") or 1)
    finished = None
    if status == "completed":
        ends = [t for t in (_t(j.get("completed_at")) for j in jobs) if t]
        finished = max(ends) if ends else _t(run.get("updated_at"))
    created = _t(run.get("created_at"))
    started = _t(run.get("run_started_at")) or created
    queued = created if attempt == 1 else started
    if queued is not None and started is not None and queued > started:
        queued = started
    actor = (run.get("triggering_actor") or run.get("actor") or {}).get("login")
    return PipelineRun(
        source=source,
        pipeline=f"{repo}/{run.get('name') or run.get('path') or run.get('workflow_id')}",
        id=str(run["id"]),
        attempt=attempt,
        sha=run.get("head_sha"),
        branch=run.get("head_branch"),
        status=status,
        result=run_result(run.get("status"), run.get("conclusion")),
        queued_at=queued,
        started_at=started,
        finished_at=finished,
        url=run.get("html_url"),
        author=actor,
    )


def is_pull_request(issue: dict[str, Any]) -> bool:
    """Whether an ``/issues`` item is a pull request: a ``pull_request`` object with a URL. (In 2012 the API
    gave every issue ``"pull_request": {"html_url": null, ...}``, recorded in Repository.testGetIssues.)"""
    pr = issue.get("pull_request")
    return isinstance(pr, dict) and any(pr.get(k) for k in ("url", "html_url"))


def map_job(source: str, pipeline: str, job: dict[str, Any]) -> JobRun:
    """One job of one run attempt."""
    return JobRun(
        source=source,
        pipeline=pipeline,
        run=str(job["run_id"]),
        id=str(job["id"]),
        name=str(job.get("name") or job["id"]),
        attempt=int(job.get("run_attempt") or 1),
        queued_at=_t(job.get("created_at")),
        started_at=_t(job.get("started_at")),
        finished_at=_t(job.get("completed_at")) if run_status(job.get("status")) == "completed" else None,
        result=run_result(job.get("status"), job.get("conclusion")),
    )


class GitHubConnector:
    """Reads workflow runs, jobs, deployments, pull requests and issues of the configured repositories."""

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
        self.repos: list[str] = [str(r) for r in opts.get("repos", [])]
        if not self.repos:
            raise ConnectorError(f'{source.name}: no repos configured (repos = ["owner/name"])')
        self.status_labels = {str(k).lower(): str(v) for k, v in dict(opts.get("status_labels", {})).items()}
        self.incident_labels = {str(x).lower() for x in opts.get("incident_labels", ["incident"])}
        self.lookback = timedelta(days=float(opts.get("lookback_days", 90)))
        self.rescan = timedelta(days=float(opts.get("rescan_days", 30)))
        self.per_page = int(opts.get("per_page", 50))
        self.production = re.compile(str(opts.get("production", DEFAULT_PRODUCTION)))
        self.now = now
        self.client = client or HttpClient.from_source(
            source,
            token,
            auth_scheme="Bearer",
            headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
            **kw,
        )
        self._mark = self.client.stats.snapshot()

    # -- the Connector protocol --

    def streams(self) -> Sequence[str]:
        """``kind:owner/repo`` for every kind and repository."""
        return [f"{kind}:{repo}" for repo in self.repos for kind in KINDS]

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Pages of one stream after ``cursor``."""
        kind, _, repo = stream.partition(":")
        self._mark = self.client.stats.snapshot()
        readers = {"runs": self._runs, "deployments": self._deployments, "pulls": self._pulls, "issues": self._issues}
        if kind not in readers or repo not in self.repos:
            raise ConnectorError(f"{self.source}: unknown stream {stream!r}")
        yield from readers[kind](repo, load_cursor(cursor))

    def test_connection(self) -> str:
        """Check the first repository is visible with the token."""
        body = self.client.get_json(f"/repos/{self.repos[0]}")
        return f"{self.config.url}: {body.get('full_name', self.repos[0])} is visible"

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    # -- helpers --

    def _page(self, records: Sequence[Record], cursor: dict[str, Any] | None, *notes: str) -> Page:
        s = self.client.stats
        page = Page(
            records=list(records),
            cursor=dump_cursor(cursor) if cursor is not None else None,
            requests=s.requests - self._mark.requests,
            waits_s=s.wait_s - self._mark.wait_s,
            notes=tuple(notes),
        )
        self._mark = s.snapshot()
        return page

    def _day(self, value: datetime) -> datetime:
        return value.replace(hour=0, minute=0, second=0, microsecond=0)

    def _start(self, cur: dict[str, Any]) -> datetime:
        done_to = _t(cur.get("done_to"))
        return self._day(done_to - self.rescan if done_to else self.now() - self.lookback)

    # -- runs --

    def _months(self, start: datetime) -> list[list[str | None]]:
        """Calendar-month ``created`` windows from ``start``'s month to this month.

        Fixed windows give the same URLs on every sync, so a re-scan of unchanged pages is all 304s.
        """
        out: list[list[str | None]] = []
        month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = self.now()
        while month <= end:
            nxt = (month + timedelta(days=32)).replace(day=1)
            out.append([_iso(month), _iso(nxt - timedelta(seconds=1))])
            month = nxt
        return out

    def _runs(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        etags = ETagCache.from_json(cur.get("etags"))
        today = _iso(self._day(self.now()))
        # Runs seen unfinished (id -> created_at): refreshed one by one until they complete, even
        # once they fall out of the re-scan window (a run can wait for approval for up to 30 days).
        open_runs: dict[str, str] = {str(k): str(v) for k, v in dict(cur.get("open") or {}).items()}
        plan: list[list[str | None]] = cur.get("plan") or self._months(self._start(cur))
        # What this sync re-reads (whole months); an empty plan (a cursor in the future) re-reads nothing.
        scan_from = str(cur.get("from") or (plan[0][0] if plan else _iso(self._start(cur))))
        next_url: str | None = cur.get("next")
        path = f"/repos/{repo}/actions/runs"
        while plan:
            lo, hi = plan[0]
            created = f">={lo}" if hi is None else f"{lo}..{hi}"
            params = {"created": created, "per_page": self.per_page}
            url: str | None = next_url or self.client.url_for(path)
            first_page = next_url is None
            next_url = None
            while url:
                resp = self.client.get(url, params if first_page else None, etags=etags)
                if first_page and not resp.not_modified and self._split(plan, resp, etags):
                    break  # the window was replaced by its halves
                first_page = False
                records: list[Record] = []
                if not resp.not_modified:
                    for run in (resp.json() or {}).get("workflow_runs", []):
                        records += self._run_records(repo, run)
                        self._note_open(open_runs, run)
                url = resp.next_url
                if records:
                    rest = plan if url else plan[1:]  # a finished window need not be re-read after a crash
                    state = {
                        "done_to": cur.get("done_to"),
                        "from": scan_from,
                        "plan": rest,
                        "next": url,
                        "etags": etags.to_json(),
                        "open": open_runs,
                    }
                    yield self._page(records, state)
                else:
                    yield self._page([], None, "unchanged page")
            else:
                plan = plan[1:]
        records = self._refresh_open(repo, open_runs, scan_from, etags)
        yield self._page(records, {"done_to": today, "etags": etags.to_json(), "open": open_runs})

    def _note_open(self, open_runs: dict[str, str], run: dict[str, Any]) -> None:
        if run_status(run.get("status")) == "completed":
            open_runs.pop(str(run["id"]), None)
        else:
            open_runs[str(run["id"])] = str(run.get("created_at") or "")
            if len(open_runs) > MAX_OPEN_RUNS:  # bounded: forget the oldest (stuck runs GitHub never closed)
                for rid, _ in sorted(open_runs.items(), key=lambda kv: kv[1])[: len(open_runs) - MAX_OPEN_RUNS]:
                    del open_runs[rid]

    def _refresh_open(self, repo: str, open_runs: dict[str, str], scan_from: str, etags: ETagCache) -> list[Record]:
        """Re-read the unfinished runs created before the re-scan window (conditional: 304 = no change)."""
        records: list[Record] = []
        for rid in sorted(rid for rid, created in open_runs.items() if created < scan_from):
            resp = self.client.get(f"/repos/{repo}/actions/runs/{rid}", etags=etags, ok=(404, 410))
            if resp.status in (404, 410):  # deleted since: nothing left to wait for
                etags.forget(resp.url)
                del open_runs[rid]
                continue
            if resp.not_modified:
                continue
            run = resp.json() or {}
            records += self._run_records(repo, run)
            self._note_open(open_runs, run)
        return records

    def _split(self, plan: list[list[str | None]], resp: HttpResponse, etags: ETagCache) -> bool:
        """Bisect plan[0] when its first page says the 1,000-result cap is reached (DevLake#8842)."""
        total = int((resp.json() or {}).get("total_count") or 0)
        lo_s, hi_s = plan[0]
        lo = parse_instant(str(lo_s))
        hi = parse_instant(hi_s) if hi_s else self.now()
        if total < SEARCH_CAP or hi - lo < timedelta(seconds=2):
            return False
        etags.forget(resp.url)
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        plan[0:1] = [[_iso(lo), _iso(mid)], [_iso(mid + timedelta(seconds=1)), _iso(hi)]]
        return True

    def _run_records(self, repo: str, run: dict[str, Any]) -> list[Record]:
        jobs_by_attempt: dict[int, list[dict[str, Any]]] = {}
        for resp in self.client.iter_link_pages(
            f"/repos/{repo}/actions/runs/{run['id']}/jobs", {"filter": "all", "per_page": 100}
        ):
            for job in (resp.json() or {}).get("jobs", []):
                jobs_by_attempt.setdefault(int(job.get("run_attempt") or 1), []).append(job)
        latest = int(run.get("run_attempt") or 1)
        runs = [run]
        for n in range(1, latest):
            resp = self.client.get(f"/repos/{repo}/actions/runs/{run['id']}/attempts/{n}", ok=(404,))
            if resp.status == 404:  # an attempt the server no longer has: the others still count
                log.info("%s: %s: attempt %d of run %s is gone (404); skipped", self.source, repo, n, run["id"])
                continue
            runs.append(resp.json())
        out: list[Record] = []
        for r in runs:
            jobs = jobs_by_attempt.get(int(r.get("run_attempt") or 1), [])
            pr = map_run(self.source, repo, r, jobs)
            out.append(pr)
            out += [map_job(self.source, pr.pipeline, j) for j in jobs]
        return out

    # -- deployments --

    def _deployments(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        etags = ETagCache.from_json(cur.get("etags"), limit=2000)
        bound = self._start(cur)
        prod_ok: dict[str, list[str]] = dict(cur.get("prod_ok") or {})  # id -> [sha, finished_at]
        changed: list[Deployment] = []
        records: list[Record] = []
        done = False
        for resp in self.client.iter_link_pages(f"/repos/{repo}/deployments", {"per_page": self.per_page}):
            for d in resp.json() or []:
                created = _t(d.get("created_at"))
                if created is not None and created < bound:
                    done = True
                    break
                statuses = self.client.get(
                    f"/repos/{repo}/deployments/{d['id']}/statuses", {"per_page": 100}, etags=etags
                )
                if statuses.not_modified:
                    continue
                dep = self._map_deployment(repo, d, statuses.json() or [])
                records.append(dep)
                changed.append(dep)
                if dep.status == "success" and self._is_production(d):
                    prod_ok[dep.id] = [dep.sha or "", _iso(dep.finished_at or created or self.now())]
            if records:
                yield self._page(records, None)
                records = []
            if done:
                break
        records += self._compare(repo, changed, prod_ok)
        # Keep only what the next re-scan may need as the "previous" production deployment.
        newest = sorted(prod_ok.items(), key=lambda kv: kv[1][1])[-200:]
        yield self._page(
            records, {"done_to": _iso(self._day(self.now())), "etags": etags.to_json(), "prod_ok": dict(newest)}
        )

    def _is_production(self, d: dict[str, Any]) -> bool:
        return bool(d.get("production_environment")) or bool(self.production.search(str(d.get("environment"))))

    def _environment(self, d: dict[str, Any]) -> str:
        """The environment name, or ``production`` for one GitHub flags ``production_environment`` whose
        name the ``production`` pattern does not know (so the streams' default pattern counts it)."""
        name = str(d.get("environment") or "")
        if d.get("production_environment") and not self.production.search(name):
            return "production"
        return name

    def _map_deployment(self, repo: str, d: dict[str, Any], statuses: list[dict[str, Any]]) -> Deployment:
        ordered = sorted(statuses, key=lambda s: (s.get("created_at") or "", s.get("id") or 0))
        state, finished = "running", None
        for s in ordered:
            st = str(s.get("state") or "").lower()
            if st == "success":
                state, finished = "success", _t(s.get("created_at"))
                break
            if st in ("failure", "error"):
                state, finished = "failure", _t(s.get("created_at"))
                break
        return Deployment(
            source=self.source,
            repo=repo,
            id=str(d["id"]),
            environment=self._environment(d),
            status=state,
            sha=d.get("sha"),
            ref=d.get("ref"),
            started_at=_t(d.get("created_at")),
            finished_at=finished,
            url=d.get("url"),
        )

    def _compare(self, repo: str, changed: list[Deployment], prod_ok: dict[str, list[str]]) -> list[Record]:
        """Commits between each newly successful production deployment and the one before it."""
        order = sorted(prod_ok.items(), key=lambda kv: kv[1][1])
        out: list[Record] = []
        new_ids = {d.id for d in changed if d.id in prod_ok}
        for i, (dep_id, (sha, _)) in enumerate(order):
            if dep_id not in new_ids or not sha:
                continue
            out.append(DeploymentCommit(self.source, dep_id, sha))
            if i == 0:
                continue
            base = order[i - 1][1][0]
            if not base or base == sha:
                continue
            try:
                for resp in self.client.iter_link_pages(f"/repos/{repo}/compare/{base}...{sha}", {"per_page": 100}):
                    for c in (resp.json() or {}).get("commits", []):
                        info = c.get("commit") or {}
                        author = info.get("author") or {}
                        out.append(DeploymentCommit(self.source, dep_id, c["sha"]))
                        out.append(
                            Commit(
                                self.source,
                                repo,
                                c["sha"],
                                str(info.get("message") or ""),
                                author.get("name"),
                                _t(author.get("date")),
                            )
                        )
            except HttpError as exc:
                if exc.status != 404:  # 404 "No common ancestor" (force push): unresolvable, not fatal
                    raise
        return out

    # -- pull requests --

    def _pulls(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        pending = cur.get("pending") or {}
        stop = Watermark.from_json(cur.get("wm"))
        target = Watermark.from_json(pending.get("wm")) if pending else stop
        etags = ETagCache.from_json(cur.get("etags"))
        start = pending.get("next") or self.client.url_for(f"/repos/{repo}/pulls")
        params = (
            None if pending else {"state": "all", "sort": "updated", "direction": "desc", "per_page": self.per_page}
        )
        first = self.client.get(start, params, etags=None if pending else etags)
        if first.not_modified:  # page 1 unchanged: nothing was updated since the last sync
            yield self._page([], {"wm": stop.to_json(), "etags": etags.to_json()})
            return
        # Only page 1's validators are worth keeping (any update moves a pull request to page 1).
        etags = ETagCache({k: v for k, v in etags.to_json().items() if k == first.url})
        rest = self.client.iter_link_pages(first.next_url) if first.next_url else iter(())
        for resp in itertools.chain([first], rest):
            records: list[Record] = []
            older = False
            for pr in resp.json() or []:
                updated = _t(pr.get("updated_at")) or _t(pr.get("created_at"))
                if updated is None:
                    continue
                if not stop.is_new(updated, str(pr["number"])):
                    older = older or (stop.at is not None and updated < stop.at)
                    continue
                records.append(self._map_pull(repo, pr))
                target = target.advance([(updated, str(pr["number"]))])
            nxt = None if older else resp.next_url
            if nxt:
                yield self._page(
                    records,
                    {"wm": stop.to_json(), "pending": {"wm": target.to_json(), "next": nxt}, "etags": etags.to_json()},
                )
            else:
                yield self._page(records, {"wm": target.to_json(), "etags": etags.to_json()})
                return
        yield self._page([], {"wm": target.to_json(), "etags": etags.to_json()})

    def _map_pull(self, repo: str, pr: dict[str, Any]) -> Change:
        number = pr["number"]
        author = (pr.get("user") or {}).get("login")
        commits = self.client.get_json(f"/repos/{repo}/pulls/{number}/commits", {"per_page": 100}) or []
        dates = [_t(((c.get("commit") or {}).get("author") or {}).get("date")) for c in commits]
        first_commit = min((d for d in dates if d), default=None)
        first_review = None
        for resp in self.client.iter_link_pages(f"/repos/{repo}/pulls/{number}/reviews", {"per_page": 100}):
            for rv in resp.json() or []:
                who = (rv.get("user") or {}).get("login")
                at = _t(rv.get("submitted_at"))
                if at and who != author and (first_review is None or at < first_review):
                    first_review = at
        return Change(
            source=self.source,
            repo=repo,
            id=str(number),
            title=str(pr.get("title") or ""),
            created_at=parse_instant(pr["created_at"]),
            branch=(pr.get("head") or {}).get("ref"),
            author=author,
            first_commit_at=first_commit,
            first_review_at=first_review,
            merged_at=_t(pr.get("merged_at")),
            merge_sha=pr.get("merge_commit_sha") if pr.get("merged_at") else None,
            base=(pr.get("base") or {}).get("ref"),
            url=pr.get("html_url"),
        )

    # -- issues --

    def _issues(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        wm = Watermark.from_json(cur.get("wm"))
        params: dict[str, Any] = {"state": "all", "sort": "updated", "direction": "asc", "per_page": self.per_page}
        if wm.at is not None:
            params["since"] = _iso(wm.at)  # inclusive; never an epoch-zero since (Airbyte)
        for resp in self.client.iter_link_pages(f"/repos/{repo}/issues", params):
            records: list[Record] = []
            seen: list[tuple[datetime, str]] = []
            for issue in resp.json() or []:
                updated = _t(issue.get("updated_at")) or parse_instant(issue["created_at"])
                number = str(issue["number"])
                if not wm.is_new(updated, number):
                    continue
                seen.append((updated, number))
                if is_pull_request(issue):
                    continue
                records += self._issue_records(repo, issue)
            wm = wm.advance(seen)
            yield self._page(records, {"wm": wm.to_json()})

    def _issue_records(self, repo: str, issue: dict[str, Any]) -> list[Record]:
        key = f"{repo}#{issue['number']}"
        created = parse_instant(issue["created_at"])
        labels = tuple(str(lb.get("name")) for lb in issue.get("labels") or [] if isinstance(lb, dict))
        events: list[dict[str, Any]] = []
        for resp in self.client.iter_link_pages(f"/repos/{repo}/issues/{issue['number']}/events", {"per_page": 100}):
            events += resp.json() or []
        changes = self.status_changes(key, created, events)
        status = changes[-1].to_status if changes else OPEN
        itype = issue.get("type")
        out: list[Record] = [
            WorkItem(
                source=self.source,
                key=key,
                title=str(issue.get("title") or ""),
                created_at=created,
                type=itype.get("name") if isinstance(itype, dict) else None,
                labels=labels,
                url=issue.get("html_url"),
                status=CLOSED if issue.get("state") == "closed" else status,
            ),
            *changes,
        ]
        if self.incident_labels & {lb.lower() for lb in labels}:
            out.append(
                Incident(
                    self.source,
                    key,
                    created,
                    repo,
                    _t(issue.get("closed_at")),
                    str(issue.get("title") or ""),
                    issue.get("html_url"),
                )
            )
        return out

    def status_changes(self, key: str, created: datetime, events: Sequence[dict[str, Any]]) -> list[StatusChange]:
        """Issue events → status changes: opened at creation, mapped labels, closed/reopened."""
        out = [StatusChange(self.source, key, created, None, OPEN)]
        current = OPEN
        for ev in sorted(events, key=lambda e: (e.get("created_at") or "", e.get("id") or 0)):
            at = _t(ev.get("created_at"))
            kind = ev.get("event")
            label = str((ev.get("label") or {}).get("name") or "").lower()
            new = None
            if kind == "closed":
                new = CLOSED
            elif kind == "reopened":
                new = OPEN
            elif kind == "labeled" and label in self.status_labels and current != CLOSED:
                new = self.status_labels[label]
            elif kind == "unlabeled" and self.status_labels.get(label) == current:
                new = OPEN
            if at is not None and new is not None and new != current:
                out.append(StatusChange(self.source, key, at, current, new))
                current = new
        return out


def repo_path(repo: str) -> str:
    """``owner/name`` as one encoded segment (for APIs that take it as a single parameter)."""
    return quote_path(repo)
