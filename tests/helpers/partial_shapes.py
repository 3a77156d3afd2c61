"""Stores of partial data: every subset of the record kinds a first sync can leave behind.

A Jira-only team has tickets and incident tickets but no deployment; a CI-only team has runs and
nothing else; a brand-new store has nothing. :data:`SHAPES` holds one list of event lines
(docs/events.md) per shape, and :func:`store_of` imports one into a fresh store through the
importer, as a user's ``flowdeck import`` would. :func:`random_events` draws a store of random
shape for the property tests (tests/metrics/test_properties.py).
"""

from __future__ import annotations

import builtins
import io
import json
import random
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from data.events.importer import import_files
from data.store.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
#: A window that holds every event of every shape (and some empty time on both sides).
WINDOW = ("2026-02-16", "2026-04-06")

#: A config with a source (so the app does not generate the demo into an empty store) and a stream
#: with status, job and deployment stages, so every figure has something to look at.
CONFIG = """
[[sources]]
name = "jira"
kind = "jira"
url = "https://jira.invalid"
projects = ["PAY"]

[[streams]]
name = "Payments"
done = ["Done"]
production = "(?i)^prod"

[[streams.stages]]
name = "Development"
wait = ["Selected for Development"]
active = ["In Progress"]

[[streams.stages]]
name = "Test"
wait = ["Ready for Test"]
active = ["Testing"]

[[streams.stages]]
name = "Approval"
jobs = "(?i)^approve"

[[streams.stages]]
name = "Staging"
deployments = "(?i)^staging$"

[[streams.stages]]
name = "Production"
deployments = "(?i)^prod"
"""


def iso(at: datetime) -> str:
    """An event-file instant (UTC, ``Z``)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _h(hours: float) -> str:
    return iso(T0 + timedelta(hours=hours))


def ticket(key: str, created_h: float, moves: Iterable[tuple[float, str]], **extra: Any) -> list[dict[str, Any]]:
    """A work item and its status changes (``moves``: (hours after T0, new status))."""
    out: list[dict[str, Any]] = [
        {"kind": "work_item", "source": "jira", "key": key, "title": f"Ticket {key}", "type": "Story"}
        | {"created_at": _h(created_h)}
        | extra
    ]
    previous: str | None = None
    for at, to in moves:
        out.append({"kind": "status_change", "source": "jira", "key": key, "at": _h(at), "from": previous, "to": to})
        previous = to
    return out


def _tickets() -> list[dict[str, Any]]:
    flow = ["Selected for Development", "In Progress", "Ready for Test", "Testing", "Done"]
    out: list[dict[str, Any]] = []
    out += ticket("PAY-1", 0, zip((1, 5, 30, 32, 40), flow, strict=True))
    out += ticket("PAY-2", 2, zip((3, 50, 70, 71, 100), flow, strict=True))
    out += ticket("PAY-3", 4, [(6, "Selected for Development"), (20, "In Progress")])  # in progress
    out += ticket("PAY-4", 8, [(9, "Backlog")])  # a status no stage maps
    out += ticket("PAY-5", 10, [(11, "In Progress"), (12, "Selected for Development"), (200, "Done")])  # rework
    return out


def _incidents() -> list[dict[str, Any]]:
    return [
        {"kind": "incident", "source": "jira", "key": "OPS-1", "created_at": _h(60), "resolved_at": _h(63)},
        {"kind": "incident", "source": "jira", "key": "OPS-2", "created_at": _h(120), "repo": "bank/pay"},
        {"kind": "incident", "source": "jira", "key": "OPS-3", "created_at": _h(130), "title": "open"},
    ]


def _runs() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(3):
        base = 24.0 * n
        run = {"kind": "pipeline_run", "source": "jenkins", "pipeline": "bank/pay/release", "id": n + 1}
        out.append(
            run
            | {
                "result": "failure" if n == 1 else "success",
                "queued_at": _h(base),
                "started_at": _h(base + 0.1),
                "finished_at": _h(base + 3),
                "sha": f"{n + 1:040x}",
                "branch": "main",
            }
        )
        for j, name in enumerate(("build", "approve-production", "deploy-production")):
            out.append(
                {
                    "kind": "job_run",
                    "source": "jenkins",
                    "pipeline": "bank/pay/release",
                    "run": n + 1,
                    "id": j + 1,
                    "name": name,
                    "queued_at": _h(base + 0.1 + j),
                    "started_at": _h(base + 0.2 + j),
                    "finished_at": _h(base + 1 + j),
                    "result": "success",
                    "paused_s": 1800 if name.startswith("approve") else 0,
                }
            )
    # Running now, and queued: nothing finished.
    out.append(
        {"kind": "pipeline_run", "source": "jenkins", "pipeline": "bank/pay/pr", "id": 9, "status": "running"}
        | {"queued_at": _h(100), "started_at": _h(100.5)}
    )
    out.append(
        {"kind": "job_run", "source": "jenkins", "pipeline": "bank/pay/pr", "run": 9, "id": 1, "name": "approve-x"}
        | {"queued_at": _h(100.5)}
    )
    out.append({"kind": "pipeline_run", "source": "jenkins", "pipeline": "bank/pay/pr", "id": 10, "status": "queued"})
    return out


def _deployments() -> list[dict[str, Any]]:
    def dep(i: int, env: str, status: str, start: float, end: float | None, sha: int) -> dict[str, Any]:
        d = {"kind": "deployment", "source": "jenkins", "repo": "bank/pay", "id": f"d{i}", "environment": env}
        d |= {"status": status, "sha": f"{sha:040x}", "ref": "main", "started_at": _h(start)}
        return d | ({"finished_at": _h(end)} if end is not None else {})

    return [
        dep(1, "staging", "success", 20, 20.5, 1),
        dep(2, "production", "success", 40, 41, 1),
        dep(3, "production", "failure", 90, 91, 2),
        dep(4, "production", "success", 110, 111, 2),
        dep(5, "production", "running", 150, None, 3),
    ]


def _changes() -> list[dict[str, Any]]:
    def ch(i: int, created: float, merged: float | None, title: str) -> dict[str, Any]:
        c = {"kind": "change", "source": "github", "repo": "bank/pay", "id": i, "created_at": _h(created)}
        c |= {"title": title, "branch": f"feature/{i}", "first_commit_at": _h(created - 2)}
        return c | ({"merged_at": _h(merged), "merge_sha": f"{i:040x}"} if merged is not None else {})

    return [ch(1, 2, 10, "PAY-1 card limit"), ch(2, 52, 80, "PAY-2 fees"), ch(3, 140, None, "unmerged")]


def _no_history() -> list[dict[str, Any]]:
    return [
        {"kind": "work_item", "source": "jira", "key": f"PAY-{i}", "title": "t", "created_at": _h(i)} for i in (1, 2, 3)
    ]


def _one_item() -> list[dict[str, Any]]:
    return ticket("PAY-1", 0, [(1, "In Progress"), (5, "Done")])


def _one_instant() -> list[dict[str, Any]]:
    """Every kind of record, every instant the same millisecond."""
    at = _h(0)
    return [
        {"kind": "work_item", "source": "jira", "key": "PAY-1", "title": "t", "created_at": at},
        {"kind": "status_change", "source": "jira", "key": "PAY-1", "at": at, "to": "In Progress"},
        {"kind": "status_change", "source": "jira", "key": "PAY-1", "at": at, "from": "In Progress", "to": "Done"},
        {"kind": "work_item", "source": "jira", "key": "PAY-2", "title": "t", "created_at": at},
        {"kind": "status_change", "source": "jira", "key": "PAY-2", "at": at, "to": "Ready for Test"},
        {"kind": "change", "source": "github", "repo": "bank/pay", "id": 1, "created_at": at, "title": "PAY-1"}
        | {"first_commit_at": at, "first_review_at": at, "merged_at": at, "merge_sha": "a" * 40},
        {"kind": "pipeline_run", "source": "jenkins", "pipeline": "bank/pay/release", "id": 1, "result": "success"}
        | {"queued_at": at, "started_at": at, "finished_at": at, "sha": "a" * 40},
        {"kind": "job_run", "source": "jenkins", "pipeline": "bank/pay/release", "run": 1, "id": 1}
        | {"name": "approve", "queued_at": at, "started_at": at, "finished_at": at, "result": "success"},
        {"kind": "deployment", "source": "jenkins", "repo": "bank/pay", "id": "d1", "environment": "staging"}
        | {"status": "success", "sha": "a" * 40, "started_at": at, "finished_at": at},
        {"kind": "deployment", "source": "jenkins", "repo": "bank/pay", "id": "d2", "environment": "production"}
        | {"status": "success", "sha": "a" * 40, "started_at": at, "finished_at": at},
        {"kind": "deployment", "source": "jenkins", "repo": "bank/pay", "id": "d3", "environment": "production"}
        | {"status": "failure", "sha": "a" * 40, "started_at": at, "finished_at": at},
        {"kind": "incident", "source": "jira", "key": "OPS-1", "created_at": at, "resolved_at": at},
    ]


SHAPES: dict[str, list[dict[str, Any]]] = {
    "empty": [],
    "tickets": _tickets(),
    "tickets+incidents": _tickets() + _incidents(),
    "runs": _runs(),
    "deployments": _deployments(),
    "changes": _changes(),
    "no-history": _no_history(),
    "one-item": _one_item(),
    "one-instant": _one_instant(),
    "everything": _tickets() + _incidents() + _runs() + _deployments() + _changes(),
}


def lines(events: Iterable[dict[str, Any]]) -> str:
    """Events as a JSON-lines text."""
    return "".join(json.dumps({k: v for k, v in e.items() if v is not None}) + "\n" for e in events)


def store_of(url: str, events: Iterable[dict[str, Any]]) -> None:
    """Create the store at ``url`` and import ``events`` through the importer (one transaction)."""
    text = lines(events)
    with Store.open(url) as store:
        if text:
            import_files(store, ["-"], stdin=io.StringIO(text))


def write_config(directory: Path) -> Path:
    """:data:`CONFIG` as ``flowdeck.toml`` in ``directory``."""
    path = directory / "flowdeck.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


# --- random stores (property tests) ---------------------------------------------------------------

STATUSES = ("Selected for Development", "In Progress", "Ready for Test", "Testing", "Done", "Backlog")


def random_events(rng: random.Random, kinds: frozenset[str], n: int, span_h: int) -> list[dict[str, Any]]:
    """A random store of the record ``kinds`` (a subset of tickets, incidents, runs, deployments,
    changes), about ``n`` records of each, every instant within ``span_h`` hours after T0 (whole
    hours, so equal instants are frequent)."""

    def at() -> int:
        return rng.randint(0, span_h)

    out: list[dict[str, Any]] = []
    if "tickets" in kinds:
        for i in range(n):
            created = at()
            moves: list[tuple[float, str]] = []
            t = created
            for _ in range(rng.randint(0, 6)):
                t = min(span_h, t + rng.randint(0, 30))
                moves.append((t, rng.choice(STATUSES)))
            out += ticket(f"PAY-{i + 1}", created, moves)
    if "incidents" in kinds:
        for i in range(n):
            c = at()
            resolved = None if rng.random() < 0.3 else _h(min(span_h, c + rng.randint(0, 20)))
            repo = rng.choice((None, "bank/pay", "bank/other"))
            out.append(
                {"kind": "incident", "source": "jira", "key": f"OPS-{i}", "created_at": _h(c)}
                | {"resolved_at": resolved, "repo": repo}
            )
    if "runs" in kinds:
        for i in range(n):
            q = at()
            s = min(span_h, q + rng.randint(0, 3))
            f = min(span_h, s + rng.randint(0, 5))
            status = rng.choice(("completed", "completed", "running", "queued"))
            run = {"kind": "pipeline_run", "source": "ci", "pipeline": rng.choice(("bank/pay/ci", "bank/other/ci"))}
            run |= {"id": i, "status": status, "queued_at": _h(q)}
            if status != "queued":
                run["started_at"] = _h(s)
            if status == "completed":
                run |= {"finished_at": _h(f), "result": rng.choice(("success", "failure", "cancelled"))}
            out.append(run)
            for j in range(rng.randint(0, 3)):
                job = {"kind": "job_run", "source": "ci", "pipeline": run["pipeline"], "run": i, "id": j}
                job |= {"name": rng.choice(("build", "approve-prod", "approve")), "queued_at": _h(q)}
                if status != "queued":
                    job["started_at"] = _h(s)
                if status == "completed":
                    job |= {"finished_at": _h(f), "result": run["result"], "paused_s": rng.choice((0, 60, 3600))}
                out.append(job)
    if "deployments" in kinds:
        for i in range(n):
            s = at()
            status = rng.choice(("success", "success", "failure", "running", "cancelled"))
            d = {"kind": "deployment", "source": "ci", "repo": rng.choice(("bank/pay", "bank/other")), "id": i}
            d |= {"environment": rng.choice(("production", "staging", "dev")), "status": status}
            d |= {"sha": f"{rng.randint(1, 5):040x}", "started_at": _h(s)}
            if status != "running":
                d["finished_at"] = _h(min(span_h, s + rng.randint(0, 4)))
            out.append(d)
    if "changes" in kinds:
        for i in range(n):
            c = at()
            ch = {"kind": "change", "source": "github", "repo": rng.choice(("bank/pay", "bank/other")), "id": i}
            ch |= {"created_at": _h(c), "title": f"PAY-{rng.randint(1, max(n, 1))} work", "first_commit_at": _h(at())}
            if rng.random() < 0.8:
                ch |= {"merged_at": _h(min(span_h, c + rng.randint(0, 40))), "merge_sha": f"{rng.randint(1, 5):040x}"}
            out.append(ch)
    return out


#: Words that must never reach a user: the traceback header and any exception class name.
_BUILTIN_EXCEPTIONS = {
    n
    for n in dir(builtins)
    if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException)
}
_EXCEPTION_WORD = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b")


def leaked(text: str) -> list[str]:
    """Traceback headers and exception names in ``text`` (empty: nothing leaked)."""
    found = ["Traceback"] if "Traceback (most recent call last)" in text else []
    found += _EXCEPTION_WORD.findall(text)
    found += [w for w in re.findall(r"\b[A-Z]\w+\b", text) if w in _BUILTIN_EXCEPTIONS and w not in found]
    return found
