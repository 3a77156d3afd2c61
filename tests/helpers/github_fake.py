"""A small GitHub REST fake on the FakeServer: runs (+attempts, jobs), deployments (+statuses, compare),
pulls (+commits, reviews), issues (+events), with Link paging, ETags/304 and the filters the connector uses."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from data.config.model import SourceConfig
from data.connectors.github.connector import GitHubConnector
from data.connectors.http.limits import FakeClock
from data.timeutil import parse_instant
from tests.helpers.server import FakeServer, Reply, Req

REPO = "bank/mobile"
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
PER_PAGE = 3


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def dataset() -> dict[str, Any]:
    """Hand-built: 7 runs (one with 2 attempts, one in progress), 5 deployments, 5 PRs, 6 issues."""
    t = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    runs, attempts, jobs = [], {}, {}
    for i in range(7):
        rid = 101 + i
        created = t + timedelta(days=3 * i)
        run = {
            "id": rid,
            "name": "CI",
            "run_attempt": 1,
            "status": "completed",
            "conclusion": "success",
            "created_at": iso(created),
            "updated_at": iso(created + timedelta(minutes=10)),
            "run_started_at": iso(created + timedelta(minutes=1)),
            "head_sha": f"sha{i}",
            "head_branch": "main",
            "html_url": f"https://github.example/{REPO}/actions/runs/{rid}",
            "actor": {"login": "li"},
        }
        if i == 2:  # attempt 1 failed, attempt 2 succeeded
            attempts[(rid, 1)] = {**run, "conclusion": "failure", "updated_at": iso(created + timedelta(minutes=5))}
            run = {**run, "run_attempt": 2, "run_started_at": iso(created + timedelta(minutes=30))}
        if i == 6:
            run = {**run, "status": "in_progress", "conclusion": None}
        runs.append(run)
        jobs[rid] = []
        for attempt in range(1, run["run_attempt"] + 1):
            for j, name in enumerate(("build", "deploy")):
                start = created + timedelta(minutes=2 + 30 * (attempt - 1) + 3 * j)
                done = run["status"] == "completed"
                jobs[rid].append(
                    {
                        "id": rid * 100 + attempt * 10 + j,
                        "run_id": rid,
                        "run_attempt": attempt,
                        "name": name,
                        "status": "completed" if done else "in_progress",
                        "conclusion": ("failure" if (i == 2 and attempt == 1 and j == 1) else "success")
                        if done
                        else None,
                        "created_at": iso(start),
                        "started_at": iso(start + timedelta(seconds=20)),
                        "completed_at": iso(start + timedelta(minutes=2)) if done else None,
                    }
                )
    commits = [
        {
            "sha": f"c{i}",
            "commit": {"message": f"PAY-{i} change", "author": {"name": "li", "date": iso(t + timedelta(hours=i))}},
        }
        for i in range(1, 9)
    ]
    deployments, statuses = [], {}
    plan = [
        (1, "production", "c2", ["pending", "success"]),
        (2, "production", "c3", ["failure"]),
        (3, "production", "c5", ["in_progress", "success"]),
        (4, "production", "c7", ["in_progress"]),
        (5, "staging", "c8", ["success"]),
    ]
    for n, (did, env, sha, states) in enumerate(plan):
        created = t + timedelta(days=2 + 4 * n)
        deployments.append(
            {
                "id": did,
                "sha": sha,
                "ref": "main",
                "environment": env,
                "created_at": iso(created),
                "url": f"https://api.example/deployments/{did}",
            }
        )
        statuses[did] = [
            {"id": did * 10 + k, "state": s, "created_at": iso(created + timedelta(minutes=5 * (k + 1)))}
            for k, s in enumerate(states)
        ]
    pulls, pr_commits, reviews = [], {}, {}
    for n in range(1, 6):
        created = t + timedelta(days=n)
        pulls.append(
            {
                "number": n,
                "title": f"PAY-{n} feature",
                "user": {"login": "li"},
                "created_at": iso(created),
                "updated_at": iso(created + timedelta(days=1)),
                "merged_at": iso(created + timedelta(days=1)) if n != 4 else None,
                "merge_commit_sha": f"m{n}",
                "head": {"ref": f"feature/PAY-{n}"},
                "base": {"ref": "main"},
                "html_url": f"https://github.example/{REPO}/pull/{n}",
            }
        )
        pr_commits[n] = [
            {"sha": f"p{n}a", "commit": {"author": {"date": iso(created - timedelta(hours=5))}}},
            {"sha": f"p{n}b", "commit": {"author": {"date": iso(created - timedelta(hours=2))}}},
        ]
        reviews[n] = [
            {"user": {"login": "li"}, "submitted_at": iso(created + timedelta(hours=1))},  # self: ignored
            {"user": {"login": "wu"}, "submitted_at": iso(created + timedelta(hours=3))},
        ]
    issues, events = [], {}
    for n in range(11, 17):
        created = t + timedelta(days=n - 10)
        issue = {
            "number": n,
            "title": f"issue {n}",
            "created_at": iso(created),
            "updated_at": iso(created + timedelta(hours=6)),
            "state": "open",
            "closed_at": None,
            "labels": [],
            "html_url": f"https://github.example/{REPO}/issues/{n}",
        }
        events[n] = []
        if n == 12:
            issue["state"], issue["closed_at"] = "closed", iso(created + timedelta(hours=5))
            events[n] = [
                {
                    "id": 1,
                    "event": "labeled",
                    "label": {"name": "status: in review"},
                    "created_at": iso(created + timedelta(hours=1)),
                },
                {"id": 2, "event": "subscribed", "created_at": iso(created + timedelta(hours=2))},
                {
                    "id": 3,
                    "event": "unlabeled",
                    "label": {"name": "status: in review"},
                    "created_at": iso(created + timedelta(hours=3)),
                },
                {"id": 4, "event": "closed", "created_at": iso(created + timedelta(hours=5))},
            ]
        if n == 14:
            issue["labels"] = [{"name": "Incident"}]
            issue["state"], issue["closed_at"] = "closed", iso(created + timedelta(hours=4))
            events[n] = [{"id": 5, "event": "closed", "created_at": iso(created + timedelta(hours=4))}]
        if n == 15:
            issue["pull_request"] = {"url": "x"}  # a PR in the issues listing: skipped
        issues.append(issue)
    return {
        "runs": runs,
        "attempts": attempts,
        "jobs": jobs,
        "commits": commits,
        "deployments": deployments,
        "statuses": statuses,
        "pulls": pulls,
        "pr_commits": pr_commits,
        "reviews": reviews,
        "issues": issues,
        "events": events,
    }


def expected(state: dict[str, Any]) -> dict[str, int]:
    """Rows per table the connector must store for ``state``."""
    runs = sum(r["run_attempt"] for r in state["runs"])
    jobs = sum(len(v) for v in state["jobs"].values())
    issues = [i for i in state["issues"] if "pull_request" not in i]
    # Open at creation + labeled->In Review + unlabeled->Open + closed (issue 12); + closed (issue 14).
    status_changes = len(issues) + 3 + 1
    return {
        "pipeline_runs": runs,
        "job_runs": jobs,
        "deployments": len(state["deployments"]),
        # d1: its own sha; d3: c3, c4, c5 from compare(c2...c5) -> 4 links, 3 commits.
        "deployment_commits": 4,
        "commits": 3,
        "changes": len(state["pulls"]),
        "work_items": len(issues),
        "status_changes": status_changes,
        "incidents": 1,
    }


def _etagged(req: Req, payload: Any, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(payload, sort_keys=True)
    etag = '"' + hashlib.sha1(body.encode()).hexdigest() + '"'
    if req.headers.get("If-None-Match") == etag:
        return Reply(status=304, headers={"ETag": etag})
    return Reply.json(payload, headers={"ETag": etag, **(headers or {})})


def _paged(srv: FakeServer, req: Req, items: list[Any], wrap: str | None = None, **extra: Any) -> Reply:
    per = int(req.arg("per_page", "30") or 30)
    page = int(req.arg("page", "1") or 1)
    chunk = items[(page - 1) * per : page * per]
    headers = {}
    if page * per < len(items):
        q = {k: v[0] for k, v in req.query.items()}
        q["page"] = str(page + 1)
        headers["Link"] = f'<{srv.url}{req.path}?{urlencode(q)}>; rel="next"'
    payload: Any = {wrap: chunk, "total_count": len(items), **extra} if wrap else chunk
    return _etagged(req, payload, headers)


def install(srv: FakeServer, st: dict[str, Any]) -> None:
    """Routes serving ``st`` (mutations of ``st`` show up on the next request)."""
    base = f"/repos/{REPO}"

    def runs(req: Req) -> Reply:
        created = req.arg("created") or ""
        lo, _, hi = created.partition("..")
        lo = lo.removeprefix(">=")
        sel = [
            r
            for r in st["runs"]
            if parse_instant(r["created_at"]) >= parse_instant(lo)
            and (not hi or parse_instant(r["created_at"]) <= parse_instant(hi))
        ]
        sel.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
        return _paged(srv, req, sel, "workflow_runs")

    def run_jobs(req: Req) -> Reply:
        rid = int(req.path.split("/")[-2])
        return _paged(srv, req, st["jobs"].get(rid, []), "jobs")

    def attempt(req: Req) -> Reply:
        m = re.search(r"/runs/(\d+)/attempts/(\d+)$", req.path)
        assert m
        return Reply.json(st["attempts"][(int(m.group(1)), int(m.group(2)))])

    def one_run(req: Req) -> Reply:
        rid = int(req.path.rsplit("/", 1)[1])
        run = next((r for r in st["runs"] if r["id"] == rid), None)
        return _etagged(req, run) if run else Reply.json({"message": "Not Found"}, status=404)

    def deployments(req: Req) -> Reply:
        return _paged(srv, req, sorted(st["deployments"], key=lambda d: d["created_at"], reverse=True))

    def statuses(req: Req) -> Reply:
        did = int(req.path.split("/")[-2])
        return _etagged(req, sorted(st["statuses"][did], key=lambda s: s["created_at"], reverse=True))

    def compare(req: Req) -> Reply:
        base_sha, head_sha = req.path.rsplit("/", 1)[-1].split("...")
        shas = [c["sha"] for c in st["commits"]]
        if base_sha not in shas or head_sha not in shas:
            return Reply.json({"message": "No common ancestor"}, status=404)
        return _paged(srv, req, st["commits"][shas.index(base_sha) + 1 : shas.index(head_sha) + 1], "commits")

    def pulls(req: Req) -> Reply:
        assert (req.arg("sort"), req.arg("direction")) == ("updated", "desc")
        return _paged(srv, req, sorted(st["pulls"], key=lambda p: (p["updated_at"], p["number"]), reverse=True))

    def issues(req: Req) -> Reply:
        since = req.arg("since")
        sel = [i for i in st["issues"] if not since or parse_instant(i["updated_at"]) >= parse_instant(since)]
        return _paged(srv, req, sorted(sel, key=lambda i: (i["updated_at"], i["number"])))

    srv.route("GET", base + "/actions/runs", runs)
    srv.route("GET", base + r"/actions/runs/\d+/jobs", run_jobs)
    srv.route("GET", base + r"/actions/runs/\d+/attempts/\d+", attempt)
    srv.route("GET", base + r"/actions/runs/\d+", one_run)
    srv.route("GET", base + "/deployments", deployments)
    srv.route("GET", base + r"/deployments/\d+/statuses", statuses)
    srv.route("GET", base + r"/compare/[^/]+", compare)
    srv.route("GET", base + "/pulls", pulls)
    srv.route("GET", base + r"/pulls/\d+/commits", lambda r: Reply.json(st["pr_commits"][int(r.path.split("/")[-2])]))
    srv.route("GET", base + r"/pulls/\d+/reviews", lambda r: _paged(srv, r, st["reviews"][int(r.path.split("/")[-2])]))
    srv.route("GET", base + "/issues", issues)
    srv.route(
        "GET", base + r"/issues/\d+/events", lambda r: _paged(srv, r, st["events"].get(int(r.path.split("/")[-2]), []))
    )
    srv.route("GET", base, Reply.json({"full_name": REPO}))


def source_config(url: str, **options: Any) -> SourceConfig:
    opts = {"repos": [REPO], "per_page": PER_PAGE, "status_labels": {"status: in review": "In Review"}, **options}
    return SourceConfig(name="github", kind="github", url=url, options=opts)


def connector(
    url: str, token: str | None, state: Any = None, *, now: datetime = NOW, **options: Any
) -> GitHubConnector:
    return GitHubConnector(source_config(url, **options), token, now=lambda: now, clock=FakeClock())
