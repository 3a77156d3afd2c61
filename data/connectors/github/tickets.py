"""GitHub pull requests and issues: the ``pulls`` and ``issues`` streams of
:class:`~data.connectors.github.connector.GitHubConnector`.

Pull requests become changes (first commit, first review by someone other than the author,
merge); issues become work items with status changes (mapped labels, closed/reopened) and, with
an incident label, incidents.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.connectors.base import Page
from data.connectors.context import instant, iso_z
from data.connectors.cursor import Watermark
from data.connectors.github.context import GitHubContext
from data.connectors.http.etag import ETagCache
from data.connectors.payload import item_errors, need, need_id, obj, text, whole
from data.records import Change, Incident, Record, StatusChange, WorkItem
from data.timeutil import parse_instant

__all__ = ["CLOSED", "OPEN", "GitHubTickets", "is_pull_request"]

OPEN, CLOSED = "Open", "Closed"


def is_pull_request(issue: Mapping[str, Any]) -> bool:
    """Whether an ``/issues`` item is a pull request: a ``pull_request`` object with a URL. (In 2012 the API
    gave every issue ``"pull_request": {"html_url": null, ...}``, recorded in Repository.testGetIssues.)"""
    pr = issue.get("pull_request")
    return isinstance(pr, Mapping) and any(pr.get(k) for k in ("url", "html_url"))


@dataclass(frozen=True, slots=True)
class GitHubTickets:
    """The ``pulls`` and ``issues`` stream readers."""

    ctx: GitHubContext

    def read_pulls(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        """Pages of ``repo``'s pull requests updated since the cursor ``cur``, newest first."""
        pending = cur.get("pending") or {}
        stop = Watermark.from_json(cur.get("wm"))
        target = Watermark.from_json(pending.get("wm")) if pending else stop
        etags = ETagCache.from_json(cur.get("etags"))
        start = pending.get("next") or self.ctx.client.url_for(f"/repos/{repo}/pulls")
        params = (
            None
            if pending
            else {"state": "all", "sort": "updated", "direction": "desc", "per_page": self.ctx.options.per_page}
        )
        first = self.ctx.client.get(start, params, etags=None if pending else etags)
        if first.not_modified:  # page 1 unchanged: nothing was updated since the last sync
            yield self.ctx.page([], {"wm": stop.to_json(), "etags": etags.to_json()})
            return
        # Only page 1's validators are worth keeping (any update moves a pull request to page 1).
        etags = ETagCache({k: v for k, v in etags.to_json().items() if k == first.url})
        rest = self.ctx.client.iter_link_pages(first.next_url) if first.next_url else iter(())
        for resp in itertools.chain([first], rest):
            records: list[Record] = []
            older = False
            where = self.ctx.where(resp)
            for pr in self.ctx.items(resp):
                number = need_id(pr, "number", where)
                with item_errors(f"{where}: pull request {number}"):
                    updated = instant(pr.get("updated_at")) or instant(pr.get("created_at"))
                if updated is None:
                    continue
                if not stop.is_new(updated, number):
                    older = older or (stop.at is not None and updated < stop.at)
                    continue
                records.append(self._map_pull(repo, pr))
                target = target.advance([(updated, number)])
            nxt = None if older else resp.next_url
            if nxt:
                yield self.ctx.page(
                    records,
                    {"wm": stop.to_json(), "pending": {"wm": target.to_json(), "next": nxt}, "etags": etags.to_json()},
                )
            else:
                yield self.ctx.page(records, {"wm": target.to_json(), "etags": etags.to_json()})
                return
        yield self.ctx.page([], {"wm": target.to_json(), "etags": etags.to_json()})

    def _map_pull(self, repo: str, pr: Mapping[str, Any]) -> Change:
        where = f"{self.ctx.source}: GitHub {repo}: pull request {pr.get('number')!r}"
        number = need_id(pr, "number", where)
        author = text(obj(pr.get("user")).get("login"))
        commits = self.ctx.items(self.ctx.client.get(f"/repos/{repo}/pulls/{number}/commits", {"per_page": 100}))
        with item_errors(f"{where}: commits"):
            dates = [instant(obj(obj(c.get("commit")).get("author")).get("date")) for c in commits]
        first_commit = min((d for d in dates if d), default=None)
        first_review = None
        for resp in self.ctx.client.iter_link_pages(f"/repos/{repo}/pulls/{number}/reviews", {"per_page": 100}):
            for rv in self.ctx.items(resp):
                who = obj(rv.get("user")).get("login")
                with item_errors(f"{where}: reviews"):
                    at = instant(rv.get("submitted_at"))
                if at and who != author and (first_review is None or at < first_review):
                    first_review = at
        with item_errors(where):
            return Change(
                source=self.ctx.source,
                repo=repo,
                id=number,
                title=str(pr.get("title") or ""),
                created_at=parse_instant(need(pr, "created_at", where)),
                branch=text(obj(pr.get("head")).get("ref")),
                author=author,
                first_commit_at=first_commit,
                first_review_at=first_review,
                merged_at=instant(pr.get("merged_at")),
                merge_sha=text(pr.get("merge_commit_sha")) if pr.get("merged_at") else None,
                base=text(obj(pr.get("base")).get("ref")),
                url=text(pr.get("html_url")),
            )

    # -- issues --

    def read_issues(self, repo: str, cur: dict[str, Any]) -> Iterator[Page]:
        """Pages of ``repo``'s issues updated since the cursor ``cur``, oldest first."""
        wm = Watermark.from_json(cur.get("wm"))
        params: dict[str, Any] = {
            "state": "all",
            "sort": "updated",
            "direction": "asc",
            "per_page": self.ctx.options.per_page,
        }
        if wm.at is not None:
            params["since"] = iso_z(wm.at)  # inclusive; never an epoch-zero since (Airbyte)
        for resp in self.ctx.client.iter_link_pages(f"/repos/{repo}/issues", params):
            records: list[Record] = []
            seen: list[tuple[datetime, str]] = []
            where = self.ctx.where(resp)
            for issue in self.ctx.items(resp):
                number = need_id(issue, "number", where)
                with item_errors(f"{where}: issue {number}"):
                    updated = instant(issue.get("updated_at")) or parse_instant(need(issue, "created_at", where))
                if not wm.is_new(updated, number):
                    continue
                seen.append((updated, number))
                if is_pull_request(issue):
                    continue
                records += self._issue_records(repo, issue)
            wm = wm.advance(seen)
            yield self.ctx.page(records, {"wm": wm.to_json()})

    def _issue_records(self, repo: str, issue: Mapping[str, Any]) -> list[Record]:
        where = f"{self.ctx.source}: GitHub {repo}: issue {issue.get('number')!r}"
        number = need_id(issue, "number", where)
        key = f"{repo}#{number}"
        labels = (
            tuple(str(lb.get("name")) for lb in issue.get("labels") or [] if isinstance(lb, Mapping) and lb.get("name"))
            if isinstance(issue.get("labels"), list)
            else ()
        )
        events: list[Mapping[str, Any]] = []
        for resp in self.ctx.client.iter_link_pages(f"/repos/{repo}/issues/{number}/events", {"per_page": 100}):
            events += self.ctx.items(resp)
        with item_errors(where):
            created = parse_instant(need(issue, "created_at", where))
            changes = self.status_changes(key, created, events)
            closed_at = instant(issue.get("closed_at"))
        status = changes[-1].to_status if changes else OPEN
        itype = issue.get("type")
        title = str(issue.get("title") or "")
        out: list[Record] = [
            WorkItem(
                source=self.ctx.source,
                key=key,
                title=title,
                created_at=created,
                type=text(itype.get("name")) if isinstance(itype, Mapping) else None,
                labels=labels,
                url=text(issue.get("html_url")),
                status=CLOSED if issue.get("state") == "closed" else status,
            ),
            *changes,
        ]
        if self.ctx.options.incident_labels & {lb.lower() for lb in labels}:
            out.append(Incident(self.ctx.source, key, created, repo, closed_at, title, text(issue.get("html_url"))))
        return out

    def status_changes(self, key: str, created: datetime, events: Sequence[Mapping[str, Any]]) -> list[StatusChange]:
        """Issue events → status changes: opened at creation, mapped labels, closed/reopened."""
        out = [StatusChange(self.ctx.source, key, created, None, OPEN)]
        current = OPEN
        for ev in sorted(events, key=lambda e: (str(e.get("created_at") or ""), whole(e.get("id"), 0))):
            with item_errors(f"{self.ctx.source}: GitHub issue {key}: event {ev.get('id')!r}"):
                at = instant(ev.get("created_at"))
            kind = ev.get("event")
            label = str(obj(ev.get("label")).get("name") or "").lower()
            new = None
            if kind == "closed":
                new = CLOSED
            elif kind == "reopened":
                new = OPEN
            elif kind == "labeled" and label in self.ctx.options.status_labels and current != CLOSED:
                new = self.ctx.options.status_labels[label]
            elif kind == "unlabeled" and self.ctx.options.status_labels.get(label) == current:
                new = OPEN
            if at is not None and new is not None and new != current:
                out.append(StatusChange(self.ctx.source, key, at, current, new))
                current = new
        return out
