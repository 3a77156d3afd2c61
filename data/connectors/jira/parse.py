"""Pure Jira payload → record conversion (no HTTP): issues, full status history, incidents.

Choices (docs/sources-onprem.md):

* Status transitions come from changelog items with ``field == "status"``; ``from``/``to`` are
  status **ids**, mapped through ``/rest/api/{2,3}/status`` to the status's current name and its
  category key (``new``/``indeterminate``/``done``) — so a renamed or localised status (开发中,
  待测试) keeps its id and category. The name recorded is the current one from the status list,
  falling back to the changelog's ``toString`` for ids the list does not know (deleted statuses).
* The first status: if the oldest transition has a ``from``, that status is synthesised at
  ``created``; with no transition at all the current status is the first, at ``created``.
* Incidents: issue type in ``incident_types`` or a label in ``incident_labels`` → Incident with
  ``resolved_at`` = ``resolutiondate``.
* A payload of an unexpected shape (a field of the wrong type, a date that is none) raises
  :class:`~data.connectors.base.ConnectorError` naming the issue, never a Python exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from data.connectors.payload import item_errors, need_id, obj
from data.records import Incident, Record, StatusChange, WorkItem
from data.timeutil import parse_instant

__all__ = ["StatusInfo", "histories_sorted", "parse_issue", "status_map", "status_transitions"]


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """A status as the ``/status`` list describes it."""

    id: str
    name: str
    category: str | None


def status_map(statuses: Iterable[Mapping[str, Any]]) -> dict[str, StatusInfo]:
    """``/rest/api/{2,3}/status`` → id → :class:`StatusInfo` (category by key, never the localised name)."""
    out: dict[str, StatusInfo] = {}
    for s in statuses:
        if not isinstance(s, Mapping) or s.get("id") is None:
            continue
        cat = s.get("statusCategory")
        key = cat.get("key") if isinstance(cat, Mapping) else None
        out[str(s["id"])] = StatusInfo(str(s["id"]), str(s.get("name") or s["id"]), key)
    return out


def _instant(value: Any) -> Any:
    return parse_instant(value) if isinstance(value, str) and value else None


def histories_sorted(histories: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Histories oldest first (by instant, then numeric id), duplicates (same id) dropped."""
    seen: dict[str, Mapping[str, Any]] = {}
    for h in histories:
        if isinstance(h, Mapping) and h.get("created"):
            seen[str(h.get("id"))] = h

    def key(h: Mapping[str, Any]) -> tuple[Any, int, str]:
        hid = str(h.get("id"))
        return (parse_instant(str(h["created"])), int(hid) if hid.isascii() and hid.isdecimal() else 0, hid)

    return sorted(seen.values(), key=key)


def status_transitions(
    source: str,
    key: str,
    *,
    created: Any,
    current: Mapping[str, Any] | None,
    histories: Sequence[Mapping[str, Any]],
    statuses: Mapping[str, StatusInfo],
) -> list[StatusChange]:
    """The issue's whole status history, first status (at ``created``) included."""

    def name(sid: Any, fallback: Any) -> str | None:
        if sid is not None and str(sid) in statuses:
            return statuses[str(sid)].name
        return str(fallback) if fallback not in (None, "") else (str(sid) if sid is not None else None)

    def category(sid: Any) -> str | None:
        info = statuses.get(str(sid)) if sid is not None else None
        return info.category if info else None

    out: list[StatusChange] = []
    for h in histories_sorted(histories):
        at = parse_instant(str(h["created"]))
        items = h.get("items")
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, Mapping) or str(item.get("field", "")).lower() != "status":
                continue
            to_name = name(item.get("to"), item.get("toString"))
            if to_name is None:
                continue
            if not out and (item.get("from") is not None or item.get("fromString")):
                first = name(item.get("from"), item.get("fromString"))
                if first is not None and created is not None:
                    out.append(
                        StatusChange(
                            source, key, created, None, first, None, _str(item.get("from")), category(item.get("from"))
                        )
                    )
            prev = out[-1] if out else None
            out.append(
                StatusChange(
                    source=source,
                    key=key,
                    at=at,
                    from_status=name(item.get("from"), item.get("fromString")) if prev else None,
                    to_status=to_name,
                    from_id=_str(item.get("from")),
                    to_id=_str(item.get("to")),
                    to_category=category(item.get("to")),
                )
            )
    if not out and created is not None and isinstance(current, Mapping) and current.get("name"):
        sid = current.get("id")
        cat = current.get("statusCategory")
        cat_key = cat.get("key") if isinstance(cat, Mapping) else category(sid)
        out.append(
            StatusChange(
                source, key, created, None, name(sid, current["name"]) or str(current["name"]), None, _str(sid), cat_key
            )
        )
    return out


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _team(fields: Mapping[str, Any], team_field: str | None) -> str | None:
    if not team_field:
        return None
    value = fields.get(team_field)
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("value") or value.get("title")
    elif isinstance(value, list):
        value = value[0] if value else None
        if isinstance(value, Mapping):
            value = value.get("name") or value.get("value")
    return str(value) if value not in (None, "") else None


def parse_issue(
    source: str,
    issue: Mapping[str, Any],
    histories: Sequence[Mapping[str, Any]],
    statuses: Mapping[str, StatusInfo],
    *,
    browse_base: str,
    team_field: str | None = None,
    incident_types: Iterable[str] = (),
    incident_labels: Iterable[str] = (),
    incident_repo: str | None = None,
) -> list[Record]:
    """One issue (its ``fields`` and the FULL changelog ``histories``) → WorkItem, StatusChanges, Incident.

    Raises :class:`~data.connectors.base.ConnectorError` naming the issue when it cannot be read.
    """
    key = need_id(issue, "key", f"{source}: Jira issue")
    with item_errors(f"{source}: Jira issue {key}"):
        return _parse_issue(
            source,
            key,
            issue,
            histories,
            statuses,
            browse_base=browse_base,
            team_field=team_field,
            incident_types=incident_types,
            incident_labels=incident_labels,
            incident_repo=incident_repo,
        )


def _parse_issue(
    source: str,
    key: str,
    issue: Mapping[str, Any],
    histories: Sequence[Mapping[str, Any]],
    statuses: Mapping[str, StatusInfo],
    *,
    browse_base: str,
    team_field: str | None,
    incident_types: Iterable[str],
    incident_labels: Iterable[str],
    incident_repo: str | None,
) -> list[Record]:
    fields = obj(issue.get("fields"))
    created = _instant(fields.get("created"))
    if created is None:
        raise ValueError(f"issue {key} has no created date")
    itype = fields.get("issuetype")
    type_name = str(itype.get("name")) if isinstance(itype, Mapping) and itype.get("name") else None
    raw_labels = fields.get("labels")
    labels = tuple(str(x) for x in raw_labels if isinstance(x, str | int)) if isinstance(raw_labels, list) else ()
    status = fields.get("status") if isinstance(fields.get("status"), Mapping) else None
    url = f"{browse_base.rstrip('/')}/browse/{key}"
    title = str(fields.get("summary") or "")
    out: list[Record] = [
        WorkItem(
            source=source,
            key=key,
            title=title,
            created_at=created,
            type=type_name,
            team=_team(fields, team_field),
            labels=labels,
            url=url,
            status=str(status["name"]) if status and status.get("name") else None,
        )
    ]
    out.extend(status_transitions(source, key, created=created, current=status, histories=histories, statuses=statuses))
    types = {t.casefold() for t in incident_types}
    wanted_labels = {x.casefold() for x in incident_labels}
    if (type_name and type_name.casefold() in types) or any(x.casefold() in wanted_labels for x in labels):
        out.append(
            Incident(
                source=source,
                key=key,
                created_at=created,
                repo=incident_repo,
                resolved_at=_instant(fields.get("resolutiondate")),
                title=title,
                url=url,
            )
        )
    return out
