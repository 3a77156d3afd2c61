"""Fake Jenkins, Jira and CCTray servers for connector tests, built on :class:`tests.helpers.server.FakeServer`.

Each builder registers routes that answer like the real API (paging, ranges, tokens) from plain
Python data — typically rows replayed from the recorded DevLake / stage-view fixtures.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.helpers.server import FakeServer, Reply, Req

csv.field_size_limit(1 << 30)

JENKINS = "devlake/backend/plugins/jenkins/e2e"
JIRA = "devlake/backend/plugins/jira/e2e"


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A DevLake CSV as dicts."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def raw_rows(path: Path) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """A DevLake ``_raw_*`` table: ``(data as JSON, the row)`` per CSV row."""
    return [(json.loads(r["data"]), r) for r in csv_rows(path)]


# --- Jenkins ------------------------------------------------------------------------------------


@dataclass
class FakeJenkins:
    """A Jenkins with folders, jobs, builds (``allBuilds{M,N}``) and ``wfapi/describe`` per build.

    ``jobs`` maps a full name ``a/b/c`` to its builds (any order; served newest first);
    ``describes`` maps ``(full name, number)`` to a ``wfapi/describe`` body. ``user``/``token`` make
    every request without that Basic auth answer 403 (as Jenkins does). ``max_range`` clamps ranges
    (a server answering fewer builds than asked).
    """

    jobs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    describes: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    user: str | None = None
    token: str | None = None
    max_range: int | None = None
    #: Folder full names rendered as multibranch projects (only the ``_class`` differs).
    multibranch: set[str] = field(default_factory=set)

    def install(self, srv: FakeServer) -> None:
        """Register the routes on ``srv``."""
        srv.route("GET", r"(/job/[^/]+)*/api/json", self._api)
        srv.route("GET", r"(/job/[^/]+)+/(\d+)/wfapi/describe", self._describe)

    def _authorised(self, req: Req) -> bool:
        if self.user is None:
            return True
        import base64

        want = "Basic " + base64.b64encode(f"{self.user}:{self.token}".encode()).decode()
        return req.headers.get("Authorization") == want

    @staticmethod
    def _names(path: str) -> list[str]:
        # /job/a/job/b%252Fc/api/json -> ["a", "b%2Fc"]: one decoding, as Jenkins does
        return [unquote(p) for p in re.findall(r"/job/([^/]+)", path)]

    def _forbidden(self) -> Reply:
        return Reply.text(
            "<html><head><title>Error 403</title></head><body>Forbidden</body></html>",
            status=403,
            content_type="text/html",
            headers={"X-Jenkins": "2.440.1"},
        )

    def _api(self, req: Req) -> Reply:
        if not self._authorised(req):
            return self._forbidden()
        names = self._names(req.path)
        full = "/".join(unquote(n) for n in names)
        tree = req.arg("tree") or ""
        if full in self.jobs:
            if not tree.startswith("allBuilds"):
                return Reply.json({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": names[-1]})
            m = re.search(r"\{(\d+),(\d+)\}$", tree)
            lo, hi = (int(m.group(1)), int(m.group(2))) if m else (0, 10**9)
            if self.max_range is not None:
                hi = min(hi, lo + self.max_range)
            builds = sorted(self.jobs[full], key=lambda b: -int(b["number"]))
            return Reply.json({"_class": "x", "allBuilds": builds[lo:hi]}, headers={"X-Jenkins": "2.440.1"})
        prefix = f"{full}/" if full else ""
        children: dict[str, bool] = {}
        for name in self.jobs:
            if name.startswith(prefix):
                rest = name[len(prefix) :].split("/")
                children[rest[0]] = children.get(rest[0], False) or len(rest) > 1
        if full and not children:
            return Reply.json({"message": "no such job"}, status=404)
        items = []
        for child, is_folder in children.items():
            child_full = prefix + child
            if is_folder:
                cls = (
                    "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject"
                    if child_full in self.multibranch
                    else "com.cloudbees.hudson.plugins.folder.Folder"
                )
                items.append({"_class": cls, "name": child, "jobs": [{"name": "x"}]})
            else:
                items.append({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": child})
        return Reply.json({"_class": "hudson.model.Hudson", "jobs": items}, headers={"X-Jenkins": "2.440.1"})

    def _describe(self, req: Req) -> Reply:
        if not self._authorised(req):
            return self._forbidden()
        m = re.fullmatch(r"((?:/job/[^/]+)+)/(\d+)/wfapi/describe", req.path)
        assert m
        full = "/".join(self._names(m.group(1)))
        body = self.describes.get((full, int(m.group(2))))
        if body is None:
            return Reply.json({"message": "no describe"}, status=404)
        return Reply.json(body)


def devlake_multibranch(fixtures_dir: Path) -> FakeJenkins:
    """DevLake's genuine multibranch recording as a FakeJenkins: builds and stages per branch job."""
    base = fixtures_dir / JENKINS / "raw_tables"
    fake = FakeJenkins(multibranch={"github_org/devlake-jenkins"})
    for data, row in raw_rows(base / "_raw_jenkins_api_builds_multibranch.csv"):
        full = json.loads(row["input"])["FullName"]
        fake.jobs.setdefault(full, []).append(data)
    for data, row in raw_rows(base / "_raw_jenkins_api_stages_multibranch.csv"):
        full, number = json.loads(row["input"])["FullName"].rsplit("#", 1)
        d = fake.describes.setdefault((full, int(number)), {"id": number, "name": f"#{number}", "stages": []})
        d["stages"].append(data)
    return fake


def synthetic_builds(n: int, *, start_ms: int = 1_700_000_000_000, running: Iterable[int] = ()) -> list[dict[str, Any]]:
    """``n`` freestyle builds numbered 1..n, an hour apart, 60 s each; ``running`` ones still building."""
    run = set(running)
    out = []
    for i in range(1, n + 1):
        building = i in run
        out.append(
            {
                "_class": "hudson.model.FreeStyleBuild",
                "number": i,
                "result": None if building else ("FAILURE" if i % 10 == 0 else "SUCCESS"),
                "building": building,
                "timestamp": start_ms + i * 3_600_000,
                "duration": 0 if building else 60_000,
                "actions": [
                    {
                        "_class": "hudson.plugins.git.util.BuildData",
                        "lastBuiltRevision": {"SHA1": f"{i:040x}", "branch": [{"name": "origin/main"}]},
                    }
                ],
            }
        )
    return out


# --- Jira ---------------------------------------------------------------------------------------


def jira_statuses(fixtures_dir: Path) -> list[dict[str, Any]]:
    """DevLake's recorded ``/rest/api/2/status`` list (53 statuses, Chinese and English)."""
    return [d for d, _ in raw_rows(fixtures_dir / JIRA / "raw_tables" / "_raw_jira_api_status.csv")]


def jira_issues(fixtures_dir: Path) -> list[dict[str, Any]]:
    """DevLake's 33 recorded issues with embedded changelogs."""
    return [d for d, _ in raw_rows(fixtures_dir / JIRA / "raw_tables" / "_raw_jira_api_issues.csv")]


@dataclass
class FakeJira:
    """Jira Cloud (``/rest/api/3/search/jql`` + ``nextPageToken``) or DC (``/rest/api/2/search`` + ``startAt``).

    ``issues`` are served in list order, filtered by ``updated >= <epoch ms>`` in the JQL when present.
    ``changelogs`` maps an issue key to its FULL history list (served by ``/issue/{key}/changelog``);
    ``embed_limit`` truncates the embedded ``changelog.histories`` to the NEWEST ``embed_limit``
    entries, as Jira does. ``page_size`` clamps ``maxResults``. ``token_loop`` makes Cloud repeat a token.
    """

    issues: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    cloud: bool = True
    page_size: int = 50
    embed_limit: int = 100
    changelogs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    token_loop: bool = False
    jqls: list[str] = field(default_factory=list)
    on_search: Callable[[Req], Reply | None] | None = None

    @property
    def v(self) -> str:
        """The REST API version the flavour uses."""
        return "3" if self.cloud else "2"

    def install(self, srv: FakeServer) -> None:
        """Register the routes on ``srv``."""
        # Cloud serves v2 and v3 side by side; Data Center only v2.
        srv.route(
            "GET",
            r"/rest/api/[23]/status" if self.cloud else r"/rest/api/2/status",
            lambda r: Reply.json(self.statuses),
        )
        srv.route("GET", rf"/rest/api/{self.v}/myself", lambda r: Reply.json({"displayName": "Li", "name": "li"}))
        srv.route(
            "GET",
            rf"/rest/api/{self.v}/serverInfo",
            lambda r: Reply.json(
                {
                    "version": "10.3.0" if not self.cloud else "1001.0.0",
                    "deploymentType": "Cloud" if self.cloud else "Server",
                }
            ),
        )
        if self.cloud:
            srv.route("GET", r"/rest/api/3/search/jql", self._search_cloud)
            gone = "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."
            srv.route("GET", r"/rest/api/[23]/search", Reply.json({"errorMessages": [gone]}, status=410))
        else:
            srv.route("GET", r"/rest/api/2/search", self._search_dc)
        srv.route("GET", rf"/rest/api/{self.v}/issue/([^/]+)/changelog", self._changelog)

    def _matching(self, req: Req) -> list[dict[str, Any]]:
        from data.timeutil import parse_instant

        jql = req.arg("jql") or ""
        self.jqls.append(jql)
        m = re.search(r"updated\s*>=\s*(-?\d+)", jql)
        since = int(m.group(1)) if m else None

        def ms(i: dict[str, Any]) -> float:
            return parse_instant(i["fields"]["updated"]).timestamp() * 1000

        chosen = [i for i in self.issues if since is None or ms(i) >= since]
        # ORDER BY updated ASC, as the connector asks
        return sorted(chosen, key=ms) if "order by updated" in jql.lower() else chosen

    def _shape(self, issue: dict[str, Any]) -> dict[str, Any]:
        out = dict(issue)
        cl = issue.get("changelog")
        if cl is not None:
            full = self.changelogs.get(issue["key"], cl.get("histories", []))
            newest = sorted(full, key=lambda h: h["created"])[-self.embed_limit :] if self.embed_limit else []
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(newest),
                "total": len(full),
                "histories": list(reversed(newest)),
            }
        return out

    def _search_cloud(self, req: Req) -> Reply:
        if self.on_search is not None:
            override = self.on_search(req)
            if override is not None:
                return override
        items = self._matching(req)
        size = min(int(req.arg("maxResults") or 50), self.page_size)
        start = int(req.arg("nextPageToken") or "0") if not self.token_loop else 0
        if self.token_loop and req.arg("nextPageToken"):
            start = size
        page = items[start : start + size]
        body: dict[str, Any] = {"issues": [self._shape(i) for i in page], "isLast": start + size >= len(items)}
        if start + size < len(items):
            body["nextPageToken"] = str(start + size)
        return Reply.json(body)

    def _search_dc(self, req: Req) -> Reply:
        if self.on_search is not None:
            override = self.on_search(req)
            if override is not None:
                return override
        items = self._matching(req)
        size = min(int(req.arg("maxResults") or 50), self.page_size)
        start = int(req.arg("startAt") or 0)
        page = items[start : start + size]
        return Reply.json(
            {"startAt": start, "maxResults": size, "total": len(items), "issues": [self._shape(i) for i in page]}
        )

    def _changelog(self, req: Req) -> Reply:
        key = unquote(req.path.split("/")[-2])
        issue = next((i for i in self.issues if i["key"] == key or i["id"] == key), None)
        if issue is None:
            return Reply.json({"errorMessages": ["Issue does not exist"]}, status=404)
        full = sorted(
            self.changelogs.get(issue["key"], issue.get("changelog", {}).get("histories", [])),
            key=lambda h: h["created"],
        )
        start = int(req.arg("startAt") or 0)
        size = min(int(req.arg("maxResults") or 100), 100)
        values = full[start : start + size]
        return Reply.json(
            {
                "startAt": start,
                "maxResults": size,
                "total": len(full),
                "isLast": start + len(values) >= len(full),
                "values": values,
            }
        )


def issue(
    key: str,
    *,
    created: str,
    updated: str,
    status: tuple[str, str] = ("10033", "To Do"),
    histories: list[dict[str, Any]] | None = None,
    issuetype: str = "Story",
    labels: Iterable[str] = (),
    resolutiondate: str | None = None,
    summary: str | None = None,
) -> dict[str, Any]:
    """A minimal Jira issue as search returns it (with ``expand=changelog``)."""
    h = histories or []
    return {
        "id": str(abs(hash(key)) % 10**6),
        "key": key,
        "fields": {
            "summary": summary or f"Issue {key}",
            "created": created,
            "updated": updated,
            "issuetype": {"name": issuetype},
            "labels": list(labels),
            "status": {"id": status[0], "name": status[1]},
            "resolutiondate": resolutiondate,
        },
        "changelog": {"startAt": 0, "maxResults": len(h), "total": len(h), "histories": h},
    }


def status_history(hid: int, created: str, frm: tuple[str, str], to: tuple[str, str]) -> dict[str, Any]:
    """One changelog history with a single status item."""
    return {
        "id": str(hid),
        "created": created,
        "author": {"displayName": "Li"},
        "items": [
            {
                "field": "status",
                "fieldtype": "jira",
                "fieldId": "status",
                "from": frm[0],
                "fromString": frm[1],
                "to": to[0],
                "toString": to[1],
            }
        ],
    }


# --- CCTray -------------------------------------------------------------------------------------


def cctray_feed(projects: Iterable[Mapping[str, str]]) -> str:
    """A ``<Projects>`` document from attribute dicts."""
    from xml.sax.saxutils import quoteattr

    rows = "".join("  <Project " + " ".join(f"{k}={quoteattr(v)}" for k, v in p.items()) + "/>\n" for p in projects)
    return f"<Projects>\n{rows}</Projects>\n"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Projects><Project name="&lol9;" activity="Sleeping" lastBuildStatus="Success" lastBuildLabel="1"/></Projects>
"""
