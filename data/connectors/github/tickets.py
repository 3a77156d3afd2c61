"""GitHub pull requests and issues: the ``pulls`` and ``issues`` streams of
:class:`~data.connectors.github.connector.GitHubConnector`.

Pull requests become changes (first commit, first review by someone other than the author,
merge); issues become work items with status changes (mapped labels, closed/reopened) and, with
an incident label, incidents.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from data.connectors.base import Page
from data.connectors.cursor import Watermark
from data.connectors.github.context import GitHubBase, _iso, _t
from data.connectors.http.etag import ETagCache
from data.records import Change, Incident, Record, StatusChange, WorkItem
from data.timeutil import parse_instant

__all__ = ["CLOSED", "OPEN", "GitHubTickets", "is_pull_request"]

OPEN, CLOSED = "Open", "Closed"


def is_pull_request(issue: dict[str, Any]) -> bool:
    """Whether an ``/issues`` item is a pull request: a ``pull_request`` object with a URL. (In 2012 the API
    gave every issue ``"pull_request": {"html_url": null, ...}``, recorded in Repository.testGetIssues.)"""
    pr = issue.get("pull_request")
    return isinstance(pr, dict) and any(pr.get(k) for k in ("url", "html_url"))


class GitHubTickets(GitHubBase):
    """The ``pulls`` and ``issues`` stream readers."""

    def _pulls(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        pending = cur.get("pending") or {}
        stop = Watermark.from_json(cur.get("wm"))
        target = Watermark.from_json(pending.get("wm")) if pending else stop
        etags = ETagCache.from_json(cur.get("etags"))
        start = pending.get("next") or self.client.url_for(f"/repos/{repo}/pulls")
        params = (
            None if pending else {"state": "all", "sort": "updated", "direction": "desc", "per_page": self.per_page}
        )
        first = self.client.get(start, params, etags=None if pending else etags)
        if first.not_modified:  # page 1 unchanged: nothing was updated since the last sync
            yield self._page([], {"wm": stop.to_json(), "etags": etags.to_json()})
            return
        # Only page 1's validators are worth keeping (any update moves a pull request to page 1).
        etags = ETagCache({k: v for k, v in etags.to_json().items() if k == first.url})
        rest = self.client.iter_link_pages(first.next_url) if first.next_url else iter(())
        for resp in itertools.chain([first], rest):
            records: list[Record] = []
            older = False
            for pr in resp.json() or []:
                updated = _t(pr.get("updated_at")) or _t(pr.get("created_at"))
                if updated is None:
                    continue
                if not stop.is_new(updated, str(pr["number"])):
                    older = older or (stop.at is not None and updated < stop.at)
                    continue
                records.append(self._map_pull(repo, pr))
                target = target.advance([(updated, str(pr["number"]))])
            nxt = None if older else resp.next_url
            if nxt:
                yield self._page(
                    records,
                    {"wm": stop.to_json(), "pending": {"wm": target.to_json(), "next": nxt}, "etags": etags.to_json()},
                )
            else:
                yield self._page(records, {"wm": target.to_json(), "etags": etags.to_json()})
                return
        yield self._page([], {"wm": target.to_json(), "etags": etags.to_json()})

    def _map_pull(self, repo: str, pr: dict[str, Any]) -> Change:
        number = pr["number"]
        author = (pr.get("user") or {}).get("login")
        commits = self.client.get_json(f"/repos/{repo}/pulls/{number}/commits", {"per_page": 100}) or []
        dates = [_t(((c.get("commit") or {}).get("author") or {}).get("date")) for c in commits]
        first_commit = min((d for d in dates if d), default=None)
        first_review = None
        for resp in self.client.iter_link_pages(f"/repos/{repo}/pulls/{number}/reviews", {"per_page": 100}):
            for rv in resp.json() or []:
                who = (rv.get("user") or {}).get("login")
                at = _t(rv.get("submitted_at"))
                if at and who != author and (first_review is None or at < first_review):
                    first_review = at
        return Change(
            source=self.source,
            repo=repo,
            id=str(number),
            title=str(pr.get("title") or ""),
            created_at=parse_instant(pr["created_at"]),
            branch=(pr.get("head") or {}).get("ref"),
            author=author,
            first_commit_at=first_commit,
            first_review_at=first_review,
            merged_at=_t(pr.get("merged_at")),
            merge_sha=pr.get("merge_commit_sha") if pr.get("merged_at") else None,
            base=(pr.get("base") or {}).get("ref"),
            url=pr.get("html_url"),
        )

    # -- issues --

    def _issues(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        wm = Watermark.from_json(cur.get("wm"))
        params: dict[str, Any] = {"state": "all", "sort": "updated", "direction": "asc", "per_page": self.per_page}
        if wm.at is not None:
            params["since"] = _iso(wm.at)  # inclusive; never an epoch-zero since (Airbyte)
        for resp in self.client.iter_link_pages(f"/repos/{repo}/issues", params):
            records: list[Record] = []
            seen: list[tuple[datetime, str]] = []
            for issue in resp.json() or []:
                updated = _t(issue.get("updated_at")) or parse_instant(issue["created_at"])
                number = str(issue["number"])
                if not wm.is_new(updated, number):
                    continue
                seen.append((updated, number))
                if is_pull_request(issue):
                    continue
                records += self._issue_records(repo, issue)
            wm = wm.advance(seen)
            yield self._page(records, {"wm": wm.to_json()})

    def _issue_records(self, repo: str, issue: dict[str, Any]) -> list[Record]:
        key = f"{repo}#{issue['number']}"
        created = parse_instant(issue["created_at"])
        labels = tuple(str(lb.get("name")) for lb in issue.get("labels") or [] if isinstance(lb, dict))
        events: list[dict[str, Any]] = []
        for resp in self.client.iter_link_pages(f"/repos/{repo}/issues/{issue['number']}/events", {"per_page": 100}):
            events += resp.json() or []
        changes = self.status_changes(key, created, events)
        status = changes[-1].to_status if changes else OPEN
        itype = issue.get("type")
        out: list[Record] = [
            WorkItem(
                source=self.source,
                key=key,
                title=str(issue.get("title") or ""),
                created_at=created,
                type=itype.get("name") if isinstance(itype, dict) else None,
                labels=labels,
                url=issue.get("html_url"),
                status=CLOSED if issue.get("state") == "closed" else status,
            ),
            *changes,
        ]
        if self.incident_labels & {lb.lower() for lb in labels}:
            out.append(
                Incident(
                    self.source,
                    key,
                    created,
                    repo,
                    _t(issue.get("closed_at")),
                    str(issue.get("title") or ""),
                    issue.get("html_url"),
                )
            )
        return out

    def status_changes(self, key: str, created: datetime, events: Sequence[dict[str, Any]]) -> list[StatusChange]:
        """Issue events → status changes: opened at creation, mapped labels, closed/reopened."""
        out = [StatusChange(self.source, key, created, None, OPEN)]
        current = OPEN
        for ev in sorted(events, key=lambda e: (e.get("created_at") or "", e.get("id") or 0)):
            at = _t(ev.get("created_at"))
            kind = ev.get("event")
            label = str((ev.get("label") or {}).get("name") or "").lower()
            new = None
            if kind == "closed":
                new = CLOSED
            elif kind == "reopened":
                new = OPEN
            elif kind == "labeled" and label in self.status_labels and current != CLOSED:
                new = self.status_labels[label]
            elif kind == "unlabeled" and self.status_labels.get(label) == current:
                new = OPEN
            if at is not None and new is not None and new != current:
                out.append(StatusChange(self.source, key, at, current, new))
                current = new
        return out
