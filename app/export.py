"""Export: widgets and charts as PNG, the dashboard as a PDF report, a stage's items as CSV.

PNG uses ``QWidget.grab`` (which renders offscreen too); pyqtgraph's SVG exporter is avoided on
purpose (broken with PySide6 6.12, pyqtgraph #3485). The PDF is drawn by Qt's own ``QPdfWriter``:
a title page with the window, the definitions in use and the headline numbers (as escaped text),
then one page per dashboard page image. CSV cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPixmap, QTextDocument
from PySide6.QtWidgets import QWidget

from data.results import Report, StageItem, StageResult
from widgets.format import fmt_hours, fmt_local, fmt_pct

__all__ = ["ExportError", "csv_safe", "report_html", "save_png", "write_pdf", "write_stage_csv"]

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


def report_html(report: Report | None, *, title: str = "Flowdeck report", note: str = "") -> str:
    """The PDF's first page as HTML; every value is escaped (remote names stay text)."""
    e = html.escape
    if report is None:
        return f"<h1>{e(title)}</h1><p>No data.</p>"
    parts = [
        f"<h1>{e(title)}</h1>",
        f"<p>Window {e(fmt_local(report.window_from))} – {e(fmt_local(report.window_to))} (local time, end "
        f"exclusive); as of {e(fmt_local(report.as_of))}.</p>",
    ]
    if note:
        parts.append(f"<p><b>{e(note)}</b></p>")
    parts.append("<h3>Definitions in use</h3><ul>")
    parts += [f"<li>{e(k)}: {e(str(v))}</li>" for k, v in sorted(report.definitions.items())]
    parts.append("</ul>")
    for s in report.streams:
        parts.append(
            f"<h3>Stream {e(s.name)}</h3><p>{s.completed} completed · lead time median "
            f"{e(fmt_hours(s.lead_time_median_h))}, p85 {e(fmt_hours(s.lead_time_p85_h))} · flow efficiency "
            f"{e(fmt_pct(s.flow_efficiency))} · WIP {s.wip} · bottleneck {e(s.bottleneck or '—')}</p>"
        )
        parts.append(
            "<table border='1' cellspacing='0' cellpadding='3'><tr><th>Stage</th><th>Items</th>"
            "<th>Wait (median)</th><th>Process (median)</th><th>WIP</th><th>%C&amp;A</th></tr>"
        )
        for st in s.stages:
            parts.append(
                f"<tr><td>{e(st.name)}</td><td>{st.items}</td><td>{e(fmt_hours(st.wait_median_h))}</td>"
                f"<td>{e(fmt_hours(st.active_median_h))}</td><td>{st.wip}</td>"
                f"<td>{e(fmt_pct(st.complete_accurate))}</td></tr>"
            )
        parts.append("</table>")
    d, x = report.dora, report.delivery
    parts.append(
        "<h3>DORA</h3><p>"
        f"deployments/week {d.deployments_per_week if d.deployments_per_week is not None else '—'} · "
        f"lead time for changes {e(fmt_hours(d.lead_time_for_changes_median_h))} · "
        f"change failure rate {e(fmt_pct(d.change_failure_rate, 1))} · "
        f"tiers {e(', '.join(f'{k}: {v or chr(8212)}' for k, v in d.tiers.items()))}</p>"
        "<h3>Continuous delivery</h3><p>"
        f"production deployment success {e(fmt_pct(x.production_deployment_success_rate, 1))} · "
        f"release gap {'—' if x.release_gap_median_days is None else f'{x.release_gap_median_days:.1f} d'} · "
        f"requirement lead time {e(fmt_hours(x.requirement_lead_time_median_h))} "
        f"({x.requirement_lead_time_unlinked} not linked) · delivery time {e(fmt_hours(x.delivery_time_median_h))}</p>"
    )
    return "".join(parts)


def write_pdf(path: Path, report: Report | None, pages: Sequence[tuple[str, QWidget]], *, note: str = "") -> int:
    """Write the report PDF: a summary page, then one page per ``(caption, widget)``; returns pages."""
    writer = QPdfWriter(str(path))
    writer.setTitle("Flowdeck report")
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
        doc.setHtml(report_html(report, note=note))
        doc.setPageSize(QSizeF(page.width(), page.height()))
        doc.setTextWidth(page.width())
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
