"""GitLab deployments and the commits they carried: the ``deployments`` stream of
:class:`~data.connectors.gitlab.connector.GitLabConnector`.

Production is an environment ``tier`` in ``production_tiers`` or a name matching the
``production`` pattern; the compare API gives the commits between consecutive successful
production deployments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data.connectors.gitlab.context import GitLabBase, _iso, _t
from data.connectors.http.response import HttpError
from data.connectors.payload import item_errors, need, need_id, obj, text
from data.records import Commit, Deployment, DeploymentCommit, Record
from data.timeutil import parse_instant

__all__ = ["GitLabDeployments"]

_DEPLOY = {"success": "success", "failed": "failure", "canceled": "cancelled"}


class GitLabDeployments(GitLabBase):
    """The ``deployments`` stream's mapper."""

    def _deployment_records(self, project: str, d: Mapping[str, Any], prod_ok: dict[str, list[str]]) -> list[Record]:
        """The deployment; for a successful production one also the commits since the previous one."""
        dep = self._map_deployment(project, d)
        out: list[Record] = [dep]
        if dep.status == "success" and self._is_production(d) and dep.sha:
            out += self._compare(project, dep, prod_ok)
            with item_errors(f"{self.source}: GitLab {project}: deployment {dep.id}"):
                updated = _t(d.get("updated_at")) or parse_instant(need(d, "created_at", dep.id))
            prod_ok[dep.id] = [dep.sha, _iso(dep.finished_at or updated)]
        return out

    def _is_production(self, d: Mapping[str, Any]) -> bool:
        env = obj(d.get("environment"))
        tier = str(env.get("tier") or "").lower()
        return tier in self.production_tiers or bool(self.production.search(str(env.get("name") or "")))

    def _environment(self, d: Mapping[str, Any]) -> str:
        """The environment name, or ``production`` for a production-tier environment whose name the
        ``production`` pattern does not know (``live``, ``eu-west``): the record has no tier field."""
        env = obj(d.get("environment"))
        name = str(env.get("name") or "")
        if str(env.get("tier") or "").lower() in self.production_tiers and not self.production.search(name):
            return "production"
        return name

    def _map_deployment(self, project: str, d: Mapping[str, Any]) -> Deployment:
        where = f"{self.source}: GitLab {project}: deployment {d.get('id')!r}"
        job = obj(d.get("deployable"))
        status = _DEPLOY.get(str(d.get("status") or "").lower(), "running")
        with item_errors(where):
            finished = None
            if status != "running":
                finished = _t(job.get("finished_at")) or _t(d.get("updated_at"))
            return Deployment(
                source=self.source,
                repo=project,
                id=need_id(d, "id", where),
                environment=self._environment(d),
                status=status,
                sha=text(d.get("sha")),
                ref=text(d.get("ref")),
                started_at=_t(job.get("started_at")) or _t(d.get("created_at")),
                finished_at=finished,
                url=text(job.get("web_url")),
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
            resp = self.client.get(f"{self._p(project)}/repository/compare", {"from": base, "to": dep.sha})
        except HttpError as exc:
            if exc.status == 404:  # a rewritten history: unresolvable, not fatal
                return out
            raise
        where = self._where(resp)
        for c in self._object(resp, "commits").get("commits") or []:
            sha = need_id(c, "id", where)
            with item_errors(f"{where}: commit {sha}"):
                authored = _t(c.get("authored_date"))
            out.append(DeploymentCommit(self.source, dep.id, sha))
            out.append(
                Commit(self.source, project, sha, str(c.get("message") or ""), text(c.get("author_name")), authored)
            )
        return out
