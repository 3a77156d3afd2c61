"""A small GitLab v4 fake: pipelines (+jobs with retries), deployments (+compare), merge requests
(+commits, notes), issues (+state and label events); offset paging with Link and x-next-page."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from data.config.model import SourceConfig
from data.connectors.gitlab.connector import GitLabConnector
from data.connectors.http.limits import FakeClock
from data.timeutil import parse_instant
from tests.helpers.server import FakeServer, Reply, Req

PROJECT = "bank/mobile"
ENC = quote(PROJECT, safe="")
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
T = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def dataset() -> dict[str, Any]:
    pipelines, jobs = [], {}
    for i in range(7):
        created = T + timedelta(days=2 * i)
        status = ["success", "failed", "success", "canceled", "success", "success", "running"][i]
        pipelines.append(
            {
                "id": 500 + i,
                "sha": f"s{i}",
                "ref": "main",
                "status": status,
                "created_at": iso(created),
                "updated_at": iso(created + timedelta(minutes=20)),
                "web_url": f"https://gl/p/{500 + i}",
            }
        )
        names = ["build", "test", "test"] if i == 1 else ["build", "test"]  # pipeline 501 retried "test"
        jobs[500 + i] = [
            {
                "id": 9000 + 10 * i + k,
                "name": n,
                "status": "failed" if (i == 1 and k == 1) else ("running" if status == "running" else "success"),
                "created_at": iso(created + timedelta(minutes=k)),
                "started_at": iso(created + timedelta(minutes=k + 1)),
                "finished_at": None if status == "running" else iso(created + timedelta(minutes=k + 5)),
            }
            for k, n in enumerate(names)
        ]
    commits = [
        {"id": f"c{i}", "message": f"PAY-{i}", "author_name": "li", "authored_date": iso(T + timedelta(hours=i))}
        for i in range(1, 7)
    ]
    deployments = []
    for n, (sha, env, tier, status) in enumerate(
        [
            ("c1", "prod", "production", "success"),
            ("c2", "live", "production", "failed"),
            ("c4", "live", "production", "success"),
            ("c5", "staging", "staging", "success"),
        ]
    ):
        created = T + timedelta(days=3 + 3 * n)
        deployments.append(
            {
                "id": 70 + n,
                "sha": sha,
                "ref": "main",
                "status": status,
                "created_at": iso(created),
                "updated_at": iso(created + timedelta(minutes=9)),
                "environment": {"name": env, "tier": tier},
                "deployable": {
                    "started_at": iso(created + timedelta(minutes=1)),
                    "finished_at": iso(created + timedelta(minutes=8)),
                    "web_url": "j",
                },
            }
        )
    mrs, mr_commits, notes = [], {}, {}
    for n in range(1, 5):
        created = T + timedelta(days=n)
        mrs.append(
            {
                "iid": n,
                "title": f"PAY-{n}",
                "author": {"username": "li"},
                "created_at": iso(created),
                "updated_at": iso(created + timedelta(hours=8)),
                "merged_at": iso(created + timedelta(hours=8)),
                "merge_commit_sha": f"m{n}",
                "source_branch": f"f{n}",
                "target_branch": "main",
                "web_url": "u",
            }
        )
        mr_commits[n] = [
            {"id": "a", "authored_date": iso(created - timedelta(hours=1))},
            {"id": "b", "authored_date": iso(created - timedelta(hours=3))},
        ]
        notes[n] = [
            {"system": True, "author": {"username": "wu"}, "created_at": iso(created + timedelta(hours=1))},
            {"system": False, "author": {"username": "li"}, "created_at": iso(created + timedelta(hours=2))},
            {"system": False, "author": {"username": "wu"}, "created_at": iso(created + timedelta(hours=4))},
        ]
    issues, state_ev, label_ev = [], {}, {}
    for n in range(1, 6):
        created = T + timedelta(days=n)
        issues.append(
            {
                "iid": n,
                "title": f"issue {n}",
                "created_at": iso(created),
                "state": "opened",
                "updated_at": iso(created + timedelta(hours=9)),
                "labels": [],
                "issue_type": "issue",
                "closed_at": None,
                "web_url": "u",
            }
        )
        state_ev[n], label_ev[n] = [], []
    issues[1].update(state="closed", closed_at=iso(T + timedelta(days=2, hours=6)), labels=["workflow::done-ish"])
    label_ev[2] = [
        {"action": "add", "label": {"name": "workflow::in review"}, "created_at": iso(T + timedelta(days=2, hours=1))},
        {
            "action": "remove",
            "label": {"name": "workflow::in review"},
            "created_at": iso(T + timedelta(days=2, hours=3)),
        },
        {"action": "add", "label": {"name": "workflow::done-ish"}, "created_at": iso(T + timedelta(days=2, hours=3))},
    ]
    state_ev[2] = [{"state": "closed", "created_at": iso(T + timedelta(days=2, hours=6))}]
    issues[3]["issue_type"] = "incident"
    return {
        "pipelines": pipelines,
        "jobs": jobs,
        "commits": commits,
        "deployments": deployments,
        "mrs": mrs,
        "mr_commits": mr_commits,
        "notes": notes,
        "issues": issues,
        "state_ev": state_ev,
        "label_ev": label_ev,
    }


def expected(st: dict[str, Any]) -> dict[str, int]:
    # issue 2: Open, In Review, Done Ish (the scoped swap at one instant is one move), Closed; 4 other Opens
    return {
        "pipeline_runs": 7,
        "job_runs": sum(len(v) for v in st["jobs"].values()),
        "deployments": 4,
        # d70: own sha; d72: own sha + compare(c1..c4) = c2, c3, c4
        "deployment_commits": 4,
        "commits": 3,
        "changes": 4,
        "work_items": 5,
        "status_changes": 4 + 4,
        "incidents": 1,
    }


def _etagged(req: Req, reply: Reply) -> Reply:
    """GitLab (Rack) answers GETs with a weak ETag of the body and 304 to a matching If-None-Match."""
    etag = 'W/"' + hashlib.md5(reply.body).hexdigest() + '"'
    if req.headers.get("If-None-Match") == etag:
        return Reply(status=304, headers={"ETag": etag})
    reply.headers["ETag"] = etag
    return reply


def _keyset(srv: FakeServer, req: Req, items: list[Any]) -> Reply:
    """Keyset pages: only ``Link rel=next`` with an opaque ``cursor`` (no x-next-page), as GitLab does."""
    per = int(req.arg("per_page", "20") or 20)
    start = int(base64.urlsafe_b64decode(req.arg("cursor") or "MA==").decode())  # "0"
    chunk = items[start : start + per]
    headers = {}
    if start + per < len(items):
        q = {k: v[0] for k, v in req.query.items()}
        q["cursor"] = base64.urlsafe_b64encode(str(start + per).encode()).decode()
        headers["Link"] = f'<{srv.url}{req.raw_path.split("?")[0]}?{urlencode(q)}>; rel="next"'
    return _etagged(req, Reply.json(chunk, headers=headers))


def _paged(srv: FakeServer, req: Req, items: list[Any]) -> Reply:
    if req.arg("pagination") == "keyset":
        return _keyset(srv, req, items)
    per = int(req.arg("per_page", "20") or 20)
    page = int(req.arg("page", "1") or 1)
    chunk = items[(page - 1) * per : page * per]
    headers = {"x-page": str(page)}
    if page * per < len(items):
        q = {k: v[0] for k, v in req.query.items()}
        q["page"] = str(page + 1)
        headers["x-next-page"] = str(page + 1)
        headers["Link"] = f'<{srv.url}{req.raw_path.split("?")[0]}?{urlencode(q)}>; rel="next"'
    return _etagged(req, Reply.json(chunk, headers=headers))


def _updated(req: Req, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert (req.arg("order_by"), req.arg("sort")) == ("updated_at", "asc")
    after = parse_instant(req.arg("updated_after") or "1970-01-01T00:00:00Z")
    sel = [i for i in items if parse_instant(i["updated_at"]) > after]
    return sorted(sel, key=lambda i: (i["updated_at"], i.get("iid", i.get("id"))))


def install(srv: FakeServer, st: dict[str, Any]) -> None:
    base = f"/api/v4/projects/{ENC}"  # the path stays encoded: group%2Fname

    def num(req: Req, back: int = 2) -> int:
        return int(req.path.split("/")[-back])

    def compare(req: Req) -> Reply:
        shas = [c["id"] for c in st["commits"]]
        a, b = req.arg("from"), req.arg("to")
        if a not in shas or b not in shas:
            return Reply.json({"message": "404 Not found"}, status=404)
        return Reply.json({"commits": st["commits"][shas.index(a) + 1 : shas.index(b) + 1]})

    def jobs(req: Req) -> Reply:
        assert req.arg("include_retried") == "true"
        return _paged(srv, req, st["jobs"][num(req)])

    srv.route("GET", base + "/pipelines", lambda r: _paged(srv, r, _updated(r, st["pipelines"])))
    srv.route("GET", base + r"/pipelines/\d+/jobs", jobs)
    srv.route("GET", base + "/deployments", lambda r: _paged(srv, r, _updated(r, st["deployments"])))
    srv.route("GET", base + "/repository/compare", compare)
    srv.route("GET", base + "/merge_requests", lambda r: _paged(srv, r, _updated(r, st["mrs"])))
    srv.route("GET", base + r"/merge_requests/\d+/commits", lambda r: _paged(srv, r, st["mr_commits"][num(r)]))
    srv.route("GET", base + r"/merge_requests/\d+/notes", lambda r: _paged(srv, r, st["notes"][num(r)]))
    srv.route("GET", base + "/issues", lambda r: _paged(srv, r, _updated(r, st["issues"])))
    srv.route(
        "GET", base + r"/issues/\d+/resource_state_events", lambda r: _paged(srv, r, st["state_ev"].get(num(r), []))
    )
    srv.route(
        "GET", base + r"/issues/\d+/resource_label_events", lambda r: _paged(srv, r, st["label_ev"].get(num(r), []))
    )


def connector(url: str, token: str | None, state: Any = None, **options: Any) -> GitLabConnector:
    opts = {"projects": [PROJECT], "per_page": 3, **options}
    cfg = SourceConfig(name="gitlab", kind="gitlab", url=url, options=opts)
    return GitLabConnector(cfg, token, now=lambda: NOW, clock=FakeClock())
