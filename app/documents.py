"""Export: widgets and charts as PNG, the dashboard as a PDF report, a stage's items as CSV.

PNG uses ``QWidget.grab`` (which renders offscreen too); pyqtgraph's SVG exporter is avoided on
purpose (broken with PySide6 6.12, pyqtgraph #3485). The PDF is drawn by Qt's own ``QPdfWriter``:
a title page with the window, the story since the baseline, the definitions in use and the
headline numbers (as escaped text, rounded as on screen, named and defined as in the app:
:mod:`data.report.vocabulary`), then one page per dashboard page image. CSV cells that a
spreadsheet would run as a formula are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPixmap, QTextDocument
from PySide6.QtWidgets import QWidget

from data.report import vocabulary
from data.report.results import Headline, Report, StageItem, StageResult
from widgets.comparison import change_text
from widgets.figure_text import fmt_figure, fmt_target, met_mark
from widgets.format import fmt_hours, fmt_local, fmt_pct
from widgets.i18n import translate
from widgets.scorecard import ScoreRow, delivery_rows, dora_rows, met_text, tier_text

__all__ = ["ExportError", "csv_safe", "headline_html", "report_html", "save_png", "write_pdf", "write_stage_csv"]

#: First characters that make Excel/LibreOffice evaluate a cell (OWASP CSV injection), plus tab/CR.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """An export could not be written; the message names the file."""


def csv_safe(value: object) -> str:
    """The cell text, with a leading apostrophe when a spreadsheet would treat it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_stage_csv(stage: StageResult | Sequence[StageItem], path: Path) -> int:
    """Write the items behind a stage (hours as numbers, instants in UTC ISO 8601); returns rows."""
    items = stage.details if isinstance(stage, StageResult) else tuple(stage)
    try:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["source", "key", "title", "url", "wait_h", "active_h", "visits", "completed_at"])
            for i in items:
                completed = i.completed_at.isoformat().replace("+00:00", "Z") if i.completed_at else ""
                w.writerow(
                    [
                        csv_safe(i.source),
                        csv_safe(i.key),
                        csv_safe(i.title),
                        csv_safe(i.url or ""),
                        f"{i.wait_h:.3f}",
                        f"{i.active_h:.3f}",
                        i.visits,
                        completed,
                    ]
                )
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(items)


def save_png(widget: QWidget, path: Path) -> QPixmap:
    """Render ``widget`` (visible or not) to a PNG file."""
    pixmap = widget.grab()
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        raise ExportError(f"cannot write the image {path}")
    return pixmap


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An escaped HTML table."""
    e = html.escape
    out = ["<table border='1' cellspacing='0' cellpadding='3'><tr>", *(f"<th>{e(h)}</th>" for h in headings), "</tr>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _definition_words(definitions: dict[str, str]) -> list[str]:
    """The definitions in use, in words (``Median: interpolated``), not as keys."""
    words = {
        "interpolated": translate("Export", "interpolated"),
        "lower": translate("Export", "lower (as DevLake)"),
        "calendar": translate("Export", "calendar time"),
        "working": translate("Export", "working time"),
    }
    names = {
        "median": translate("Export", "Median"),
        "dora": translate("Export", "DORA definitions"),
        "calendar": translate("Export", "Durations"),
    }
    return [
        translate("Export", "{name}: {value}").format(name=names.get(k, k), value=words.get(str(v), str(v)))
        for k, v in sorted(definitions.items())
    ]


def headline_html(headline: Headline) -> str:
    """The story since the baseline as an HTML heading, a line and a table (escaped)."""
    e = html.escape
    head = translate("Export", "Since the baseline")
    line = translate(
        "Export", "Baseline {b0} – {b1}; now {n0} – {n1} (local time, ends exclusive); stream {stream}."
    ).format(
        b0=fmt_local(headline.baseline_from),
        b1=fmt_local(headline.baseline_to),
        n0=fmt_local(headline.now_from),
        n1=fmt_local(headline.now_to),
        stream=headline.stream,
    )
    rows = []
    for f in headline.figures:
        shown = (fmt_figure(f.unit, f.baseline), fmt_figure(f.unit, f.now))
        tier = tier_text(f.now_tier) if (f.now_tier or f.baseline_tier) else ""
        rows.append(
            [
                vocabulary.name(f.key),
                *shown,
                change_text(f.baseline, f.now, f.lower_is_better, shown),
                fmt_target(f.target, f.unit),
                met_mark(f.met),
                tier,
            ]
        )
    headings = [
        translate("Export", "Figure"),
        translate("Export", "Baseline"),
        translate("Export", "Now"),
        translate("Export", "Change"),
        translate("Export", "Target"),
        translate("Export", "Target met?"),
        translate("Export", "DORA tier"),
    ]
    return f"<h3>{e(head)}</h3><p>{e(line)}</p>" + _table(headings, rows)


def _score_table(rows: list[ScoreRow], *, dora: bool) -> str:
    """The scorecard's rows: name, value (rounded as on screen) and tier or target in words."""
    last = translate("Export", "Tier") if dora else translate("Export", "Target")
    body = []
    for r in rows:
        verdict = tier_text(r.tier) if dora else ("—" if r.target is None else f"{r.target}: {met_text(r.met)}")
        value = f"{r.value} ({r.note})" if r.note else r.value
        body.append([r.label, value, verdict])
    return _table([translate("Export", "Figure"), translate("Export", "Value"), last], body)


def report_html(
    report: Report | None, *, title: str | None = None, note: str = "", headline: Headline | None = None
) -> str:
    """The PDF's first page as HTML; every value is escaped (remote names stay text)."""
    e = html.escape
    title = translate("Export", "Flowdeck report") if title is None else title
    if report is None:
        no_data = translate("Export", "No data.")
        return f"<h1>{e(title)}</h1><p>{e(no_data)}</p>"
    window = translate("Export", "Window {start} – {end} (local time, end exclusive); as of {as_of}.").format(
        start=fmt_local(report.window_from), end=fmt_local(report.window_to), as_of=fmt_local(report.as_of)
    )
    parts = [f"<h1>{e(title)}</h1>", f"<p>{e(window)}</p>"]
    if note:
        parts.append(f"<p><b>{e(note)}</b></p>")
    if headline is not None:
        parts.append(headline_html(headline))
    in_use = translate("Export", "Definitions in use")
    parts.append(f"<h3>{e(in_use)}</h3><ul>")
    parts += [f"<li>{e(text)}</li>" for text in _definition_words(report.definitions)]
    parts.append("</ul>")
    for s in report.streams:
        head = translate("Export", "Stream {name}").format(name=s.name)
        line = translate(
            "Export",
            "{completed} completed · {lead} median {median}, p85 {p85} · flow efficiency {eff} · WIP {wip}"
            " · bottleneck {bottleneck}",
        ).format(
            completed=s.completed,
            lead=vocabulary.name("ticket_lead_time"),
            median=fmt_hours(s.lead_time_median_h),
            p85=fmt_hours(s.lead_time_p85_h),
            eff=fmt_pct(s.flow_efficiency),
            wip=s.wip,
            bottleneck=s.bottleneck or "—",
        )
        parts.append(f"<h3>{e(head)}</h3><p>{e(line)}</p>")
        headings = (
            translate("Export", "Stage"),
            translate("Export", "Items"),
            translate("Export", "Wait (median)"),
            translate("Export", "Process (median)"),
            translate("Export", "WIP"),
            "%C&A",
        )
        parts.append(
            "<table border='1' cellspacing='0' cellpadding='3'><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in headings)
            + "</tr>"
        )
        for st in s.stages:
            parts.append(
                f"<tr><td>{e(st.name)}</td><td>{st.items}</td><td>{e(fmt_hours(st.wait_median_h))}</td>"
                f"<td>{e(fmt_hours(st.active_median_h))}</td><td>{st.wip}</td>"
                f"<td>{e(fmt_pct(st.complete_accurate))}</td></tr>"
            )
        parts.append("</table>")
    dora, delivery = dora_rows(report), delivery_rows(report)
    cd_head = translate("Export", "Continuous delivery")
    parts.append(
        f"<h3>DORA</h3>{_score_table(dora, dora=True)}<h3>{e(cd_head)}</h3>{_score_table(delivery, dora=False)}"
    )
    defined = translate("Export", "What the figures mean")
    keys = ["ticket_lead_time", *(r.key for r in delivery + dora if r.key)]
    parts.append(f"<h3>{e(defined)}</h3><ul>")
    parts += [f"<li><b>{e(vocabulary.name(k))}</b>: {e(vocabulary.definition(k))}</li>" for k in dict.fromkeys(keys)]
    parts += [
        f"<li>{e(vocabulary.note(n))}</li>" for n in (vocabulary.DEPLOYMENT_COUNTS, vocabulary.SUCCESS_VS_FAILURE)
    ]
    parts.append("</ul>")
    return "".join(parts)


def write_pdf(
    path: Path,
    report: Report | None,
    pages: Sequence[tuple[str, QWidget]],
    *,
    note: str = "",
    headline: Headline | None = None,
    sections: Sequence[str] = (),
) -> int:
    """Write the report PDF: the summary (with the story since the baseline when ``headline`` is
    given, on as many pages as it takes), a page per HTML ``sections`` entry (escaped by its maker,
    e.g. the future-state scenarios), then one page per ``(caption, widget)``; returns pages."""
    writer = QPdfWriter(str(path))
    writer.setTitle(translate("Export", "Flowdeck report"))
    writer.setCreator("Flowdeck")
    writer.setResolution(150)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape, QMarginsF(12, 12, 12, 12))
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(f"cannot write the PDF {path}")
    count = 1
    try:
        page = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
        page = QRectF(0, 0, page.width(), page.height())
        doc = QTextDocument()
        doc.setHtml(report_html(report, note=note, headline=headline))
        doc.setPageSize(QSizeF(page.width(), page.height()))
        # The summary runs over as many pages as it needs (several streams, a long story) rather
        # than being cut at the first page's edge.
        for i in range(max(1, doc.pageCount())):
            if i:
                writer.newPage()
                count += 1
            painter.save()
            painter.translate(0, -i * page.height())
            doc.drawContents(painter, QRectF(0, i * page.height(), page.width(), page.height()))
            painter.restore()
        for section in sections:
            writer.newPage()
            count += 1
            doc.setHtml(section)
            doc.drawContents(painter, page)
        for caption, widget in pages:
            writer.newPage()
            count += 1
            painter.setPen(Qt.GlobalColor.black)
            f = painter.font()
            f.setPointSizeF(14)
            painter.setFont(f)
            painter.drawText(QRectF(0, 0, page.width(), 60), int(Qt.AlignmentFlag.AlignLeft), caption)
            image: QImage = widget.grab().toImage()
            if image.isNull():
                continue
            area = QRectF(0, 70, page.width(), page.height() - 70)
            scaled = image.scaled(
                area.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            painter.drawImage(QRectF(area.topLeft(), QSizeF(scaled.size())), scaled)
    finally:
        painter.end()
    return count
