"""The GUI in Chinese and in English: every visible text of the main window (every page), the wall
(every page, 1080p and 4K) and the dialogs is translated, nothing is clipped, nothing Chinese leaks
into English; the Qt catalogue is complete and in sync with the code; screenshots of both languages
are saved under tests/gui/artifacts/ (look at them)."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QMessageBox,
)

from app.controllers.report import Controller
from app.main_window.pages import FUTURE_PAGES, PAGES, TRUST_PAGES
from app.main_window.window import MainWindow
from app.settings import UiSettings
from app.wall import WALL_PAGES
from data import i18n
from data.config.parse import load_config
from data.store.store import Store
from tests.helpers.engine import FakeEngine
from tests.helpers.i18n_checks import CJK, chinese, data_words, english_words, untranslated, visible_texts
from tests.helpers.needs import need_tool
from tests.helpers.wall import clipped, make_wall, settle
from widgets.i18n import install_translators, translate

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "flowdeck_zh_CN.ts"
QM = TS.with_suffix(".qm")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture
def zh(qapp: QApplication) -> Iterator[None]:
    assert install_translators(qapp, "zh_CN")
    i18n.set_language("zh_CN")
    yield
    install_translators(qapp, "en")
    i18n.set_language("en")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from data.demo import generate

    path = tmp_path_factory.mktemp("i18n") / "demo.db"
    with Store.open(f"sqlite:///{path}") as store:
        generate(store)
    return path


def _window(qtbot: Any, demo_db: Path) -> tuple[MainWindow, Controller]:
    # The dashboard figures come from the fake engine (fast, hand-built); the trust pages use the real demo.
    c = Controller(load_config(None), lambda: Store.open(f"sqlite:///{demo_db}"), engine=FakeEngine())
    w = MainWindow(c, UiSettings())
    qtbot.addWidget(w)
    w.resize(1600, 1000)  # the default --size
    w.show()
    with qtbot.waitSignal(c.report_ready, timeout=20_000):
        c.start()
    qtbot.waitUntil(lambda: bool(c.last_pipelines) and bool(c.last_trends), timeout=20_000)
    qtbot.waitUntil(lambda: c.workers.active() == 0, timeout=20_000)
    return w, c


def _walk_pages(qtbot: Any, w: MainWindow, lang: str, on_page: Any = None) -> dict[str, list[tuple[str, str]]]:
    """Show every page, save its screenshot, return what each page shows (``on_page(name)`` on each)."""
    ARTIFACTS.mkdir(exist_ok=True)
    seen: dict[str, list[tuple[str, str]]] = {}
    for i, name in enumerate(PAGES):
        if name in TRUST_PAGES:
            with qtbot.waitSignal(w.trust.computed, timeout=60_000, check_params_cb=lambda n, name=name: n == name):
                w.tabs.setCurrentIndex(i)
        elif name in FUTURE_PAGES:
            with qtbot.waitSignal(w.future.computed, timeout=60_000, check_params_cb=lambda n, name=name: n == name):
                w.tabs.setCurrentIndex(i)
        else:
            w.tabs.setCurrentIndex(i)
        if name == "compare":
            w.pages.comparison.request()
            qtbot.waitUntil(lambda: w.pages.comparison.table.rowCount() > 0, timeout=20_000)
        settle(qtbot)
        seen[name] = visible_texts(w)
        if on_page is not None:
            on_page(name)
        assert w.grab().save(str(ARTIFACTS / f"i18n-{lang}-{name}.png"))
    return seen


def test_main_window_every_page_in_chinese(qtbot: Any, zh: None, demo_db: Path) -> None:
    w, c = _window(qtbot, demo_db)
    try:
        with Store.open(f"sqlite:///{demo_db}") as store:
            allowed = data_words(store)
        seen = _walk_pages(qtbot, w, "zh_CN")
        assert w.tabs.tabText(0) == "首页" and w.tabs.tabText(1) == "价值流图" and w.tabs.tabText(6) == "数据质量"
        for name, texts in seen.items():
            bad = [f"{where}: {t!r}" for where, t in texts if english_words(t, allowed)]
            assert bad == [], name
            assert any(CJK.search(t) for _w, t in texts), name
        assert clipped(w) == []
        # Numbers and dates follow the language: durations in 天/小时, dates as 年月日.
        score = " ".join(w.pages.scorecard.texts())
        assert "小时" in score or "天" in score
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", w.status_text.text())
        # The maturity view's caveat and basis come from data/ through gettext.
        assert w.trust.maturity.caveat.text().startswith("仅供自评参考")
    finally:
        c.shutdown()


def test_main_window_in_english_shows_no_chinese(qtbot: Any, demo_db: Path) -> None:
    w, c = _window(qtbot, demo_db)
    try:
        seen = _walk_pages(qtbot, w, "en")
        for name, texts in seen.items():
            leaks = [f"{where}: {t!r}" for where, t in texts if CJK.search(t) and t != "领域"]
            assert leaks == [], name
        assert w.tabs.tabText(0) == "Home" and w.tabs.tabText(1) == "Map"
    finally:
        c.shutdown()


def test_dialogs_in_chinese(qtbot: Any, zh: None, demo_db: Path, tmp_path: Path, monkeypatch) -> None:
    from app.controllers.sources import SourcesController

    w, c = _window(qtbot, demo_db)
    try:
        allowed = data_words()
        shortcuts = w.show_shortcuts()
        qtbot.addWidget(shortcuts)
        assert untranslated(shortcuts, allowed) == []
        assert shortcuts.windowTitle() == "键盘快捷键"
        # Qt's own catalogue (qtbase_zh_CN) translates the standard buttons.
        assert "关闭" in [b.text() for b in shortcuts.findChildren(QAbstractButton)]

        monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
        w._about()
        box = w.findChildren(QMessageBox)[-1]
        assert box.windowTitle() == "关于 Flowdeck" and "价值流仪表盘" in box.text()

        s = SourcesController(c, tmp_path / "conf" / "flowdeck.toml")
        try:
            dialog = s.open(None)
            qtbot.addWidget(dialog)
            qtbot.waitUntil(lambda: s.pool.active() == 0, timeout=5000)
            settle(qtbot)
            bad = untranslated(dialog, allowed | {"github", "gitlab", "jenkins", "jira", "cctray"})
            assert bad == []
            assert dialog.windowTitle() == "数据源"
            assert dialog.grab().save(str(ARTIFACTS / "i18n-zh_CN-sources-dialog.png"))
        finally:
            s.shutdown()

        with qtbot.waitSignal(w.trust.computed, timeout=60_000, check_params_cb=lambda n: n == "releases"):
            w.tabs.setCurrentIndex(PAGES.index("releases"))
        with qtbot.waitSignal(w.trust.release_opened, timeout=30_000) as opened:
            w.trust.releases.itemActivated.emit(w.trust.releases.item(0, 0))
        release = opened.args[0]
        qtbot.addWidget(release)
        settle(qtbot)
        with Store.open(f"sqlite:///{demo_db}") as store:
            allowed_release = data_words(store)
        assert untranslated(release, allowed_release) == []
        assert release.view.title.text().startswith("发布 ")
        assert release.grab().save(str(ARTIFACTS / "i18n-zh_CN-release-dialog.png"))
    finally:
        c.shutdown()


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_wall_every_page(qtbot: Any, qapp: QApplication, size: tuple[int, int], lang: str) -> None:
    install_translators(qapp, lang)
    try:
        wall = make_wall(qtbot, size)
        allowed = data_words()
        for name in WALL_PAGES:
            wall.set_page(WALL_PAGES.index(name))
            settle(qtbot)
            assert clipped(wall) == [], (lang, name)
            if lang == "zh_CN":
                assert untranslated(wall, allowed) == [], name
            else:
                assert chinese(wall) == [], name
            assert wall.grab().save(str(ARTIFACTS / f"i18n-wall-{lang}-{name}-{size[0]}x{size[1]}.png"))
        # The wall's stage table: every wait and process figure keeps its unit, in the language shown.
        rows = wall.pages["map"].rows
        figures = [t for r in rows for t in (r.wait.text(), r.process.text())]
        assert figures and not [t for t in figures if "…" in t], figures
        if lang == "zh_CN":
            assert all(t.endswith(("小时", "天", "分钟")) for t in figures), figures
            assert wall.title.text() == "记分卡   3/3"  # the last page's title, translated
    finally:
        install_translators(qapp, "en")


def test_plural_forms(qapp: QApplication) -> None:
    msg = "{rate} · %n deployment(s)"
    assert translate("Scorecard", msg, "", 1).format(rate="x") == "x · 1 deployment"
    assert translate("Scorecard", msg, "", 5).format(rate="x") == "x · 5 deployments"
    install_translators(qapp, "zh_CN")
    try:
        assert translate("Scorecard", msg, "", 1).format(rate="x") == "x · 1 次部署"
        assert translate("Scorecard", msg, "", 5).format(rate="x") == "x · 5 次部署"
        assert (
            translate("PipelineBoard", "broken {age} · failing for %n run(s)", "", 12).format(age="3 天")
            == "已失败 3 天 · 已连续失败 12 次"
        )
    finally:
        install_translators(qapp, "en")
    assert QCoreApplication.translate("MainWindow", "Map") == "Map"  # removed again


def test_locale_formatting(qapp: QApplication) -> None:
    from datetime import UTC, datetime

    from widgets.format import fmt_day_month, fmt_duration_s, fmt_hours, fmt_local

    when = datetime(2026, 11, 23, 6, 5, tzinfo=UTC)
    english = (fmt_hours(23.1), fmt_hours(77.0), fmt_duration_s(200), fmt_day_month(when))
    assert english[:3] == ("23.1 h", "3.2 d", "3 min 20 s")
    install_translators(qapp, "zh_CN")
    try:
        assert fmt_hours(23.1) == "23.1 小时" and fmt_hours(77.0) == "3.2 天" and fmt_hours(0.5) == "30 分钟"
        assert fmt_duration_s(200) == "3 分 20 秒"
        local = when.astimezone()
        assert fmt_local(when) == f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
        assert fmt_day_month(when) == f"{local.month}月{local.day}日"
    finally:
        install_translators(qapp, "en")
    assert (fmt_hours(23.1), fmt_hours(77.0), fmt_duration_s(200), fmt_day_month(when)) == english


def test_qt_catalogue_is_complete_compiled_and_in_sync(tmp_path: Path) -> None:
    root = ET.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 400
    states = [m.find("translation").get("type") for m in messages]  # type: ignore[union-attr]
    assert [s for s in states if s] == [], "unfinished, vanished or obsolete entries"
    for m in messages:
        tr = m.find("translation")
        assert tr is not None
        text = "".join(tr.itertext())
        src = m.findtext("source") or ""
        assert text.strip(), src
        # Placeholders survive translation.
        # The same named fields (a format spec such as :02d may differ: 年月日 need no zero padding).
        assert set(re.findall(r"\{(\w*)", src)) == set(re.findall(r"\{(\w*)", text)), src
        assert ("%n" in src) == ("%n" in text), src
    # The committed .qm is what lrelease makes of the committed .ts.
    lrelease = need_tool("pyside6-lrelease", "pip package PySide6", path=str(Path(__import__("sys").executable).parent))
    fresh = tmp_path / "fresh.qm"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == QM.read_bytes(), "recompile: see docs/i18n.md"
    # Every string the code marks is in the catalogue (lupdate into a copy finds nothing new).
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(__import__("sys").executable).parent))
    assert lupdate is not None
    copy = tmp_path / "copy.ts"
    copy.write_bytes(TS.read_bytes())
    files = sorted(str(p) for p in [*ROOT.glob("app/*.py"), *ROOT.glob("widgets/*.py")])
    run = subprocess.run([lupdate, *files, "-ts", str(copy)], check=True, capture_output=True, text=True)
    assert "(0 new and" in run.stdout, run.stdout


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720)])
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_page_fits_without_clipping(
    qtbot: Any, qapp: QApplication, demo_db: Path, lang: str, size: tuple[int, int]
) -> None:
    """Every page of the main window, at the default and a laptop size, in both languages: no label cut."""
    assert install_translators(qapp, lang)
    i18n.set_language(lang)
    w, c = _window(qtbot, demo_db)
    try:
        w.resize(*size)
        settle(qtbot)
        problems: dict[str, list[str]] = {}
        _walk_pages(qtbot, w, f"{lang}-{size[0]}x{size[1]}", on_page=lambda name: problems.update({name: clipped(w)}))
        assert set(problems) == set(PAGES)
        assert {name: bad for name, bad in problems.items() if bad} == {}
    finally:
        c.shutdown()
        install_translators(qapp, "en")
        i18n.set_language("en")
