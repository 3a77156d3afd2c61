"""GitLab deployments and the commits they carried: the ``deployments`` stream of
:class:`~data.connectors.gitlab.connector.GitLabConnector`.

Production is an environment ``tier`` in ``production_tiers`` or a name matching the
``production`` pattern; the compare API gives the commits between consecutive successful
production deployments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from data.connectors.context import instant, iso_z
from data.connectors.gitlab.context import GitLabContext, project_path
from data.connectors.http.response import HttpError
from data.connectors.payload import item_errors, need, need_id, obj, text
from data.records import Commit, Deployment, DeploymentCommit, Record
from data.timeutil import parse_instant

__all__ = ["GitLabDeployments"]

_DEPLOY = {"success": "success", "failed": "failure", "canceled": "cancelled"}


@dataclass(frozen=True, slots=True)
class GitLabDeployments:
    """The ``deployments`` stream's mapper."""

    ctx: GitLabContext

    def deployment_records(self, project: str, d: Mapping[str, Any], prod_ok: dict[str, list[str]]) -> list[Record]:
        """The deployment; for a successful production one also the commits since the previous one."""
        dep = self._map_deployment(project, d)
        out: list[Record] = [dep]
        if dep.status == "success" and self._is_production(d) and dep.sha:
            out += self._compare(project, dep, prod_ok)
            with item_errors(f"{self.ctx.source}: GitLab {project}: deployment {dep.id}"):
                updated = instant(d.get("updated_at")) or parse_instant(need(d, "created_at", dep.id))
            prod_ok[dep.id] = [dep.sha, iso_z(dep.finished_at or updated)]
        return out

    def _is_production(self, d: Mapping[str, Any]) -> bool:
        env = obj(d.get("environment"))
        tier = str(env.get("tier") or "").lower()
        return tier in self.ctx.production_tiers or bool(self.ctx.options.production.search(str(env.get("name") or "")))

    def _environment(self, d: Mapping[str, Any]) -> str:
        """The environment name, or ``production`` for a production-tier environment whose name the
        ``production`` pattern does not know (``live``, ``eu-west``): the record has no tier field."""
        env = obj(d.get("environment"))
        name = str(env.get("name") or "")
        production = self.ctx.options.production
        if str(env.get("tier") or "").lower() in self.ctx.production_tiers and not production.search(name):
            return "production"
        return name

    def _map_deployment(self, project: str, d: Mapping[str, Any]) -> Deployment:
        where = f"{self.ctx.source}: GitLab {project}: deployment {d.get('id')!r}"
        job = obj(d.get("deployable"))
        status = _DEPLOY.get(str(d.get("status") or "").lower(), "running")
        with item_errors(where):
            finished = None
            if status != "running":
                finished = instant(job.get("finished_at")) or instant(d.get("updated_at"))
            return Deployment(
                source=self.ctx.source,
                repo=project,
                id=need_id(d, "id", where),
                environment=self._environment(d),
                status=status,
                sha=text(d.get("sha")),
                ref=text(d.get("ref")),
                started_at=instant(job.get("started_at")) or instant(d.get("created_at")),
                finished_at=finished,
                url=text(job.get("web_url")),
            )

    def _compare(self, project: str, dep: Deployment, prod_ok: dict[str, list[str]]) -> list[Record]:
        out: list[Record] = [DeploymentCommit(self.ctx.source, dep.id, str(dep.sha))]
        earlier = [v for k, v in prod_ok.items() if k != dep.id and v[1] <= iso_z(dep.finished_at or self.ctx.now())]
        if not earlier:
            return out
        base = max(earlier, key=lambda v: v[1])[0]
        if base == dep.sha:
            return out
        try:
            resp = self.ctx.client.get(f"{project_path(project)}/repository/compare", {"from": base, "to": dep.sha})
        except HttpError as exc:
            if exc.status == 404:  # a rewritten history: unresolvable, not fatal
                return out
            raise
        where = self.ctx.where(resp)
        for c in self.ctx.object(resp, "commits").get("commits") or []:
            sha = need_id(c, "id", where)
            with item_errors(f"{where}: commit {sha}"):
                authored = instant(c.get("authored_date"))
            out.append(DeploymentCommit(self.ctx.source, dep.id, sha))
            out.append(
                Commit(self.ctx.source, project, sha, str(c.get("message") or ""), text(c.get("author_name")), authored)
            )
        return out
