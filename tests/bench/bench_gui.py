"""GUI speed on the large demo: start to first paint, start to filled dashboard, range change to
repaint, and the longest GUI-thread stall meanwhile (a 10 ms heartbeat timer).

Targets (ARCHITECTURE/brief): first paint ≤ 1.5 s, range change ≤ 150 ms, longest stall ≤ 50 ms.
Figures are printed with their ratio to floors measured in the same run: a bare Qt window's first
paint (for start-up) and ``build_report`` called directly (for a range change). Nothing is asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _child_dashboard(db: str, spawned_at: float) -> None:
    """Runs in a fresh process: open the real window and time it."""
    import gc

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    gc.set_threshold(50_000, 20, 100)  # as app.commands.gui does
    app = QApplication([])
    from app.controllers.report import Controller
    from app.main_window.window import MainWindow
    from app.settings import UiSettings
    from data.config.parse import load_config
    from data.store.store import Store

    marks: dict[str, float] = {}
    stalls: list[float] = []
    last = [time.perf_counter()]
    state = {"phase": "start", "requested": 0.0}
    range_ms: list[float] = []

    def beat() -> None:
        now = time.perf_counter()
        stalls.append((now - last[0]) * 1000 - 10)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    heartbeat.start()

    controller = Controller(load_config(None), lambda: Store.open(db))
    window = MainWindow(controller, UiSettings(tempfile.mktemp(suffix=".ini")))
    window.resize(1600, 1000)
    window.tabs.setCurrentIndex(1)  # the map: what this bench times (the window opens on Home)

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                now = time.time()
                marks.setdefault("first_paint", now - spawned_at)
                if window.pages.map.stream() is not None and state["phase"] == "start":
                    marks["filled"] = now - spawned_at
                    state["phase"] = "ready"
                    QTimer.singleShot(300, next_range)
                elif (
                    state["phase"] == "waiting"
                    and controller.last_report is not None
                    and controller.last_report.window_from == state["expect"]
                ):
                    range_ms.append((time.perf_counter() - state["requested"]) * 1000)
                    state["phase"] = "ready"
                    QTimer.singleShot(200, next_range)
            return False

    watch = PaintWatch()
    window.pages.map.installEventFilter(watch)
    order = [0, 3, 1, 2, 0, 3, 1, 2]

    def next_range() -> None:
        if not order:
            app.quit()
            return
        i = order.pop(0)
        state["phase"] = "waiting"
        stalls.clear()
        state["requested"] = time.perf_counter()
        window.controls.select_range(i)
        state["expect"] = controller.last_selection.window_from if controller.last_selection else None
        # A range change repaints the map when its report arrives.

    QTimer.singleShot(120_000, app.quit)
    window.show()
    controller.start()
    app.exec()
    controller.shutdown()
    print(json.dumps({**marks, "range_ms": range_ms, "max_stall_ms": max(stalls) if stalls else None}))


def _child_floor(spawned_at: float) -> None:
    """A bare Qt window's first paint: the floor for start-up."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    w = QWidget()
    w.resize(1600, 1000)

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print(json.dumps({"first_paint": time.time() - spawned_at}))
                app.quit()
            return False

    watch = Watch()
    w.installEventFilter(watch)
    w.show()
    app.exec()


def _spawn(*args: str) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    spawned = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_gui", *args, str(spawned)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Generate the large demo once, then measure."""
    from data import demo
    from data.config.parse import load_config
    from data.report.build import build_report
    from data.store.store import Store

    reuse = os.environ.get("FLOWDECK_BENCH_DB")  # an already generated large demo (saves ~60 s)
    if reuse and Path(reuse).exists():
        db = f"sqlite:///{Path(reuse).resolve()}"
        store = Store.open(db)
        print(f"reusing the large demo in {reuse}")
    else:
        tmp = Path(tempfile.mkdtemp(prefix="flowdeck-bench-gui-"))
        db = f"sqlite:///{tmp / 'large.db'}"
        store = Store.open(db)
        t = time.perf_counter()
        summary = demo.generate(store, scale="large")
        print(f"large demo generated in {time.perf_counter() - t:.1f} s: {getattr(summary, 'counts', summary)}")
    config = load_config(None)
    end = store.get_meta("demo_end")
    from datetime import timedelta

    from data.timeutil import parse_instant

    anchor = parse_instant(end) if end else None
    floors = []
    for weeks in (2, 26, 4, 13):
        t = time.perf_counter()
        assert anchor is not None
        build_report(
            store, config, window_from=anchor - timedelta(weeks=weeks), window_to=anchor, as_of=anchor, details=False
        )
        floors.append((time.perf_counter() - t) * 1000)
    store.close()
    report_floor = statistics.median(floors)
    floor = float(_spawn("--floor")["first_paint"])  # type: ignore[arg-type]
    result = _spawn("--child", db)
    first, filled = float(result["first_paint"]), float(result["filled"])  # type: ignore[arg-type]
    ranges = [float(v) for v in result["range_ms"]]  # type: ignore[union-attr]
    median_range = statistics.median(ranges) if ranges else float("nan")
    print(f"floor: bare Qt window first paint        {floor * 1000:8.0f} ms")
    print(f"floor: build_report alone (median of 4)  {report_floor:8.0f} ms")
    print(f"start -> first painted window            {first * 1000:8.0f} ms  ({first / floor:.1f}x floor; target 1500)")
    print(f"start -> dashboard filled (map painted)  {filled * 1000:8.0f} ms  ({filled / floor:.1f}x floor)")
    print(
        f"range change -> map repainted (median)   {median_range:8.0f} ms  "
        f"({median_range / report_floor:.1f}x build_report; target 150)"
    )
    print(f"  per change (2, 26, 4, 13 weeks, twice): {[round(r) for r in ranges]} ms")
    print(f"  build_report alone for 2, 26, 4, 13 weeks: {[round(f) for f in floors]} ms")
    print(f"longest GUI-thread stall during ranges   {result['max_stall_ms']:8.0f} ms  (target 50)")


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        _child_dashboard(sys.argv[2], float(sys.argv[3]))
    elif sys.argv[1] == "--floor":
        _child_floor(float(sys.argv[2]))
