"""GitLab merge requests and issues: the ``merge_requests`` and ``issues`` streams of
:class:`~data.connectors.gitlab.connector.GitLabConnector`.

Merge requests become changes (first commit, first review = first non-system note by someone
other than the author); issues become work items whose state and label events are status
changes (``status_labels``, else scoped labels through :func:`scoped_status`) and, by type or
label, incidents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.connectors.context import instant
from data.connectors.gitlab.context import GitLabContext, project_path
from data.connectors.payload import item_errors, need, need_id, obj, text
from data.records import Change, Incident, Record, StatusChange, WorkItem
from data.timeutil import parse_instant

__all__ = ["CLOSED", "OPEN", "GitLabTickets", "scoped_status"]

OPEN, CLOSED = "Open", "Closed"


def scoped_status(label: str, scope: str = "workflow") -> str | None:
    """``workflow::in review`` → ``In Review`` (None for other labels)."""
    prefix = f"{scope}::".lower()
    if not label.lower().startswith(prefix):
        return None
    value = label[len(prefix) :].strip().replace("_", " ").replace("-", " ")
    return " ".join(w[:1].upper() + w[1:] for w in value.split()) or None


@dataclass(frozen=True, slots=True)
class GitLabTickets:
    """The ``merge_requests`` and ``issues`` streams' mappers."""

    ctx: GitLabContext

    def merge_request(self, project: str, mr: Mapping[str, Any]) -> list[Record]:
        """A merge request as a change: first commit, first review by someone else, merge."""
        where = f"{self.ctx.source}: GitLab {project}: merge request {mr.get('iid')!r}"
        iid = need_id(mr, "iid", where)
        base = f"{project_path(project)}/merge_requests/{iid}"
        author = text(obj(mr.get("author")).get("username"))
        dates: list[datetime] = []
        first_review = None
        with item_errors(where):
            for resp in self.ctx.client.iter_gitlab_pages(f"{base}/commits", {"per_page": 100}):
                found = (instant(c.get("authored_date") or c.get("created_at")) for c in self.ctx.items(resp))
                dates += [t for t in found if t]
            for resp in self.ctx.client.iter_gitlab_pages(
                f"{base}/notes", {"sort": "asc", "order_by": "created_at", "per_page": 100}
            ):
                for n in self.ctx.items(resp):
                    if not n.get("system") and obj(n.get("author")).get("username") != author:
                        first_review = instant(n.get("created_at"))
                        break
                if first_review:
                    break
            merge_sha = mr.get("merge_commit_sha") or mr.get("squash_commit_sha")
            return [
                Change(
                    source=self.ctx.source,
                    repo=project,
                    id=iid,
                    title=str(mr.get("title") or ""),
                    created_at=parse_instant(need(mr, "created_at", where)),
                    branch=text(mr.get("source_branch")),
                    author=author,
                    first_commit_at=min(dates) if dates else None,
                    first_review_at=first_review,
                    merged_at=instant(mr.get("merged_at")),
                    merge_sha=text(merge_sha) if mr.get("merged_at") else None,
                    base=text(mr.get("target_branch")),
                    url=text(mr.get("web_url")),
                )
            ]

    # -- issues --

    def issue(self, project: str, issue: Mapping[str, Any]) -> list[Record]:
        """An issue, its status changes from state and label events and, by type or label, its incident."""
        where = f"{self.ctx.source}: GitLab {project}: issue {issue.get('iid')!r}"
        iid = need_id(issue, "iid", where)
        with item_errors(where):
            return self._issue_records(project, iid, issue)

    def _issue_records(self, project: str, iid: str, issue: Mapping[str, Any]) -> list[Record]:
        key = f"{project}#{iid}"
        base = f"{project_path(project)}/issues/{iid}"
        created = parse_instant(need(issue, "created_at", key))
        given = issue.get("labels")
        raw_labels: list[Any] = given if isinstance(given, list) else []
        labels = tuple(
            str(lb if isinstance(lb, str) else obj(lb).get("name"))
            for lb in raw_labels
            if isinstance(lb, str) or obj(lb).get("name")
        )
        events: list[tuple[datetime, int, str, str]] = []
        for resp in self.ctx.client.iter_gitlab_pages(f"{base}/resource_state_events", {"per_page": 100}):
            for e in self.ctx.items(resp):
                at = instant(e.get("created_at"))
                if at:
                    events.append((at, 0, "state", str(e.get("state"))))
        for resp in self.ctx.client.iter_gitlab_pages(f"{base}/resource_label_events", {"per_page": 100}):
            for e in self.ctx.items(resp):
                name = str(obj(e.get("label")).get("name") or "")
                at = instant(e.get("created_at"))
                if at and name:
                    # At one instant adds go before removes: swapping a scoped label (add the new,
                    # remove the old) is one move, not a detour through "Open".
                    action = str(e.get("action"))
                    events.append((at, 1 if action == "add" else 2, action, name))
        changes = self.status_changes(key, created, events)
        itype = str(issue.get("issue_type") or issue.get("type") or "").lower()
        out: list[Record] = [
            WorkItem(
                source=self.ctx.source,
                key=key,
                title=str(issue.get("title") or ""),
                created_at=created,
                type=itype.title() or None,
                labels=labels,
                url=text(issue.get("web_url")),
                status=CLOSED if issue.get("state") == "closed" else changes[-1].to_status,
            ),
            *changes,
        ]
        if itype == "incident" or self.ctx.options.incident_labels & {lb.lower() for lb in labels}:
            out.append(
                Incident(
                    self.ctx.source,
                    key,
                    created,
                    project,
                    instant(issue.get("closed_at")),
                    str(issue.get("title") or ""),
                    text(issue.get("web_url")),
                )
            )
        return out

    def _label_status(self, label: str) -> str | None:
        return self.ctx.options.status_labels.get(label.lower()) or scoped_status(label, self.ctx.status_scope)

    def status_changes(
        self, key: str, created: datetime, events: Sequence[tuple[datetime, int, str, str]]
    ) -> list[StatusChange]:
        """State and label events (``(at, order, action, value)``) → status changes from ``Open``."""
        out = [StatusChange(self.ctx.source, key, created, None, OPEN)]
        current = OPEN
        for at, _, action, value in sorted(events):
            new = None
            if action == "state":
                new = CLOSED if value == "closed" else OPEN if value in ("reopened", "opened") else None
            elif action == "add" and current != CLOSED:
                new = self._label_status(value)
            elif action == "remove" and self._label_status(value) == current:
                new = OPEN
            if new is not None and new != current:
                out.append(StatusChange(self.ctx.source, key, at, current, new))
                current = new
        return out
