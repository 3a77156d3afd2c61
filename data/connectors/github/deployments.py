"""GitHub deployments and the commits they carried: the ``deployments`` stream of
:class:`~data.connectors.github.connector.GitHubConnector`.

Deployments are read newest first down to the re-scan bound, with their statuses (conditional
requests); between consecutive successful production deployments the compare API gives the
commits carried (DeploymentCommit + Commit).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from data.connectors.base import Page
from data.connectors.context import instant, iso_z
from data.connectors.github.context import GitHubContext, midnight
from data.connectors.http.etag import ETagCache
from data.connectors.http.response import HttpError
from data.connectors.payload import item_errors, need_id, obj, text, whole
from data.records import Commit, Deployment, DeploymentCommit, Record

__all__ = ["GitHubDeployments"]


@dataclass(frozen=True, slots=True)
class GitHubDeployments:
    """The ``deployments`` stream reader."""

    ctx: GitHubContext

    def read(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        """Pages of ``repo``'s deployments (and the commits they carried) after the cursor ``cur``."""
        etags = ETagCache.from_json(cur.get("etags"), limit=2000)
        bound = self.ctx.scan_start(cur)
        prod_ok: dict[str, list[str]] = dict(cur.get("prod_ok") or {})  # id -> [sha, finished_at]
        changed: list[Deployment] = []
        records: list[Record] = []
        done = False
        for resp in self.ctx.client.iter_link_pages(
            f"/repos/{repo}/deployments", {"per_page": self.ctx.options.per_page}
        ):
            where = self.ctx.where(resp)
            for d in self.ctx.items(resp):
                with item_errors(f"{where}: deployment {d.get('id')!r}"):
                    created = instant(d.get("created_at"))
                did = need_id(d, "id", where)
                if created is not None and created < bound:
                    done = True
                    break
                statuses = self.ctx.client.get(
                    f"/repos/{repo}/deployments/{did}/statuses", {"per_page": 100}, etags=etags
                )
                if statuses.not_modified:
                    continue
                dep = self.map_deployment(repo, d, self.ctx.items(statuses))
                records.append(dep)
                changed.append(dep)
                if dep.status == "success" and self._is_production(d):
                    prod_ok[dep.id] = [dep.sha or "", iso_z(dep.finished_at or created or self.ctx.now())]
            if records:
                yield self.ctx.page(records, None)
                records = []
            if done:
                break
        records += self._compare(repo, changed, prod_ok)
        # Keep only what the next re-scan may need as the "previous" production deployment.
        newest = sorted(prod_ok.items(), key=lambda kv: kv[1][1])[-200:]
        yield self.ctx.page(
            records, {"done_to": iso_z(midnight(self.ctx.now())), "etags": etags.to_json(), "prod_ok": dict(newest)}
        )

    def _is_production(self, d: Mapping[str, Any]) -> bool:
        production = self.ctx.options.production
        return bool(d.get("production_environment")) or bool(production.search(str(d.get("environment"))))

    def _environment(self, d: Mapping[str, Any]) -> str:
        """The environment name, or ``production`` for one GitHub flags ``production_environment`` whose
        name the ``production`` pattern does not know (so the streams' default pattern counts it)."""
        name = text(d.get("environment")) or ""
        if d.get("production_environment") and not self.ctx.options.production.search(name):
            return "production"
        return name

    def map_deployment(self, repo: str, d: Mapping[str, Any], statuses: Sequence[Mapping[str, Any]]) -> Deployment:
        """One deployment: finished by its first ``success`` (or ``failure``/``error``) status."""
        where = f"{self.ctx.source}: GitHub {repo}: deployment {d.get('id')!r}"
        with item_errors(where):
            # Typed keys: one status with text where the others have numbers must not break the sort.
            ordered = sorted(statuses, key=lambda s: (str(s.get("created_at") or ""), whole(s.get("id"), 0)))
            state, finished = "running", None
            for s in ordered:
                st = str(s.get("state") or "").lower()
                if st == "success":
                    state, finished = "success", instant(s.get("created_at"))
                    break
                if st in ("failure", "error"):
                    state, finished = "failure", instant(s.get("created_at"))
                    break
            return Deployment(
                source=self.ctx.source,
                repo=repo,
                id=need_id(d, "id", where),
                environment=self._environment(d),
                status=state,
                sha=text(d.get("sha")),
                ref=text(d.get("ref")),
                started_at=instant(d.get("created_at")),
                finished_at=finished,
                url=text(d.get("url")),
            )

    def _compare(self, repo: str, changed: list[Deployment], prod_ok: dict[str, list[str]]) -> list[Record]:
        """Commits between each newly successful production deployment and the one before it."""
        order = sorted(prod_ok.items(), key=lambda kv: kv[1][1])
        out: list[Record] = []
        new_ids = {d.id for d in changed if d.id in prod_ok}
        for i, (dep_id, (sha, _)) in enumerate(order):
            if dep_id not in new_ids or not sha:
                continue
            out.append(DeploymentCommit(self.ctx.source, dep_id, sha))
            if i == 0:
                continue
            base = order[i - 1][1][0]
            if not base or base == sha:
                continue
            try:
                for resp in self.ctx.client.iter_link_pages(f"/repos/{repo}/compare/{base}...{sha}", {"per_page": 100}):
                    where = self.ctx.where(resp)
                    for c in self.ctx.items(resp, "commits"):
                        info = obj(c.get("commit"))
                        author = obj(info.get("author"))
                        commit_sha = need_id(c, "sha", where)
                        with item_errors(f"{where}: commit {commit_sha}"):
                            authored = instant(author.get("date"))
                        out.append(DeploymentCommit(self.ctx.source, dep_id, commit_sha))
                        out.append(
                            Commit(
                                self.ctx.source,
                                repo,
                                commit_sha,
                                str(info.get("message") or ""),
                                text(author.get("name")),
                                authored,
                            )
                        )
            except HttpError as exc:
                if exc.status != 404:  # 404 "No common ancestor" (force push): unresolvable, not fatal
                    raise
        return out
