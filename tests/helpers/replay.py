"""Recorded HTTP exchanges (PyGithub ``tests/ReplayData/*.txt``) served by the :class:`FakeServer`.

A ReplayData file holds 11 lines per exchange: protocol, method, host, port, path (with query),
request headers, request body, status, response-header list (a Python literal), body, blank line
(fixtures README §2). Usage::

    exchanges = load(fixtures_dir, "WorkflowRun.test_jobs")
    with FakeServer() as srv:
        serve(srv, exchanges)                      # GET of a recorded path answers as recorded
        serve(srv, load(fixtures_dir, "Repository.testGetDeployments"), by_query=True)

By default a request matches a recorded exchange by method and path, whatever its query: the
connector asks ``/actions/runs?created=...&per_page=50`` where PyGithub asked ``/actions/runs``,
and the recorded answer is the same listing. A path recorded several times is answered in order,
the last answer repeating. Hop-by-hop headers (the recorded ``Content-Encoding: gzip``,
``Content-Length`` of the compressed body) are dropped, and ``https://api.github.com`` in the
headers (``Link``) points at the fake server instead.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.helpers.server import FakeServer, Reply, Req

__all__ = ["Exchange", "load", "serve", "serve_json"]

REPLAY_DIR = "pygithub/tests/ReplayData"
ORIGIN = "https://api.github.com"
_HOP = {"transfer-encoding", "content-length", "content-encoding", "connection", "status"}


@dataclass(frozen=True)
class Exchange:
    """One recorded request and its response."""

    method: str
    host: str
    path: str  # as requested: path and query
    status: int
    headers: dict[str, str]
    body: str

    @property
    def route_path(self) -> str:
        """The path without its query."""
        return urlsplit(self.path).path

    def json(self) -> Any:
        """The recorded body, decoded."""
        return json.loads(self.body)

    def reply(self, base_url: str, origin: str = ORIGIN) -> Reply:
        """The recorded response as the fake server sends it (hop headers dropped, origin rewritten)."""
        headers = {k: v.replace(origin, base_url) for k, v in self.headers.items() if k.lower() not in _HOP}
        return Reply(status=self.status, body=self.body.encode(), headers=headers)


def load(fixtures_dir: Path, name: str) -> list[Exchange]:
    """The exchanges of ``ReplayData/<name>.txt``, in recorded order."""
    lines = (fixtures_dir / REPLAY_DIR / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    out: list[Exchange] = []
    for i in range(0, len(lines) - 9, 11):
        if not lines[i].strip():
            break
        headers = {str(k): str(v) for k, v in ast.literal_eval(lines[i + 8])}
        out.append(Exchange(lines[i + 1], lines[i + 2], lines[i + 4], int(lines[i + 7]), headers, lines[i + 9]))
    return out


def find(exchanges: list[Exchange], path_regex: str) -> Exchange:
    """The one exchange whose path (query excluded) fully matches ``path_regex``."""
    hits = [e for e in exchanges if re.fullmatch(path_regex, e.route_path)]
    if len(hits) != 1:
        raise LookupError(f"{len(hits)} recorded exchanges match {path_regex!r}")
    return hits[0]


def serve(srv: FakeServer, exchanges: list[Exchange], *, by_query: bool = False, origin: str = ORIGIN) -> None:
    """Answer each recorded GET path with its recorded response(s); ``by_query`` also matches the query."""
    by_path: dict[str, list[Exchange]] = {}
    for ex in exchanges:
        by_path.setdefault(ex.route_path, []).append(ex)
    for path, recorded in by_path.items():
        queue = list(recorded)

        def handler(req: Req, queue: list[Exchange] = queue) -> Reply:
            candidates = [e for e in queue if not by_query or e.path == req.raw_path]
            if not candidates:
                return Reply.json({"message": f"not recorded: {req.raw_path}"}, status=404)
            ex = candidates[0]
            if len(queue) > 1 and not by_query:
                queue.remove(ex)  # in order; the last one repeats
            return ex.reply(srv.url, origin)

        srv.route(recorded[0].method, re.escape(path), handler)


def serve_json(srv: FakeServer, path_regex: str, payload: Any, headers: dict[str, str] | None = None) -> None:
    """Answer ``path_regex`` with ``payload``. For what the recordings lack; each use says so."""
    srv.route("GET", path_regex, Reply.json(payload, headers=headers))
