"""CCTray feed connector (``cc.xml`` / ``cctray.xml`` from Jenkins, GoCD, CircleCI, Concourse, Drone…).

A feed only shows each project's *last* build, so history is built by polling (one stream,
``status``, one page per poll):

* A project seen for the first time → one completed run for its ``lastBuildLabel``.
* A new ``lastBuildLabel`` (or, for GoCD stage re-runs, the same label with a new
  ``lastBuildTime``) → that build finished: a completed run, result from ``lastBuildStatus``
  (Success → success, Failure/Exception → failure, anything else → unknown).
* ``activity="Building"`` → a running run. Its id is the *predicted* next label: the last label
  + 1 when the label is a number, else the literal ``next``. When the build ends (Building →
  Sleeping) the new label's run is completed, started at the instant Building was first seen; a
  prediction that turned out wrong (label not a counter, builds skipped) is closed with result
  ``skipped`` so no phantom stays "running" forever.
* Builds that start and finish between two polls are seen only as their final label.

Times without a zone (GoCD writes ``2014-10-07T12:51:38``) are read in the source's ``timezone``
option (default UTC); ``0001-01-01T00:00:00`` (.NET's ``DateTime.MinValue``, CruiseControl.NET's
"never built") and times that are no instant in that zone are no time at all. GoCD's
``<messages><message kind="Breakers" text="…"/>`` becomes ``PipelineRun.author`` (who broke it).
XML is parsed with ``defusedxml``: entity declarations (billion laughs, external entities) are
refused before any expansion.

Deployments: with ``deployment_pattern`` (a regex over project names) each completed build of a
matching project is also a :class:`~data.records.Deployment` (id ``project#label``) to
``deployment_environment`` (default ``production``), for teams whose deployments are GoCD stages,
TeamCity configurations or Jenkins freestyle jobs. Success → success, Failure/Exception → failure,
Unknown → cancelled: the feed does not say how that build ended, so it counts neither as a
success nor as a failure in the success rate. A running build is no deployment yet
(its label is only a prediction); a build finished without a ``lastBuildTime`` is taken to have
finished at the poll that saw it (on the first poll of a project: no finish). ``repo`` (a name, or a
table of project glob = repo) says which repository the deployments belong to (default: the
project name).

Projects whose name or label is longer than the store's columns (500 / 100 characters) are skipped
with a note: they would not fit, and their state must not bloat the cursor.

Cursor (JSON): ``{"projects": {name: {"label", "time", "status", "activity", "since", "running"}},
"etags": {...}}`` — the ETag/Last-Modified validators make an idle poll a 304 with no body.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from data.config.model import ConfigError, SourceConfig
from data.connectors.base import ConnectorError, Page
from data.connectors.http.client import HttpClient
from data.connectors.http.etag import ETagCache
from data.records import Deployment, PipelineRun, Record

__all__ = ["CCTrayConnector", "FeedProject", "parse_feed"]

log = logging.getLogger(__name__)

_RESULTS = {"success": "success", "failure": "failure", "exception": "failure"}
_ACTIVITIES = {"sleeping", "building", "checkingmodifications", "pending"}
_DEPLOY_STATUS = {"success": "success", "failure": "failure", "unknown": "cancelled"}
# The store's column sizes for a run's pipeline and id (the event-file limits; a connector knows no
# store, so they are written out here and tests/connectors/test_cctray_deploys.py holds them equal).
NAME_LIMIT = 500
LABEL_LIMIT = 100


@dataclass(frozen=True, slots=True)
class FeedProject:
    """One ``<Project>`` of a feed, tolerant of missing attributes (``unknown`` for unknown values)."""

    name: str
    activity: str  # sleeping | building | checkingmodifications | pending | unknown
    status: str  # success | failure | exception | unknown
    label: str | None
    time: datetime | None
    url: str | None
    breakers: str | None


def _time(value: str | None, zone: tzinfo) -> datetime | None:
    if not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # CCNet writes 7 fractional digits; Python takes at most 6.
    text = re.sub(r"\.(\d{6})\d+", r".\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.year <= 1:
        return None  # .NET's DateTime.MinValue: CruiseControl.NET's "never built"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):  # 9999-12-31T23:59:59 west of UTC is no instant
        return None


def parse_feed(xml: str | bytes, *, zone: tzinfo = UTC, where: str = "feed") -> list[FeedProject]:
    """A CCTray document → projects. Raises :class:`ConnectorError` naming ``where`` for bad or hostile XML."""
    try:
        root = fromstring(xml, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ConnectorError(
            f"{where}: the feed declares XML entities ({type(exc).__name__}); refused (billion-laughs / external "
            "entity protection)"
        ) from None
    except ParseError as exc:
        raise ConnectorError(f"{where}: not a well-formed CCTray XML document: {exc}") from None
    if root.tag != "Projects":
        raise ConnectorError(f"{where}: not a CCTray feed: the root element is <{root.tag}>, expected <Projects>")
    out: list[FeedProject] = []
    for el in root:
        if el.tag != "Project" or not el.get("name"):
            continue  # unknown children are ignored, as the spec asks
        activity = (el.get("activity") or "").strip().lower()
        status = (el.get("lastBuildStatus") or "").strip().lower()
        breakers = [m.get("text") for m in el.iter("message") if (m.get("kind") or "").lower() == "breakers"]
        out.append(
            FeedProject(
                name=str(el.get("name")),
                activity=activity if activity in _ACTIVITIES else "unknown",
                status=status if status in ("success", "failure", "exception") else "unknown",
                label=(el.get("lastBuildLabel") or "").strip() or None,
                time=_time(el.get("lastBuildTime"), zone),
                url=el.get("webUrl") or None,
                breakers=", ".join(b for b in breakers if b) or None,
            )
        )
    return out


def _predict(label: str | None) -> str:
    # isdecimal + isascii: "²".isdigit() is true and int("²") fails.
    return str(int(label) + 1) if label is not None and label.isascii() and label.isdecimal() else "next"


def _regex(value: Any, where: str) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: expected a regular expression over project names, got {value!r}")
    try:
        return re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{where}: not a valid regular expression: {exc}") from None


def _environment(value: Any, where: str) -> str:
    if value is None:
        return "production"
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ConfigError(
            f'{where}: expected an environment name such as "production" (at most 200 characters), got {value!r}'
        )
    return value.strip()


def _repo(value: Any, where: str) -> str | dict[str, str] | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return dict(value)
    raise ConfigError(f"{where}: expected a repository name or a table of project glob = repo, got {value!r}")


class CCTrayConnector:
    """Polls a CCTray feed and turns state changes into pipeline runs (one stream: ``status``)."""

    def __init__(self, source: SourceConfig, token: str | None, *, client: HttpClient | None = None, **kw: Any) -> None:
        self.source = source.name
        opts = source.options
        tz_name = opts.get("timezone", "UTC")
        try:
            self.zone: tzinfo = ZoneInfo(str(tz_name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"source {source.name!r}: timezone: unknown time zone {tz_name!r}") from None
        user = opts.get("user")
        if client is None:
            # Feeds are usually open; some servers want Basic auth (user + token) or a Bearer token.
            if user and token:
                client = HttpClient.from_source(source, None, auth=(str(user), token), **kw)
            else:
                client = HttpClient.from_source(source, token, **kw)
        self.client = client
        self.url = source.url
        where = f"source {source.name!r}"
        self.deployment = _regex(opts.get("deployment_pattern"), f"{where}: deployment_pattern")
        self.environment = _environment(opts.get("deployment_environment"), f"{where}: deployment_environment")
        self.repo = _repo(opts.get("repo"), f"{where}: repo")

    def streams(self) -> Sequence[str]:
        """One stream: ``status``."""
        return ("status",)

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    def test_connection(self) -> str:
        """Fetch and parse the feed once."""
        projects = parse_feed(self.client.get(self.url).body, zone=self.zone, where=self.source)
        return f"CCTray feed with {len(projects)} project(s)"

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """One poll: a page with the runs implied by what changed since the last poll."""
        if stream != "status":
            raise ConnectorError(f"{self.source}: unknown stream {stream!r}")
        state = _load(cursor)
        etags = ETagCache.from_json(state.get("etags"))
        before = self.client.stats.requests
        resp = self.client.get(self.url, etags=etags)
        if resp.not_modified:
            return  # nothing changed: no records, cursor unchanged
        projects = parse_feed(resp.body, zone=self.zone, where=self.source)
        old: dict[str, Any] = state["projects"]
        new: dict[str, Any] = {}
        records: list[Record] = []
        notes: list[str] = []
        for p in projects:
            too_long = self._too_long(p)
            if too_long:
                notes.append(too_long)
                log.warning("%s/status: %s", self.source, too_long)
                continue
            prev = old.get(p.name)
            entry, runs = self._step(p, prev)
            new[p.name] = entry
            records.extend(runs)
        # Projects gone from the feed are forgotten; their last runs stay in the store.
        new_state = {"projects": new, "etags": etags.to_json()}
        if records or notes or new_state != {"projects": old, "etags": state.get("etags") or {}}:
            yield Page(
                records=records,
                cursor=json.dumps(new_state, sort_keys=True),
                requests=self.client.stats.requests - before,
                notes=tuple(notes),
            )

    def _too_long(self, p: FeedProject) -> str | None:
        """Why a project cannot be stored (a name or label longer than the store's columns), or None."""
        if len(p.name) > NAME_LIMIT:
            return f"project {p.name[:60]!r}… skipped: its name is {len(p.name):,} characters (at most {NAME_LIMIT})"
        if p.label is not None and len(p.label) > LABEL_LIMIT:
            return (
                f"project {p.name[:60]!r} skipped: its build label is {len(p.label):,} characters "
                f"(at most {LABEL_LIMIT})"
            )
        return None

    def repo_for(self, project: str) -> str:
        """The repository a project's deployments belong to (``repo`` option, else the project name)."""
        if isinstance(self.repo, str):
            return self.repo
        if isinstance(self.repo, dict):
            for glob, repo in self.repo.items():
                if fnmatch.fnmatchcase(project, glob):
                    return repo
        return project

    def _deployment(self, p: FeedProject, run: PipelineRun, first_sight: bool) -> Deployment | None:
        """The deployment a completed build of a ``deployment_pattern`` project is, else None."""
        if self.deployment is None or not self.deployment.search(p.name) or run.result not in _DEPLOY_STATUS:
            return None
        finished = run.finished_at
        if finished is None and not first_sight:
            # The feed gave no time: the build finished by the poll that saw it.
            finished = datetime.fromtimestamp(self.client.clock.time(), UTC)
        return Deployment(
            source=self.source,
            repo=self.repo_for(p.name),
            id=f"{p.name}#{run.id}",
            environment=self.environment,
            status=_DEPLOY_STATUS[run.result],
            started_at=run.started_at,
            finished_at=finished,
            url=run.url,
        )

    def _run(self, p: FeedProject, run_id: str, **kw: Any) -> PipelineRun:
        return PipelineRun(source=self.source, pipeline=p.name, id=run_id, url=p.url, author=p.breakers, **kw)

    def _step(self, p: FeedProject, prev: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[Record]]:
        time = p.time.isoformat() if p.time else None
        building = p.activity == "building"
        runs: list[Record] = []
        since = prev.get("since") if prev else None
        running_id = prev.get("running") if prev else None
        changed = prev is None or (p.label, time) != (prev.get("label"), prev.get("time"))
        if changed and p.label is not None:
            started = datetime.fromisoformat(since) if since else None
            done = self._run(
                p,
                p.label,
                status="completed",
                result=_RESULTS.get(p.status, "unknown"),
                started_at=started,
                finished_at=p.time,
            )
            runs.append(done)
            deployment = self._deployment(p, done, first_sight=prev is None)
            if deployment is not None:
                runs.append(deployment)
            if running_id and running_id != p.label:
                runs.append(self._run(p, running_id, status="completed", result="skipped"))
            running_id, since = None, None
        if building:
            if running_id is None:
                running_id = _predict(p.label)
                # The poll instant, from the client's clock (tests use a fake one).
                since = datetime.fromtimestamp(self.client.clock.time(), UTC).isoformat()
                runs.append(self._run(p, running_id, status="running", started_at=datetime.fromisoformat(since)))
        elif running_id is not None:
            # Building → Sleeping without a new label: the build left no result.
            runs.append(self._run(p, running_id, status="completed", result="skipped"))
            running_id, since = None, None
        entry = {
            "label": p.label,
            "time": time,
            "status": p.status,
            "activity": p.activity,
            "since": since,
            "running": running_id,
        }
        return entry, runs


def _load(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {"projects": {}, "etags": {}}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {"projects": {}, "etags": {}}
    if not isinstance(data, dict) or not isinstance(data.get("projects"), dict):
        return {"projects": {}, "etags": {}}
    return {"projects": data["projects"], "etags": data.get("etags") or {}}
