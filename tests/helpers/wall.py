"""The wall with a realistic busy view, and the clipping check the wall and i18n tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.wall import WallWindow
from data.pipelines.order import sort_pipelines
from data.pipelines.results import PipelineStatus
from data.pipelines.status import PipelineView
from tests.helpers import samples

NOW = datetime(2026, 3, 29, 10, 10, tzinfo=UTC)


def view() -> PipelineView:
    """The samples plus a long-named failing main and a stale one: a realistic busy wall."""
    t = NOW - timedelta(hours=1)
    extra = [
        PipelineStatus(
            "github",
            "customer-onboarding-service-with-a-very-long-name",
            "main",
            "failed",
            run_id="3",
            sha="c0ffee00",
            started_at=t,
            finished_at=t + timedelta(minutes=9),
            duration_s=540,
            broken_since=t - timedelta(days=2),
            failing_runs=12,
            authors=("zhang.wei", "li.na", "wang.fang", "liu.yang", "chen.jie", "yang.lei"),
        ),
        PipelineStatus(
            "gitlab",
            "ledger",
            "main",
            "running",
            run_id="8",
            started_at=NOW - timedelta(minutes=4),
            eta_s=600,
            stale=True,
        ),
    ]
    statuses = tuple(sort_pipelines(extra + samples.pipelines()))  # a view is in wall order
    counts = {"failed": 2, "running": 2, "success": 1, "unknown": 1}
    return PipelineView(statuses, NOW, 14.0, hidden=1234, counts=counts)


def make_wall(qtbot: Any, size: tuple[int, int], **kw: Any) -> WallWindow:
    """A shown wall of ``size`` with the busy :func:`view`, the sample report and 40 s old data."""
    w = WallWindow(None, height=size[1], clock=lambda: NOW, **kw)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    w.show_pipelines(view())
    w.show_report(samples.report())
    w.clock.set_data_time(NOW - timedelta(seconds=40))
    return w


def _visible_labels(root: QWidget) -> list[QLabel]:
    return [lab for lab in root.findChildren(QLabel) if lab.isVisibleTo(root) and lab.text()]


def clipped(root: QWidget) -> list[str]:
    """Labels whose text needs more room than they got (wrapped: height; unwrapped: width)."""
    bad = []
    for lab in _visible_labels(root):
        if lab.pixmap() is not None and not lab.pixmap().isNull():
            continue
        if lab.wordWrap():
            need_h = lab.heightForWidth(lab.width())
            if need_h > lab.height() + 1:
                bad.append(f"{lab.text()[:40]!r}: needs {need_h} px high, has {lab.height()}")
        elif lab.sizeHint().width() > lab.width() + 1:
            bad.append(f"{lab.text()[:40]!r}: needs {lab.sizeHint().width()} px wide, has {lab.width()}")
    return bad


def settle(qtbot: Any) -> None:
    """Let pending layouts and paints run."""
    QApplication.processEvents()
    qtbot.wait(20)
    QApplication.processEvents()


def overlapping(widgets: list[QWidget], root: QWidget) -> list[str]:
    """Pairs of visible widgets whose rectangles (in ``root``) intersect."""
    rects = [(w, QRect(w.mapTo(root, w.rect().topLeft()), w.size())) for w in widgets if w.isVisibleTo(root)]
    bad = []
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1 :]:
            if ra.intersects(rb):
                bad.append(f"{a.objectName()} {ra} x {b.objectName()} {rb}")
    return bad
