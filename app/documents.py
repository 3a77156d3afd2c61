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

from data.report.results import Report, StageItem, StageResult
from widgets.format import fmt_days, fmt_hours, fmt_local, fmt_pct
from widgets.i18n import translate

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


def report_html(report: Report | None, *, title: str | None = None, note: str = "") -> str:
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
    in_use = translate("Export", "Definitions in use")
    parts.append(f"<h3>{e(in_use)}</h3><ul>")
    parts += [f"<li>{e(k)}: {e(str(v))}</li>" for k, v in sorted(report.definitions.items())]
    parts.append("</ul>")
    for s in report.streams:
        head = translate("Export", "Stream {name}").format(name=s.name)
        line = translate(
            "Export",
            "{completed} completed · lead time median {median}, p85 {p85} · flow efficiency {eff} · WIP {wip}"
            " · bottleneck {bottleneck}",
        ).format(
            completed=s.completed,
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
    d, x = report.dora, report.delivery
    dora_line = translate(
        "Export", "deployments/week {rate} · lead time for changes {lead} · change failure rate {cfr} · tiers {tiers}"
    ).format(
        rate="—" if d.deployments_per_week is None else d.deployments_per_week,
        lead=fmt_hours(d.lead_time_for_changes_median_h),
        cfr=fmt_pct(d.change_failure_rate, 1),
        tiers=", ".join(f"{k}: {v or chr(8212)}" for k, v in d.tiers.items()),
    )
    cd_line = translate(
        "Export",
        "production deployment success {rate} · release gap {gap} · requirement lead time {lead} "
        "({unlinked} not linked) · delivery time {delivery}",
    ).format(
        rate=fmt_pct(x.production_deployment_success_rate, 1),
        gap=fmt_days(x.release_gap_median_days),
        lead=fmt_hours(x.requirement_lead_time_median_h),
        unlinked=x.requirement_lead_time_unlinked,
        delivery=fmt_hours(x.delivery_time_median_h),
    )
    cd_head = translate("Export", "Continuous delivery")
    parts.append(f"<h3>DORA</h3><p>{e(dora_line)}</p><h3>{e(cd_head)}</h3><p>{e(cd_line)}</p>")
    return "".join(parts)


def write_pdf(
    path: Path,
    report: Report | None,
    pages: Sequence[tuple[str, QWidget]],
    *,
    note: str = "",
    sections: Sequence[str] = (),
) -> int:
    """Write the report PDF: a summary page, a page per HTML ``sections`` entry (escaped by its maker, e.g. the
    future-state scenarios), then one page per ``(caption, widget)``; returns pages."""
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
        doc.setHtml(report_html(report, note=note))
        doc.setPageSize(QSizeF(page.width(), page.height()))
        doc.setTextWidth(page.width())
        doc.drawContents(painter, page)
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
