"""What the GitLab stream readers share beyond :class:`~data.connectors.context.ReaderContext`.

:class:`~data.connectors.gitlab.connector.GitLabConnector` builds one :class:`GitLabContext` and hands it
to its pipelines, deployments and tickets mappers (:mod:`data.connectors.gitlab.pipelines`,
:mod:`data.connectors.gitlab.deployments`, :mod:`data.connectors.gitlab.tickets`).
"""

from __future__ import annotations

from dataclasses import dataclass

from data.connectors.context import ReaderContext
from data.connectors.http.response import quote_path

__all__ = ["GitLabContext", "project_path"]


def project_path(project: str) -> str:
    """The API path of a project: a numeric id or ``group/name`` (encoded as one segment)."""
    return f"/projects/{quote_path(project)}"


@dataclass(slots=True)
class GitLabContext(ReaderContext):
    """A GitLab connector's client, options and clock, with the options only GitLab has.

    ``status_scope``: the scoped-label scope that names statuses (``workflow``); ``production_tiers``:
    the environment tiers (lower case) whose deployments count as production.
    """

    status_scope: str
    production_tiers: frozenset[str]
