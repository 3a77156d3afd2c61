"""What every GitLab stream reader shares: instant helpers and :class:`GitLabBase`.

:class:`GitLabBase` declares the attributes :class:`~data.connectors.gitlab.connector.GitLabConnector` sets up
and holds the page and path helpers the pipelines, deployments and tickets readers
(:mod:`data.connectors.gitlab.pipelines`, :mod:`data.connectors.gitlab.deployments`,
:mod:`data.connectors.gitlab.tickets`) build on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from data.connectors.http.response import quote_path
from data.connectors.paged import PagedReader, instant, iso_z

__all__ = ["GitLabBase"]


# The readers import these under their short historical names.
_t = instant
_iso = iso_z


class GitLabBase(PagedReader):
    """The connector's state as the stream readers use it, and their shared helpers."""

    source: str
    status_labels: dict[str, str]
    status_scope: str
    incident_labels: set[str]
    lookback: timedelta
    per_page: int
    production: re.Pattern[str]
    production_tiers: set[str]
    keyset: bool
    now: Callable[[], datetime]

    def _p(self, project: str) -> str:
        return f"/projects/{quote_path(project)}"
