"""Which connector class serves which source ``kind``; classes are imported only when used.

Every connector class has the constructor
``(source: SourceConfig, token: str | None, *, client: HttpClient | None = None, **kw)``.
"""

from __future__ import annotations

import importlib
from typing import Any

from data.config.model import SourceConfig
from data.connectors.base import Connector, ConnectorError

__all__ = ["CONNECTORS", "connector_class", "make_connector"]

#: kind -> "module:Class" (lazy, so a GitHub-only user never imports the Jira code)
CONNECTORS: dict[str, str] = {
    "github": "data.connectors.github.connector:GitHubConnector",
    "gitlab": "data.connectors.gitlab.connector:GitLabConnector",
    "jenkins": "data.connectors.jenkins.connector:JenkinsConnector",
    "jira": "data.connectors.jira.connector:JiraConnector",
    "cctray": "data.connectors.cctray:CCTrayConnector",
}


def connector_class(kind: str) -> type[Any]:
    """The connector class for ``kind``; a ConnectorError names unknown or missing kinds."""
    target = CONNECTORS.get(kind)
    if target is None:
        raise ConnectorError(f"no connector for source kind {kind!r}; known kinds: {', '.join(sorted(CONNECTORS))}")
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConnectorError(f"the {kind} connector is not available in this build: {exc}") from None
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ConnectorError(f"the {kind} connector module has no class {class_name}")
    return cls  # type: ignore[no-any-return]


def make_connector(source: SourceConfig, token: str | None, **kw: Any) -> Connector:
    """Build the connector for ``source`` (``kw`` goes to the constructor: ``client=``, ``clock=``...)."""
    return connector_class(source.kind)(source, token, **kw)  # type: ignore[no-any-return]
