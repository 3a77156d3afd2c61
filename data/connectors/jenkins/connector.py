"""Jenkins connector: every build of every (folder / multibranch) job, with pipeline stages.

How it reads (CONNECTORS.md §1.3):

* Jobs: ``{folder}/api/json?tree=jobs[name,_class,jobs[name]]`` level by level; an item that has a
  ``jobs`` list is a folder (Folder, multibranch project, organisation folder) and is walked into.
  URLs are built from the names against the *configured* URL — Jenkins' own ``url`` fields carry
  its "root URL" setting, which is often wrong behind proxies.
* Builds: ``allBuilds[...]{M,N}`` ranges, newest first, the offset advancing by what came back
  (never the 100-build ``builds`` cap); incremental reads stop at the first page that reaches the
  last build already synced (and every build still running then).
* Stages: ``{job}/{n}/wfapi/describe`` per pipeline build (not ``wfapi/runs``, capped at 10).
* Auth: HTTP Basic ``user`` + API token, sent pre-emptively (Jenkins answers 403, never 401, so a
  client that waits for a challenge never authenticates). A 403 is not retried.

Cursor (JSON): ``{"jobs": {"<full name>": {"last": <highest build number synced>, "running":
[<numbers still building>]}}}``. A job's entry only advances after all of its pages are stored.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from data.config.model import ConfigError, SourceConfig
from data.connectors.base import ConnectorError, Page
from data.connectors.http.client import HttpClient
from data.connectors.http.limits import RetryPolicy
from data.connectors.http.response import HttpError
from data.connectors.jenkins.parse import deployments_for_build, parse_build, parse_stages
from data.connectors.payload import object_body, objects
from data.records import Record

__all__ = ["BUILD_TREE", "JenkinsConnector", "JobRef"]

#: The fields read per build. ``queueId`` is cheap; ``changeSets`` carries commit messages/authors.
BUILD_TREE = (
    "allBuilds[number,result,building,timestamp,duration,url,_class,"
    "actions[_class,lastBuiltRevision[SHA1,branch[name]],causes[_class,userId,userName],queuingDurationMillis],"
    "changeSets[items[commitId,comment,msg,timestamp,author[fullName]]],"
    "changeSet[items[commitId,comment,msg,timestamp,author[fullName]]]]"
)
_JOBS_TREE = "jobs[name,_class,jobs[name]]"
_MAX_FOLDER_DEPTH = 12


@dataclass(frozen=True, slots=True)
class JobRef:
    """A buildable job: its display full name (``team/app/main``) and its URL path (``/job/…``)."""

    name: str
    path: str


def _glob_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of job name globs, got {value!r}")
    return tuple(value)


def _regex(value: Any, where: str, default: str | None) -> re.Pattern[str] | None:
    if value is None:
        value = default
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a regular expression string, got {value!r}")
    try:
        return re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{where}: not a valid regular expression: {exc}") from None


class JenkinsConnector:
    """Reads Jenkins builds, stages, commits and deployments (one stream: ``builds``)."""

    def __init__(self, source: SourceConfig, token: str | None, *, client: HttpClient | None = None, **kw: Any) -> None:
        self.source = source.name
        self.config = source
        opts = source.options
        where = f"source {source.name!r}"
        user = opts.get("user")
        if user is not None and not isinstance(user, str):
            raise ConfigError(f"{where}: user: expected a string, got {user!r}")
        self.user = user
        self.jobs = _glob_list(opts.get("jobs"), f"{where}: jobs")
        self.deployment = _regex(opts.get("deployment_pattern"), f"{where}: deployment_pattern", None)
        self.deployment_environment = _environment_option(opts.get("deployment_environment"), where)
        production = _regex(opts.get("production_pattern"), f"{where}: production_pattern", "(?i)prod")
        assert production is not None  # it has a default
        self.production: re.Pattern[str] = production
        unstable = opts.get("unstable", "failure")
        if unstable not in ("failure", "success"):
            raise ConfigError(f'{where}: unstable: expected "failure" or "success", got {unstable!r}')
        self.unstable: str = unstable
        repo = opts.get("repo")
        if repo is not None and not isinstance(repo, str | dict):
            raise ConfigError(f"{where}: repo: expected a string or a table of job glob = repo, got {repo!r}")
        self.repo = repo
        page = opts.get("page_size", 50)
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 1000:
            raise ConfigError(f"{where}: page_size: expected a whole number from 1 to 1000, got {page!r}")
        self.page_size = page
        if client is None:
            auth = (user, token) if user and token else None
            kw.setdefault("policy", RetryPolicy(min_interval_s=float(opts.get("min_interval_s", 0.0))))
            # Jenkins has no token-only scheme: without a user the requests go anonymous.
            client = HttpClient.from_source(source, None, auth=auth, **kw)
        self.client = client

    # -- protocol --

    def streams(self) -> Sequence[str]:
        """One stream: ``builds`` (runs, stages, commits, deployments)."""
        return ("builds",)

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    def test_connection(self) -> str:
        """Fetch the top level; describe the server version and what is visible."""
        resp = self._get("/api/json", {"tree": "jobs[name]"})
        body = self._body(resp, "jobs")
        version = resp.headers.get("X-Jenkins")
        who = f" as {self.user}" if self.user else " anonymously"
        n = len(body.get("jobs") or ())
        return f"Jenkins {version or '(version hidden)'}{who}: {n} top-level job(s) visible"

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Pages of builds per job; the cursor advances per job once its pages are all yielded."""
        if stream != "builds":
            raise ConnectorError(f"{self.source}: unknown stream {stream!r}")
        state = self._load_cursor(cursor)
        before = self.client.stats.requests
        jobs = self.discover_jobs()
        spent = self.client.stats.requests - before
        for job in jobs:
            yield from self._read_job(job, state, extra_requests=spent)
            spent = 0

    # -- jobs --

    def discover_jobs(self) -> list[JobRef]:
        """Every buildable job under the root, walking folders and multibranch projects, filtered by ``jobs``."""
        out: list[JobRef] = []
        self._walk("", [], out, 0)
        if self.jobs:
            out = [j for j in out if any(fnmatch.fnmatchcase(j.name, g) for g in self.jobs)]
        return out

    def _walk(self, path: str, names: list[str], out: list[JobRef], depth: int) -> None:
        resp = self._get(f"{path}/api/json", {"tree": _JOBS_TREE})
        for item in objects(resp.json(), source=self.source, system="Jenkins", resp=resp, key="jobs"):
            if not isinstance(item.get("name"), str) or not item["name"]:
                continue
            raw = item["name"]
            # Multibranch branch names arrive URL-encoded once ("feature%2Fx"); the URL needs them
            # encoded again (Jenkins serves /job/feature%252Fx), the display name decoded.
            child_path = f"{path}/job/{quote(raw, safe='')}"
            child_names = [*names, unquote(raw)]
            if isinstance(item.get("jobs"), list):
                if depth < _MAX_FOLDER_DEPTH:
                    self._walk(child_path, child_names, out, depth + 1)
            else:
                out.append(JobRef("/".join(child_names), child_path))

    def repo_for(self, job: str) -> str:
        """The repository a job's deployments and commits belong to (``repo`` option, else the job name)."""
        if isinstance(self.repo, str):
            return self.repo
        if isinstance(self.repo, dict):
            for glob, repo in self.repo.items():
                if fnmatch.fnmatchcase(job, glob):
                    return str(repo)
        return job

    # -- builds --

    def _read_job(self, job: JobRef, state: dict[str, Any], extra_requests: int = 0) -> Iterator[Page]:
        entry = state["jobs"].get(job.name) or {}
        last = int(entry.get("last", 0))
        running = {int(n) for n in entry.get("running", ())}
        floor = min([last, *running]) if running else last
        new_last = last
        still_running: set[int] = set()
        size = self.page_size
        requests_before = self.client.stats.requests
        waits_before = self.client.stats.wait_s

        def params_for(offset: int) -> dict[str, str]:
            return {"tree": f"{BUILD_TREE}{{{offset},{offset + size}}}"}

        def builds_of(body: Any) -> list[Mapping[str, Any]]:
            # The response is not at hand here; the job's API path names the endpoint.
            return objects(body, source=self.source, system="Jenkins", resp=f"{job.path}/api/json", key="allBuilds")

        def is_last(body: Any, _next: int) -> bool:
            numbers = [int(b["number"]) for b in builds_of(body) if _is_number(b.get("number"))]
            return bool(numbers) and floor > 0 and min(numbers) <= floor

        try:
            pages = self.client.iter_offset_pages(
                f"{job.path}/api/json", params_for=params_for, items_of=builds_of, is_last=is_last
            )
            for page in pages:
                records: list[Record] = []
                for build in page.items:
                    number = build.get("number")
                    if not _is_number(number) or (number <= last and number not in running):
                        continue
                    records.extend(self._build_records(job, build))
                    new_last = max(new_last, number)
                    if _is_building(build):
                        still_running.add(number)
                if records:
                    yield Page(
                        records=records,
                        cursor=None,
                        requests=self._spent(requests_before) + extra_requests,
                        waits_s=self.client.stats.wait_s - waits_before,
                    )
                    extra_requests = 0
                    requests_before = self.client.stats.requests
                    waits_before = self.client.stats.wait_s
        except HttpError as exc:
            raise self._explain(exc) from None
        new_entry = {"last": new_last, "running": sorted(still_running)}
        if new_entry != {"last": last, "running": sorted(running)}:
            state["jobs"][job.name] = new_entry
            yield Page(
                records=[],
                cursor=json.dumps(state, sort_keys=True),
                requests=self._spent(requests_before) + extra_requests,
                waits_s=self.client.stats.wait_s - waits_before,
            )

    def _build_records(self, job: JobRef, build: Mapping[str, Any]) -> list[Record]:
        number = int(build["number"])
        describe: Mapping[str, Any] | None = None
        if "WorkflowRun" in str(build.get("_class", "")):
            resp = self._get(f"{job.path}/{number}/wfapi/describe", ok=(404,))
            if resp.status == 200:
                describe = self._body(resp, "stages")
        repo = self.repo_for(job.name)
        info = parse_build(
            self.source,
            job.name,
            build,
            base_url=self.client.url_for(job.path),
            describe=describe,
            unstable=self.unstable,
            repo=repo,
        )
        stages = parse_stages(self.source, job.name, number, describe, self.unstable, build=info) if describe else ()
        records: list[Record] = [info.run, *stages, *info.commits]
        records.extend(
            deployments_for_build(
                info,
                stages,
                repo=repo,
                deployment=self.deployment,
                production=self.production,
                environment=self.deployment_environment,
            )
        )
        return records

    # -- helpers --

    def _body(self, resp: Any, key: str) -> Mapping[str, Any]:
        return object_body(resp.json(), source=self.source, system="Jenkins", resp=resp, key=key)

    def _spent(self, before: int) -> int:
        return self.client.stats.requests - before

    def _get(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        try:
            return self.client.get(path, params, **kw)
        except HttpError as exc:
            raise self._explain(exc) from None

    def _explain(self, exc: HttpError) -> ConnectorError:
        if exc.status == 403:
            who = f"user {self.user!r} with this API token" if self.user else "anonymous access (no user set)"
            return HttpError(
                f"{self.source}: Jenkins refused {who} (403, not retried). Jenkins answers 403 — never 401 — "
                f"for a wrong user or API token as well as for a missing permission (Overall/Read, Job/Read). "
                f"Check `user` and `flowdeck auth set {self.source}`. ({exc})",
                status=403,
            )
        return exc

    def _load_cursor(self, cursor: str | None) -> dict[str, Any]:
        if not cursor:
            return {"jobs": {}}
        try:
            data = json.loads(cursor)
        except ValueError:
            raise ConnectorError(f"{self.source}: the stored Jenkins cursor is not JSON; reset the source") from None
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
            raise ConnectorError(f"{self.source}: the stored Jenkins cursor has an unknown shape; reset the source")
        return data


def _is_number(value: Any) -> bool:
    """Whether ``value`` is a build number (a whole JSON number; never a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _environment_option(value: Any, where: str) -> str | None:
    """The ``deployment_environment`` option: a short non-empty text, or None when not set."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ConfigError(
            f"{where}: deployment_environment: expected an environment name such as "
            f'"production" (at most 200 characters), got {value!r}'
        )
    return value.strip()


def _is_building(build: Mapping[str, Any]) -> bool:
    return bool(build.get("building")) or (build.get("result") is None and not build.get("duration"))
