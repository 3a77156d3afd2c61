"""GitHub (github.com and GitHub Enterprise Server ``https://HOST/api/v3``) → Flowdeck records.

Streams, one cursor each per repository (``runs:owner/repo`` ...; FM-12):

* ``runs`` — workflow runs listed by ``created`` window (bisected until each window has < 1,000
  results, the search cap), every attempt (earlier ones via ``/attempts/{n}``) and every job
  (``filter=all``, paged). Each sync re-scans the last ``rescan_days`` (default 30: runs can be
  re-run for 30 days) with conditional requests, so unchanged pages cost a 304 and write nothing.
* ``deployments`` — newest first down to the re-scan bound; statuses per deployment (conditional):
  finish = first ``success`` status, ``failure``/``error`` → failed. Between consecutive successful
  production deployments the compare API gives the commits carried (DeploymentCommit + Commit).
* ``pulls`` — ``sort=updated&direction=desc`` stopping at the cursor (no ``since`` exists); first
  commit, first review by someone other than the author, merge.
* ``issues`` — ``since`` + ascending ``updated`` (pull requests skipped); events turn
  labeled/unlabeled (through ``status_labels``) and closed/reopened into status changes; issues with
  an ``incident_labels`` label are incidents.

Source options: ``repos`` (required), ``status_labels`` (label → status), ``incident_labels``
(default ``["incident"]``), ``lookback_days`` (first sync, default 180), ``rescan_days`` (30),
``per_page`` (50; DevLake lowered runs to 30 after oversized bodies), ``production`` (environment
regex; a deployment flagged ``production_environment`` always counts).

The connector owns one reader per concern, all given one :class:`~data.connectors.github.context.GitHubContext`
(client, options, clock): :mod:`data.connectors.github.runs` (runs and jobs),
:mod:`data.connectors.github.deployments` (deployments, compare) and :mod:`data.connectors.github.tickets`
(pull requests, issues).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from data.config.model import SourceConfig
from data.connectors.base import ConnectorError, Page
from data.connectors.context import StreamOptions, split_stream, stream_names
from data.connectors.cursor import load_cursor
from data.connectors.github.context import GitHubContext
from data.connectors.github.deployments import GitHubDeployments
from data.connectors.github.runs import GitHubRuns
from data.connectors.github.tickets import GitHubTickets
from data.connectors.http.client import HttpClient
from data.timeutil import utc_now

__all__ = [
    "GitHubConnector",
]

KINDS = ("issues", "pulls", "runs", "deployments")


class GitHubConnector:
    """Reads workflow runs, jobs, deployments, pull requests and issues of the configured repositories."""

    def __init__(
        self,
        source: SourceConfig,
        token: str | None,
        *,
        client: HttpClient | None = None,
        now: Callable[[], datetime] = utc_now,
        **kw: Any,
    ) -> None:
        self.source = source.name
        self.config = source
        opts = source.options
        self.repos: list[str] = [str(r) for r in opts.get("repos", [])]
        if not self.repos:
            raise ConnectorError(f'{source.name}: no repos configured (repos = ["owner/name"])')
        # Public like every HTTP connector's: data.sync.run sets ``client.cancel`` (ends waits and requests in flight).
        self.client = client or HttpClient.from_source(
            source,
            token,
            auth_scheme="Bearer",
            headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
            **kw,
        )
        self.ctx = GitHubContext(
            source=source.name,
            system="GitHub",
            client=self.client,
            options=StreamOptions.parse(opts, per_page=50),
            now=now,
            rescan=timedelta(days=float(opts.get("rescan_days", 30))),
        )
        self.runs = GitHubRuns(self.ctx)
        self.deployments = GitHubDeployments(self.ctx)
        self.tickets = GitHubTickets(self.ctx)

    # -- the Connector protocol --

    def streams(self) -> Sequence[str]:
        """``kind:owner/repo`` for every kind and repository."""
        return stream_names(KINDS, self.repos)

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Pages of one stream after ``cursor``."""
        kind, repo = split_stream(self.source, stream, KINDS, self.repos)
        self.ctx.restart()
        readers = {
            "runs": self.runs.read,
            "deployments": self.deployments.read,
            "pulls": self.tickets.read_pulls,
            "issues": self.tickets.read_issues,
        }
        yield from readers[kind](repo, load_cursor(cursor))

    def test_connection(self) -> str:
        """Check the first repository is visible with the token."""
        body = self.ctx.object(self.ctx.client.get(f"/repos/{self.repos[0]}"), "full_name", str)
        return f"{self.config.url}: {body.get('full_name', self.repos[0])} is visible"

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()
