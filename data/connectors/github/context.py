"""What the GitHub stream readers share beyond :class:`~data.connectors.context.ReaderContext`: the re-scan.

:class:`~data.connectors.github.connector.GitHubConnector` builds one :class:`GitHubContext` and hands it
to its runs, deployments and tickets readers (:mod:`data.connectors.github.runs`,
:mod:`data.connectors.github.deployments`, :mod:`data.connectors.github.tickets`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from data.connectors.context import ReaderContext, instant

__all__ = ["GitHubContext", "midnight"]


def midnight(value: datetime) -> datetime:
    """The start of ``value``'s (UTC) day."""
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(slots=True)
class GitHubContext(ReaderContext):
    """A GitHub connector's client, options and clock; ``rescan`` is how far back each sync re-reads."""

    rescan: timedelta

    def scan_start(self, cur: Mapping[str, Any]) -> datetime:
        """Where a listing starts: ``rescan`` before the day the cursor is done to, else ``lookback`` ago."""
        done_to = instant(cur.get("done_to"))
        return midnight(done_to - self.rescan if done_to else self.now() - self.options.lookback)
