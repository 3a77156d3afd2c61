"""``flowdeck release SOURCE:REPO:ID|latest``: what one production deployment carried.

Prints the release report (changes, tickets, lead times, the shipping pipeline with its approval
wait, linked incidents) as readable text, or ``--json``; ``--csv FILE`` and ``--pdf FILE`` write
it to files. CSV cells that a spreadsheet would run as a formula are neutralised; the PDF is drawn
by Qt (``QTextDocument`` into ``QPdfWriter``) with every remote text HTML-escaped, so a title such
as ``<img src=…>`` is printed, never interpreted.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli import UsageError
from app.commands.common import config_of, open_store, printable
from data.i18n import gettext_ as _
from data.i18n import ljust, width

DASH = "—"


def add_parser(subparsers: Any) -> None:
    """Register ``release``."""
    p = subparsers.add_parser(
        "release",
        help="the release report of one production deployment (changes, tickets, pipeline, incidents)",
        description="Report what a production deployment carried. DEPLOYMENT is SOURCE:REPO:ID "
        "(e.g. jenkins:bank/mobile:mobile-production-7) or 'latest'.",
    )
    p.add_argument("deployment", metavar="DEPLOYMENT", help="SOURCE:REPO:ID or latest")
    p.add_argument("--stream", metavar="NAME", help="value stream (default: the first configured)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also write the report as CSV")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="also write the report as PDF")
    p.set_defaults(func=run)


def parse_deployment(value: str) -> tuple[str, str, str]:
    """``SOURCE:REPO:ID`` -> the triple; the repository may itself hold no colon, the id may."""
    parts = value.split(":", 2)
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise UsageError(f"DEPLOYMENT must be SOURCE:REPO:ID or latest; got {value!r}")
    return parts[0], parts[1], parts[2]


def run(args: argparse.Namespace) -> int:
    """Build the report, print it and write the files asked for."""
    from data.release.build import latest_production_deployment, release_report

    config = config_of(args)
    config.stream(args.stream)
    wanted = None if args.deployment == "latest" else parse_deployment(args.deployment)
    store = open_store(args)
    try:
        try:
            if wanted is None:
                d = latest_production_deployment(store, config, stream=args.stream)
                wanted = (d.source, d.repo, d.id)
            report = release_report(store, config, wanted, stream=args.stream)
        except LookupError as exc:
            print(f"flowdeck: {exc.args[0]}", file=sys.stderr)
            return 1
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    finally:
        store.close()
    if args.json:
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(report))
    try:
        if args.csv:
            n = write_csv(report, args.csv)
            print(f"wrote {n} rows to {args.csv}", file=sys.stderr)
        if args.pdf:
            write_pdf(report, args.pdf)
            print(f"wrote {args.pdf}", file=sys.stderr)
    except OSError as exc:
        print(f"flowdeck: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


# --- text -----------------------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    return DASH if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def _h(value: float | None) -> str:
    if value is None:
        return DASH
    return _("{0} h").format(f"{value:.1f}") if abs(value) < 48 else _("{0} d").format(f"{value / 24:.1f}")


def _s(value: float | None) -> str:
    if value is None:
        return DASH
    return _("{0} min").format(f"{value / 60:.1f}") if value < 7200 else _("{0} h").format(f"{value / 3600:.1f}")


def _one(text: str | None) -> str:
    return DASH if not text else printable(text)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "  " + _("none") + "\n"
    rows = [[printable(c) for c in r] for r in rows]  # keys, repositories and results are remote text too
    widths = [max(width(h), *(width(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "".join("  " + "  ".join(ljust(c, w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in lines)


def sections(report: Any) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables as (title, headers, rows) — shared by the text and the PDF."""
    out: list[tuple[str, list[str], list[list[str]]]] = [
        (
            _("Changes ({n})").format(n=len(report.changes)),
            [_("change"), _("title"), _("author"), _("merged"), _("tickets"), _("lead time")],
            [
                [
                    f"{c.repo}#{c.id}",
                    _one(c.title)[:70],
                    _one(c.author),
                    _when(c.merged_at),
                    ", ".join(c.tickets) or DASH,
                    _h(c.lead_time_h) if c.first_deployed_here else _("{0} (earlier)").format(_h(c.lead_time_h)),
                ]
                for c in report.changes
            ],
        ),
        (
            _("Tickets ({n})").format(n=len(report.tickets)),
            [_("ticket"), _("title"), _("type"), _("created"), _("requirement lead time")],
            [
                [t.key, _one(t.title)[:70], _one(t.type), _when(t.created_at), _h(t.requirement_lead_time_h)]
                for t in report.tickets
            ],
        ),
    ]
    p = report.pipeline
    out.append(
        (
            _("Pipeline {pipeline}").format(
                pipeline=DASH
                if p is None
                else _("{name} #{id} (attempt {attempt}, {result})").format(
                    name=_one(p.pipeline), id=p.id, attempt=p.attempt, result=p.result or DASH
                )
            ),
            [_("job"), _("result"), _("queued"), _("approval wait"), _("running")],
            []
            if p is None
            else [
                [_one(j.name), j.result or DASH, _s(j.queue_s), _s(j.approval_wait_s), _s(j.active_s)] for j in p.jobs
            ],
        )
    )
    out.append(
        (
            _("Incidents linked to this deployment ({n})").format(n=len(report.incidents)),
            [_("incident"), _("title"), _("created"), _("resolved"), _("recovery")],
            [
                [n.key, _one(n.title)[:70], _when(n.created_at), _when(n.resolved_at), _h(n.recovery_h)]
                for n in report.incidents
            ],
        )
    )
    return out


def header_lines(report: Any) -> list[str]:
    """The deployment's identity and the linking method, one fact per line."""
    d = report.deployment
    return [
        _("Release {repo}#{id} ({source}) to {environment}: {status}").format(
            repo=d.repo, id=d.id, source=d.source, environment=d.environment, status=d.status
        ),
        _("Started {started}, finished {finished}; sha {sha}, ref {ref}").format(
            started=_when(d.started_at), finished=_when(d.finished_at), sha=d.sha or DASH, ref=d.ref or DASH
        ),
        _("Stream {stream}; changes linked {method}").format(stream=report.stream, method=report.method_text),
    ]


def render_text(report: Any) -> str:
    """The release report as readable text."""
    parts = [printable(line) + "\n" for line in header_lines(report)]
    for title, headers, rows in sections(report):
        parts.append(f"\n{title}\n")
        parts.append(_table(headers, rows))
    return "".join(parts)


# --- CSV -------------------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat().replace("+00:00", "Z")


def _num(value: float | None, scale: float = 1.0) -> str:
    return "" if value is None else f"{value / scale:.3f}"


def write_csv(report: Any, path: Path) -> int:
    """One table, one row per deployment/change/ticket/job/incident; returns the rows written."""
    from app.documents import csv_safe

    d = report.deployment
    rows: list[list[str]] = [
        [
            "deployment",
            d.source,
            f"{d.repo}#{d.id}",
            d.environment,
            d.status,
            _iso(d.finished_at),
            "",
            "",
            "",
            report.method,
        ]
    ]
    for c in report.changes:
        rows.append(
            [
                "change",
                c.source,
                f"{c.repo}#{c.id}",
                c.title,
                c.author or "",
                _iso(c.merged_at),
                _num(c.lead_time_h),
                "",
                "",
                ";".join(c.tickets),
            ]
        )
    for t in report.tickets:
        rows.append(
            [
                "ticket",
                t.source,
                t.key,
                t.title,
                t.type or "",
                _iso(t.created_at),
                _num(t.requirement_lead_time_h),
                "",
                "",
                t.status or "",
            ]
        )
    if report.pipeline is not None:
        p = report.pipeline
        for j in p.jobs:
            rows.append(
                [
                    "job",
                    p.source,
                    f"{p.pipeline}#{p.id}",
                    j.name,
                    j.result or "",
                    "",
                    _num(j.active_s, 3600),
                    _num(j.queue_s, 3600),
                    _num(j.approval_wait_s, 3600),
                    "",
                ]
            )
    for n in report.incidents:
        rows.append(
            [
                "incident",
                n.source,
                n.key,
                n.title or "",
                "",
                _iso(n.created_at),
                _num(n.recovery_h),
                "",
                "",
                _iso(n.resolved_at),
            ]
        )
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "section",
                "source",
                "key",
                "title",
                "who_or_result",
                "at",
                "hours",
                "queue_h",
                "approval_wait_h",
                "detail",
            ]
        )
        for r in rows:
            w.writerow([csv_safe(x) for x in r])
    return len(rows)


# --- PDF -------------------------------------------------------------------------------------------


def report_html(report: Any) -> str:
    """The report as an HTML document in which every piece of text is escaped."""
    e = html.escape
    parts = ["<html><body style='font-family: sans-serif; font-size: 9pt'>"]
    lines = header_lines(report)
    parts.append(f"<h2>{e(lines[0])}</h2>")
    parts.extend(f"<p>{e(line)}</p>" for line in lines[1:])
    for title, headers, rows in sections(report):
        parts.append(f"<h3>{e(title)}</h3>")
        if not rows:
            parts.append("<p>none</p>")
            continue
        parts.append("<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>")
        parts.extend(f"<th align='left'>{e(h)}</th>" for h in headers)
        parts.append("</tr>")
        for r in rows:
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def write_pdf(report: Any, path: Path) -> None:
    """Render :func:`report_html` to an A4 PDF with Qt (offscreen when no GUI is running)."""
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    app = QGuiApplication.instance()
    if app is None:  # a command-line run: no window system needed to draw into a PDF
        app = QGuiApplication(["flowdeck", "-platform", "offscreen"])
    writer = QPdfWriter(str(path))
    writer.setTitle("Flowdeck release report")
    writer.setCreator("Flowdeck")
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(12, 12, 12, 12))
    )
    doc = QTextDocument()
    doc.setHtml(report_html(report))
    doc.setPageSize(QSizeF(writer.pageLayout().paintRectPoints().size()))
    doc.print_(writer)
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(5, "the PDF writer produced nothing", str(path))
