"""Trends, Releases and Data quality on the real demo, at 1600x1000 and 1280x720, in English and Chinese:
nothing clipped, no two tick labels overlapping, the legend off the plotted points, every text translated.

Screenshots go to tests/gui/artifacts/geometry-<lang>-<size>-<page>.png (look at them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QHeaderView

from app.controllers.report import Controller
from app.main_window.pages import PAGES, TRUST_PAGES
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data import i18n
from data.config.parse import load_config
from data.store.store import Store
from tests.helpers.charts import overlaps, tick_labels
from tests.helpers.i18n_checks import CJK, data_words, english_words, visible_texts
from tests.helpers.wall import clipped, settle
from widgets.i18n import install_translators
from widgets.release_report import RELEASE_COLUMNS
from widgets.trend_chart import TrendCharts

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SIZES = [(1600, 1000), (1280, 720)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from data.demo import generate

    path = tmp_path_factory.mktemp("geometry") / "demo.db"
    with Store.open(f"sqlite:///{path}") as store:
        generate(store)
    return path


@pytest.fixture(params=["en", "zh_CN"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translators(qapp, request.param)
    i18n.set_language(request.param)
    yield request.param
    install_translators(qapp, "en")
    i18n.set_language("en")


def _inside(outer: QRectF, inner: QRectF, slack: float = 0.5) -> bool:
    return outer.adjusted(-slack, -slack, slack, slack).contains(inner)


def chart_problems(charts: TrendCharts) -> list[str]:
    """Tick labels that overlap or are cut off, titles that do not fit, a legend on the data."""
    bad: list[str] = []
    view = charts.layout_widget
    port = QRectF(view.viewport().rect())

    def on_screen(item: Any, rect: QRectF) -> bool:
        return _inside(port, view.mapFromScene(item.mapRectToScene(rect)).boundingRect())

    for key, plot in charts.plots.items():
        title = plot.titleLabel
        own = title.item.boundingRect()
        text_rect = title.item.mapRectToScene(own)
        if own.width() > title.width() + 1 or not on_screen(title.item, own):
            bad.append(f"{key}: title {title.text!r} does not fit")
        data_rect = plot.vb.sceneBoundingRect()
        if text_rect.intersects(data_rect):
            bad.append(f"{key}: title/legend {text_rect} overlaps the data area {data_rect}")
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            labels = tick_labels(axis)
            if len(labels) < 2:
                bad.append(f"{key} {name}: {len(labels)} tick labels")
            bad += [f"{key} {name}: {o}" for o in overlaps(labels)]
            fm = QFontMetricsF(axis.style["tickFont"])
            clip = axis.boundingRect()
            for rect, text in labels:
                # pyqtgraph lays labels out at 80 % of their height: check the whole line.
                top = rect.top() if name == "bottom" else rect.center().y() - fm.height() / 2
                full = QRectF(rect.left(), top, rect.width(), fm.height())
                if not _inside(clip, full) or not on_screen(axis, full):
                    bad.append(f"{key} {name}: tick label {text!r} cut off")
                scene = axis.mapRectToScene(full)
                if scene.intersects(text_rect):
                    bad.append(f"{key} {name}: tick label {text!r} overlaps the title")
    # The legend (in the lead-time title row) against every plotted point of that plot.
    lead = charts.plots["lead"]
    legend = lead.titleLabel.item.mapRectToScene(lead.titleLabel.item.boundingRect())
    for curve in (charts.lead_median, charts.lead_p85):
        xs, ys = curve.getData()
        for x, y in zip(xs, ys, strict=True):
            if y == y:  # not NaN
                point = lead.vb.mapViewToScene(QPointF(float(x), float(y)))
                if legend.contains(point):
                    bad.append(f"legend covers the point ({x}, {y})")
                if not lead.vb.sceneBoundingRect().contains(point):
                    bad.append(f"point ({x}, {y}) outside the plot")
    return bad


def table_problems(table: Any) -> list[str]:
    """Headings or cells narrower than Qt says their text needs (Qt would elide them with "…")."""
    bad: list[str] = []
    header: QHeaderView = table.horizontalHeader()
    for c in range(table.columnCount()):
        if table.isColumnHidden(c):
            continue
        width = table.columnWidth(c)
        heading = table.horizontalHeaderItem(c).text()
        if header.sectionSizeHint(c) > width:
            bad.append(f"heading {heading!r}: {width} px, needs {header.sectionSizeHint(c)}")
        if table.sizeHintForColumn(c) > width:
            bad.append(f"column {heading!r}: {width} px, its cells need {table.sizeHintForColumn(c)}")
    if table.horizontalScrollBar().maximum() > 0:
        bad.append("the columns do not fit the table's width")
    return bad


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_trends_releases_quality_fit(qtbot: Any, lang: str, size: tuple[int, int], demo_db: Path) -> None:
    c = Controller(load_config(None), lambda: Store.open(f"sqlite:///{demo_db}"))
    w = MainWindow(c, UiSettings())
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    try:
        with qtbot.waitSignal(c.report_ready, timeout=60_000):
            c.start()
        qtbot.waitUntil(lambda: bool(c.last_trends), timeout=60_000)
        qtbot.waitUntil(lambda: c.workers.active() == 0, timeout=60_000)
        assert (w.width(), w.height()) == size
        ARTIFACTS.mkdir(exist_ok=True)
        with Store.open(f"sqlite:///{demo_db}") as store:
            allowed = data_words(store)
        tag = f"{lang}-{size[0]}x{size[1]}"
        for page in ("trends", "releases", "quality"):
            if page in TRUST_PAGES:
                with qtbot.waitSignal(w.trust.computed, timeout=60_000, check_params_cb=lambda n, p=page: n == p):
                    w.tabs.setCurrentIndex(PAGES.index(page))
            else:
                w.tabs.setCurrentIndex(PAGES.index(page))
            settle(qtbot)
            assert w.grab().save(str(ARTIFACTS / f"geometry-{tag}-{page}.png"))
            assert clipped(w) == [], page
            texts = visible_texts(w)
            if lang == "en":
                assert [t for _w, t in texts if CJK.search(t) and t != "领域"] == [], page
            else:
                assert [f"{where}: {t!r}" for where, t in texts if english_words(t, allowed)] == [], page
            if page == "trends":
                charts = w.pages.trends
                assert len(charts.points()) >= 13
                assert chart_problems(charts) == []
                # The demo's two thin weeks (two completions each) are gaps, and the note says why.
                assert charts.note.isVisible() and sum(p.too_few for p in charts.points()) == 2
                if lang == "zh_CN":
                    assert CJK.search(charts.plots["lead"].titleLabel.text)
                    assert CJK.search(charts.empty_text["lead"].toPlainText())
                    assert all(CJK.search(t) for _r, t in tick_labels(charts.plots["lead"].getAxis("bottom")))
            elif page == "releases":
                table = w.trust.releases
                assert table.rowCount() == len(w.trust.release_rows) > 0
                assert table.isColumnHidden(RELEASE_COLUMNS.index("source"))  # the demo has one CI source
                assert table_problems(table) == []
            else:
                q = w.trust.quality.report
                assert q is not None and q.unlinked is not None and q.unlinked.count > 0
                assert q.problem_count >= q.unlinked.count
                summary = w.trust.quality.summary.text()
                assert str(q.unlinked.count) in summary.split("\n")[-1]
    finally:
        c.shutdown()
