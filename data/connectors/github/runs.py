"""GitHub workflow runs and jobs: the ``runs`` stream of :class:`~data.connectors.github.connector.GitHubConnector`.

Runs are listed by calendar-month ``created`` windows (bisected while a window reaches the
1,000-result search cap), with every attempt and every job; unfinished runs are remembered in the
cursor and refreshed until they complete. The pure mappers (:func:`map_run`, :func:`map_job`,
:func:`run_status`, :func:`run_result`) turn API objects into records.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from data.connectors.base import Page
from data.connectors.context import instant, iso_z
from data.connectors.github.context import GitHubContext, midnight
from data.connectors.http.etag import ETagCache
from data.connectors.http.response import HttpResponse
from data.connectors.payload import item_errors, need_id, obj, text, whole
from data.records import JobRun, PipelineRun, Record
from data.timeutil import parse_instant

log = logging.getLogger("data.connectors.github")  # the name users already filter on

__all__ = ["GitHubRuns", "map_job", "map_run", "run_result", "run_status"]

SEARCH_CAP = 1000
MAX_OPEN_RUNS = 500

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


def map_run(source: str, repo: str, run: Mapping[str, Any], jobs: Sequence[Mapping[str, Any]] = ()) -> PipelineRun:
    """One run attempt. Runs have no ``completed_at``: the last job's ``completed_at`` when jobs are known,
    else ``updated_at`` once completed (fixtures README).

    A re-run (``run_attempt`` > 1) keeps the first attempt's ``created_at`` (recorded: run 26365060973's
    attempt 2 started five days after it), so its queue start is its own ``run_started_at``.
    Raises :class:`~data.connectors.base.ConnectorError` for a run that cannot be read.
    """
    where = f"{source}: GitHub {repo}: workflow run {run.get('id')!r}"
    with item_errors(where):
        status = run_status(run.get("status"))
        attempt = whole(run.get("run_attempt"))
        finished = None
        if status == "completed":
            ends = [t for t in (instant(j.get("completed_at")) for j in jobs) if t]
            finished = max(ends) if ends else instant(run.get("updated_at"))
        created = instant(run.get("created_at"))
        started = instant(run.get("run_started_at")) or created
        queued = created if attempt == 1 else started
        if queued is not None and started is not None and queued > started:
            queued = started
        actor = obj(run.get("triggering_actor") or run.get("actor")).get("login")
        name = text(run.get("name")) or text(run.get("path")) or text(run.get("workflow_id"))
        return PipelineRun(
            source=source,
            pipeline=f"{repo}/{name}",
            id=need_id(run, "id", where),
            attempt=attempt,
            sha=text(run.get("head_sha")),
            branch=text(run.get("head_branch")),
            status=status,
            result=run_result(run.get("status"), run.get("conclusion")),
            queued_at=queued,
            started_at=started,
            finished_at=finished,
            url=text(run.get("html_url")),
            author=text(actor),
        )


def map_job(source: str, pipeline: str, job: Mapping[str, Any]) -> JobRun:
    """One job of one run attempt (a :class:`~data.connectors.base.ConnectorError` when unreadable)."""
    where = f"{source}: GitHub {pipeline}: job {job.get('id')!r}"
    with item_errors(where):
        job_id = need_id(job, "id", where)
        return JobRun(
            source=source,
            pipeline=pipeline,
            run=need_id(job, "run_id", where),
            id=job_id,
            name=text(job.get("name")) or job_id,
            attempt=whole(job.get("run_attempt")),
            queued_at=instant(job.get("created_at")),
            started_at=instant(job.get("started_at")),
            finished_at=instant(job.get("completed_at")) if run_status(job.get("status")) == "completed" else None,
            result=run_result(job.get("status"), job.get("conclusion")),
        )


@dataclass(frozen=True, slots=True)
class GitHubRuns:
    """The ``runs`` stream reader."""

    ctx: GitHubContext

    def _months(self, start: datetime) -> list[list[str | None]]:
        """Calendar-month ``created`` windows from ``start``'s month to this month.

        Fixed windows give the same URLs on every sync, so a re-scan of unchanged pages is all 304s.
        """
        out: list[list[str | None]] = []
        month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = self.ctx.now()
        while month <= end:
            nxt = (month + timedelta(days=32)).replace(day=1)
            out.append([iso_z(month), iso_z(nxt - timedelta(seconds=1))])
            month = nxt
        return out

    def read(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        """Pages of ``repo``'s runs and jobs after the cursor ``cur``."""
        etags = ETagCache.from_json(cur.get("etags"))
        today = iso_z(midnight(self.ctx.now()))
        # Runs seen unfinished (id -> created_at): refreshed one by one until they complete, even
        # once they fall out of the re-scan window (a run can wait for approval for up to 30 days).
        open_runs: dict[str, str] = {str(k): str(v) for k, v in dict(cur.get("open") or {}).items()}
        plan: list[list[str | None]] = cur.get("plan") or self._months(self.ctx.scan_start(cur))
        # What this sync re-reads (whole months); an empty plan (a cursor in the future) re-reads nothing.
        scan_from = str(cur.get("from") or (plan[0][0] if plan else iso_z(self.ctx.scan_start(cur))))
        next_url: str | None = cur.get("next")
        path = f"/repos/{repo}/actions/runs"
        while plan:
            lo, hi = plan[0]
            created = f">={lo}" if hi is None else f"{lo}..{hi}"
            params = {"created": created, "per_page": self.ctx.options.per_page}
            url: str | None = next_url or self.ctx.client.url_for(path)
            first_page = next_url is None
            next_url = None
            while url:
                resp = self.ctx.client.get(url, params if first_page else None, etags=etags)
                if first_page and not resp.not_modified and self._split(plan, resp, etags):
                    break  # the window was replaced by its halves
                first_page = False
                records: list[Record] = []
                if not resp.not_modified:
                    for run in self.ctx.items(resp, "workflow_runs"):
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
                    yield self.ctx.page(records, state)
                else:
                    yield self.ctx.page([], None, "unchanged page")
            else:
                plan = plan[1:]
        records = self._refresh_open(repo, open_runs, scan_from, etags)
        yield self.ctx.page(records, {"done_to": today, "etags": etags.to_json(), "open": open_runs})

    def _note_open(self, open_runs: dict[str, str], run: Mapping[str, Any]) -> None:
        rid = need_id(run, "id", f"{self.ctx.source}: GitHub workflow run")
        if run_status(run.get("status")) == "completed":
            open_runs.pop(rid, None)
        else:
            open_runs[rid] = str(run.get("created_at") or "")
            if len(open_runs) > MAX_OPEN_RUNS:  # bounded: forget the oldest (stuck runs GitHub never closed)
                for rid, _ in sorted(open_runs.items(), key=lambda kv: kv[1])[: len(open_runs) - MAX_OPEN_RUNS]:
                    del open_runs[rid]

    def _refresh_open(self, repo: str, open_runs: dict[str, str], scan_from: str, etags: ETagCache) -> list[Record]:
        """Re-read the unfinished runs created before the re-scan window (conditional: 304 = no change)."""
        records: list[Record] = []
        for rid in sorted(rid for rid, created in open_runs.items() if created < scan_from):
            resp = self.ctx.client.get(f"/repos/{repo}/actions/runs/{rid}", etags=etags, ok=(404, 410))
            if resp.status in (404, 410):  # deleted since: nothing left to wait for
                etags.forget(resp.url)
                del open_runs[rid]
                continue
            if resp.not_modified:
                continue
            run = self.ctx.object(resp, "id", (int, str))
            records += self._run_records(repo, run)
            self._note_open(open_runs, run)
        return records

    def _split(self, plan: list[list[str | None]], resp: HttpResponse, etags: ETagCache) -> bool:
        """Bisect plan[0] when its first page says the 1,000-result cap is reached (DevLake#8842)."""
        total = whole(self.ctx.object(resp, "workflow_runs").get("total_count"), 0)
        lo_s, hi_s = plan[0]
        lo = parse_instant(str(lo_s))
        hi = parse_instant(hi_s) if hi_s else self.ctx.now()
        if total < SEARCH_CAP or hi - lo < timedelta(seconds=2):
            return False
        etags.forget(resp.url)
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        plan[0:1] = [[iso_z(lo), iso_z(mid)], [iso_z(mid + timedelta(seconds=1)), iso_z(hi)]]
        return True

    def _run_records(self, repo: str, run: Mapping[str, Any]) -> list[Record]:
        rid = need_id(run, "id", self.ctx.where(f"/repos/{repo}/actions/runs"))
        jobs_by_attempt: dict[int, list[Mapping[str, Any]]] = {}
        for resp in self.ctx.client.iter_link_pages(
            f"/repos/{repo}/actions/runs/{rid}/jobs", {"filter": "all", "per_page": 100}
        ):
            for job in self.ctx.items(resp, "jobs"):
                jobs_by_attempt.setdefault(whole(job.get("run_attempt")), []).append(job)
        # Bounded: a garbage run_attempt must not turn into a storm of attempt requests.
        latest = min(whole(run.get("run_attempt")), 100)
        runs = [run]
        for n in range(1, latest):
            resp = self.ctx.client.get(f"/repos/{repo}/actions/runs/{rid}/attempts/{n}", ok=(404,))
            if resp.status == 404:  # an attempt the server no longer has: the others still count
                log.info("%s: %s: attempt %d of run %s is gone (404); skipped", self.ctx.source, repo, n, rid)
                continue
            runs.append(self.ctx.object(resp, "id", (int, str)))
        out: list[Record] = []
        for r in runs:
            jobs = jobs_by_attempt.get(whole(r.get("run_attempt")), [])
            pr = map_run(self.ctx.source, repo, r, jobs)
            out.append(pr)
            out += [map_job(self.ctx.source, pr.pipeline, j) for j in jobs]
        return out
