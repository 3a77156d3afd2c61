"""Jira Cloud and Data Center connector: issues, their FULL status history, incidents.

* Flavour: ``user`` set → Jira Cloud (Basic ``email:API token``, ``/rest/api/3/search/jql`` with
  ``nextPageToken``); no ``user`` → Data Center (``Authorization: Bearer <personal access token>``,
  ``/rest/api/2/search`` with ``startAt`` advancing by what was actually returned). The option
  ``flavor = "cloud" | "datacenter"`` overrides the guess.
* Incremental: ``updated >= <epoch ms> ORDER BY updated ASC`` — epoch milliseconds, because JQL
  dates are read in the *calling user's* time zone (a user in UTC−5 would lose five hours of issues
  at the cursor); the bound is moved back by ``overlap_s`` (default 300 s, Jira Cloud search is
  eventually consistent) and the cursor remembers which issues in that overlap were already stored,
  so a re-read writes nothing new.
* Changelog: the embedded ``changelog`` keeps only the newest histories; when ``total`` exceeds what
  was embedded, ``/rest/api/{3,2}/issue/{key}/changelog`` is paged (DC servers without it: the issue
  with ``expand=changelog``), so the oldest transitions are never silently lost.

* Errors in a 200: Jira answers some faults (a JQL that names an unknown project or field, a
  permission it will not grant) with a body carrying ``errorMessages``/``errors``; every answer is
  checked for them, and for its shape, so the stream fails with Jira's message (as plain text) and
  the endpoint instead of reporting "ok, 0 records".

Cursor (JSON): ``{"updated_ms": <newest updated stored>, "recent": {"KEY-1": <updated ms>, ...}}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from data.config.model import ConfigError, SourceConfig
from data.connectors.base import ConnectorError, Page
from data.connectors.http.client import HttpClient
from data.connectors.http.response import HttpError, HttpResponse, quote_path
from data.connectors.jira.parse import StatusInfo, parse_issue, status_map
from data.connectors.payload import endpoint, item_errors, object_body, objects, plain, text, whole
from data.records import Record
from data.timeutil import parse_instant

__all__ = ["JiraConnector"]

_FIELDS = ("summary", "issuetype", "created", "updated", "status", "labels", "resolutiondate")


def _strings(opts: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = opts.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key}: expected a list of strings, got {value!r}")
    return tuple(value)


def _jql_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class JiraConnector:
    """Reads Jira issues with full changelogs (one stream: ``issues``)."""

    def __init__(self, source: SourceConfig, token: str | None, *, client: HttpClient | None = None, **kw: Any) -> None:
        self.source = source.name
        self.base_url = source.url.rstrip("/")
        opts = source.options
        where = f"source {source.name!r}"
        user = opts.get("user")
        if user is not None and (not isinstance(user, str) or not user.strip()):
            raise ConfigError(f"{where}: user: expected your Atlassian account email, got {user!r}")
        self.user = user
        flavor = opts.get("flavor", "cloud" if user else "datacenter")
        if flavor not in ("cloud", "datacenter"):
            raise ConfigError(f'{where}: flavor: expected "cloud" or "datacenter", got {flavor!r}')
        self.cloud = flavor == "cloud"
        if self.cloud and not user:
            raise ConfigError(f"{where}: user: Jira Cloud needs your Atlassian account email with the API token")
        self.projects = _strings(opts, "projects", where)
        jql = opts.get("jql")
        if jql is not None and (not isinstance(jql, str) or "order by" in jql.lower()):
            raise ConfigError(f"{where}: jql: expected a JQL filter without ORDER BY, got {jql!r}")
        self.jql = jql
        self.incident_types = _strings(opts, "incident_types", where)
        self.incident_labels = _strings(opts, "incident_labels", where)
        self.incident_repo = opts.get("incident_repo")
        self.team_field = opts.get("team_field")
        if self.team_field is not None and not isinstance(self.team_field, str):
            raise ConfigError(f"{where}: team_field: expected a field id such as customfield_10001")
        overlap = opts.get("overlap_s", 300)
        if isinstance(overlap, bool) or not isinstance(overlap, int | float) or overlap < 0:
            raise ConfigError(f"{where}: overlap_s: expected seconds (0 or more), got {overlap!r}")
        self.overlap_ms = int(overlap * 1000)
        page = opts.get("page_size", 100)
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 1000:
            raise ConfigError(f"{where}: page_size: expected a whole number from 1 to 1000, got {page!r}")
        self.page_size = page
        if client is None:
            if self.cloud:
                client = HttpClient.from_source(source, None, auth=(user, token) if token else None, **kw)
            else:
                client = HttpClient.from_source(source, token, auth_scheme="Bearer", **kw)
        self.client = client

    @property
    def api(self) -> str:
        """``/rest/api/3`` (Cloud) or ``/rest/api/2`` (Data Center)."""
        return "/rest/api/3" if self.cloud else "/rest/api/2"

    # -- protocol --

    def streams(self) -> Sequence[str]:
        """One stream: ``issues``."""
        return ("issues",)

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    def test_connection(self) -> str:
        """Who the credentials belong to."""
        me = self._answer(self._get(f"{self.api}/myself"), key="displayName", holds=str)
        who = me.get("displayName") or me.get("emailAddress") or me.get("name") or "?"
        kind = "Jira Cloud" if self.cloud else "Jira Data Center"
        return f"{kind} as {who}"

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Pages of issues updated since the cursor (minus the overlap), oldest update first."""
        if stream != "issues":
            raise ConnectorError(f"{self.source}: unknown stream {stream!r}")
        state = _load(cursor)
        before = self.client.stats.requests
        statuses = status_map(self._listing(self._get(f"{self.api}/status")))
        since = max(0, int(state["updated_ms"]) - self.overlap_ms) if state["updated_ms"] is not None else 0
        jql = self.build_jql(since)
        search = self._search_cloud(jql) if self.cloud else self._search_dc(jql)
        for issues in search:
            records: list[Record] = []
            seen: list[tuple[str, int]] = []
            for issue in issues:
                if not isinstance(issue, Mapping) or not issue.get("key"):
                    continue
                key = str(issue["key"])
                with item_errors(f"{self.source}: Jira issue {key}"):
                    updated = _updated_ms(issue)
                if state["recent"].get(key) == updated:
                    continue  # stored already: the overlap re-reads it
                records.extend(self._issue_records(issue, statuses))
                seen.append((key, updated))
            if not seen:
                continue
            state = _advance(state, seen, self.overlap_ms)
            spent = self.client.stats.requests - before
            before = self.client.stats.requests
            yield Page(records=records, cursor=json.dumps(state, sort_keys=True), requests=spent)

    def build_jql(self, since_ms: int) -> str:
        """The search JQL: the user's filter (or projects), an epoch-ms ``updated`` bound, oldest first."""
        parts = []
        if self.jql:
            parts.append(f"({self.jql})")
        if self.projects:
            parts.append("project in (" + ", ".join(_jql_quote(p) for p in self.projects) + ")")
        parts.append(f"updated >= {since_ms}")
        return " AND ".join(parts) + " ORDER BY updated ASC, key ASC"

    # -- search --

    def _fields(self) -> str:
        return ",".join((*_FIELDS, *([self.team_field] if self.team_field else ())))

    def _search_cloud(self, jql: str) -> Iterator[list[Any]]:
        token: str | None = None
        tokens: set[str] = set()
        while True:
            params: dict[str, Any] = {
                "jql": jql,
                "maxResults": self.page_size,
                "fields": self._fields(),
                "expand": "changelog",
            }
            if token:
                params["nextPageToken"] = token
            body = self._answer(self._get(f"{self.api}/search/jql", params), key="issues")
            yield list(body.get("issues") or ())
            token = text(body.get("nextPageToken"))
            if not token or body.get("isLast") is True:
                return
            if token in tokens:
                raise ConnectorError(
                    f"{self.source}: Jira search pagination loop detected: nextPageToken repeated after "
                    f"{len(tokens) + 1} pages; stopping instead of reading the same pages forever"
                )
            tokens.add(token)

    def _search_dc(self, jql: str) -> Iterator[list[Any]]:
        def params_for(start: int) -> dict[str, Any]:
            return {
                "jql": jql,
                "startAt": start,
                "maxResults": self.page_size,
                "fields": self._fields(),
                "expand": "changelog",
            }

        def is_last(body: Any, nxt: int) -> bool:
            total = body.get("total") if isinstance(body, Mapping) else None
            return isinstance(total, int) and nxt >= total

        path = f"{self.api}/search"

        def items_of(body: Any) -> list[Mapping[str, Any]]:
            return list(self._checked(body, path, key="issues").get("issues") or ())

        try:
            for page in self.client.iter_offset_pages(
                path,
                params_for=params_for,
                items_of=items_of,
                is_last=is_last,
            ):
                yield list(page.items)
        except HttpError as exc:
            raise self._explain(exc) from None

    # -- issues --

    def _issue_records(self, issue: Mapping[str, Any], statuses: Mapping[str, StatusInfo]) -> list[Record]:
        histories = self._full_changelog(issue)
        return parse_issue(
            self.source,
            issue,
            histories,
            statuses,
            browse_base=self.base_url,
            team_field=self.team_field,
            incident_types=self.incident_types,
            incident_labels=self.incident_labels,
            incident_repo=self.incident_repo if isinstance(self.incident_repo, str) else None,
        )

    def _full_changelog(self, issue: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        cl = issue.get("changelog") if isinstance(issue.get("changelog"), Mapping) else {}
        assert isinstance(cl, Mapping)
        given = cl.get("histories")
        embedded = [h for h in given if isinstance(h, Mapping)] if isinstance(given, list) else []
        total = cl.get("total")
        if not isinstance(total, int) or total <= len(embedded):
            return embedded
        key = str(issue["key"])
        path = f"{self.api}/issue/{quote_path(key)}/changelog"
        first = self._get(path, {"startAt": 0, "maxResults": 100}, ok=(404,))
        full: list[Mapping[str, Any]]
        if first.status == 404 and not self.cloud:
            # Older Data Center servers have no paged changelog resource; the issue itself has it all.
            resp = self._get(f"{self.api}/issue/{quote_path(key)}", {"expand": "changelog", "fields": "created"})
            body = self._answer(resp, key="changelog", holds=Mapping)
            full = objects(body.get("changelog") or {}, source=self.source, system="Jira", resp=resp, key="histories")
        else:
            if first.status == 404:
                raise ConnectorError(f"{self.source}: {key}: the changelog endpoint answered 404")
            body = self._answer(first, key="values")
            full = list(body.get("values") or [])
            start = len(full)
            while full and not body.get("isLast", start >= whole(body.get("total"), 0)) and start < 100_000:
                body = self._answer(self._get(path, {"startAt": start, "maxResults": 100}), key="values")
                values = list(body.get("values") or [])
                if not values:
                    break
                full.extend(values)
                start += len(values)
        by_id = {str(h.get("id")): h for h in [*embedded, *full] if isinstance(h, Mapping)}
        if len(by_id) < total:
            raise ConnectorError(
                f"{self.source}: {key}: Jira reported {total} changelog entries but only {len(by_id)} could be read; "
                "refusing to store a history with its oldest transitions missing"
            )
        return list(by_id.values())

    # -- helpers --

    def _checked(self, body: Any, where: HttpResponse | str, **kw: Any) -> Mapping[str, Any]:
        """``body`` as an object (``kw``: see :func:`object_body`), after failing on Jira's own error fields."""
        message = _jira_error(body)
        if message:
            raise ConnectorError(f"{self.source}: Jira {endpoint(where)} answered with an error: {message}")
        return object_body(body, source=self.source, system="Jira", resp=where, **kw)

    def _answer(self, resp: HttpResponse, **kw: Any) -> Mapping[str, Any]:
        """The object a response is (see :meth:`_checked`)."""
        return self._checked(resp.json(), resp, **kw)

    def _listing(self, resp: HttpResponse) -> list[Mapping[str, Any]]:
        """The list of objects a response is, after failing on Jira's own error fields."""
        body = resp.json()
        message = _jira_error(body)
        if message:
            raise ConnectorError(f"{self.source}: Jira {endpoint(resp)} answered with an error: {message}")
        return objects(body, source=self.source, system="Jira", resp=resp)

    def _get(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        try:
            return self.client.get(path, params, **kw)
        except HttpError as exc:
            raise self._explain(exc) from None

    def _explain(self, exc: HttpError) -> ConnectorError:
        if exc.status == 410:
            if self.cloud:
                hint = "Atlassian removed this endpoint; Flowdeck needs an upgrade that uses its replacement."
            else:
                hint = (
                    "Atlassian removed /rest/api/2/search and /rest/api/3/search on Jira Cloud (use "
                    '/rest/api/3/search/jql). This site looks like Jira Cloud: set user = "<your Atlassian '
                    'email>" on the source and store an API token, so Flowdeck uses the new search endpoint.'
                )
            return HttpError(f"{self.source}: Jira answered 410 Gone. {hint} ({exc})", status=410)
        if exc.status == 401:
            how = "email and API token" if self.cloud else "personal access token"
            return HttpError(f"{self.source}: Jira rejected the {how} (401). ({exc})", status=401)
        return exc


def _jira_error(body: Any) -> str | None:
    """Jira's error fields of a body (``errorMessages`` list, ``errors`` field → message) as plain text."""
    if not isinstance(body, Mapping):
        return None
    parts = [plain(body.get("errorMessages")), plain(body.get("errors"))]
    message = "; ".join(p for p in parts if p)
    return message or None


def _updated_ms(issue: Mapping[str, Any]) -> int:
    fields = issue.get("fields") if isinstance(issue.get("fields"), Mapping) else {}
    assert isinstance(fields, Mapping)
    raw = fields.get("updated") or fields.get("created")
    if not isinstance(raw, str):
        return 0
    return int(parse_instant(raw).timestamp() * 1000)


def _load(cursor: str | None) -> dict[str, Any]:
    empty: dict[str, Any] = {"updated_ms": None, "recent": {}}
    if not cursor:
        return empty
    try:
        data = json.loads(cursor)
    except ValueError:
        return empty
    if not isinstance(data, dict) or not isinstance(data.get("updated_ms"), int | None):
        return empty
    recent: dict[str, Any] = data["recent"] if isinstance(data.get("recent"), dict) else {}
    return {"updated_ms": data.get("updated_ms"), "recent": {str(k): int(v) for k, v in recent.items()}}


def _advance(state: dict[str, Any], seen: list[tuple[str, int]], overlap_ms: int) -> dict[str, Any]:
    newest = max([ms for _, ms in seen] + ([int(state["updated_ms"])] if state["updated_ms"] is not None else []))
    recent = dict(state["recent"])
    recent.update(dict(seen))
    keep = {k: v for k, v in recent.items() if v >= newest - overlap_ms}
    return {"updated_ms": newest, "recent": keep}
