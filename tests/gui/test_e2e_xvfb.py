"""End to end: the real app, as a subprocess, in a real X window (Xvfb), on the demo store.

``make test`` installs Xvfb where missing and sets FLOWDECK_TEST_XVFB=1; without that variable and
without Xvfb the test is skipped with the reason. Screenshots land in tests/gui/artifacts/ (ignored
by git) for a human to look at.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.xvfb


def _need_xvfb() -> str:
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None or shutil.which("Xvfb") is None:
        if os.environ.get("FLOWDECK_TEST_XVFB"):
            pytest.fail("FLOWDECK_TEST_XVFB is set but Xvfb/xvfb-run is not installed")
        pytest.skip(
            "Xvfb is not installed (apt-get install -y xvfb xauth; make test does it and sets FLOWDECK_TEST_XVFB)"
        )
    return xvfb_run


def _need_engine() -> None:
    for module, name in (("data.demo", "generate"), ("data.report.build", "build_report")):
        if importlib.util.find_spec(module) is None or not hasattr(importlib.import_module(module), name):
            pytest.skip(f"{module}.{name} is not in the tree yet: the real app has nothing to compute")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the module: the first run generates the demo, the next ones reuse it."""
    return tmp_path_factory.mktemp("e2e") / "demo.db"


def _non_blank(path: Path) -> tuple[int, int, int]:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not an image"
    colours = {image.pixel(x, y) for x in range(0, image.width(), 9) for y in range(0, image.height(), 9)}
    return image.width(), image.height(), len(colours)


@pytest.mark.parametrize(("page", "size", "theme"), [("map", "1600x1000", "light"), ("pipelines", "1000x800", "dark")])
def test_real_app_screenshot_under_xvfb(demo_db: Path, tmp_path: Path, page: str, size: str, theme: str) -> None:
    xvfb_run = _need_xvfb()
    _need_engine()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"e2e-{page}-{size}-{theme}.png"
    shot.unlink(missing_ok=True)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # a real X window, not offscreen
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    cmd = [
        xvfb_run, "-a", "-s", "-screen 0 2600x1600x24",
        sys.executable, "-m", "app.cli", "--db", str(demo_db),
        "--screenshot", str(shot), "--size", size, "--page", page, "--theme", theme, "--timeout", "150",
    ]  # fmt: skip
    proc = subprocess.run(cmd, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "screenshot saved" in proc.stdout
    width, height, colours = _non_blank(shot)
    assert (width, height) == tuple(int(v) for v in size.split("x"))
    assert colours > 20, "the screenshot looks blank"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "app.cli", *args]
    return subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)


def test_screenshot_bad_size_is_usage_error(tmp_path: Path) -> None:
    proc = _cli("--db", str(tmp_path / "x.db"), "--screenshot", str(tmp_path / "s.png"), "--size", "huge")
    assert proc.returncode == 2
    assert "WIDTHxHEIGHT" in proc.stderr


def test_screenshot_into_missing_directory_is_usage_error(tmp_path: Path) -> None:
    proc = _cli("--db", str(tmp_path / "x.db"), "--screenshot", str(tmp_path / "no" / "s.png"))
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr
