"""End to end: the real app, as a subprocess, in a real X window (Xvfb), on the demo store.

The app runs through tests/helpers/screen_probe.py, which records what the window shows when it
grabs its screenshot (tab, map boxes, pipeline tiles, labels and where they are); the test checks
that record against the demo and the screenshot's pixels at those places, so a blank, half-painted
or wrong page fails. ``make test`` installs Xvfb where missing and sets FLOWDECK_TEST_XVFB=1;
without Xvfb the test is skipped with the reason (failed under CI=true). Screenshots land in
tests/gui/artifacts/ (ignored by git) for a human to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from data.config.parse import load_config
from tests.helpers.needs import unavailable
from widgets.icons import STATE_COLOURS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BOTTLENECK = "#D55E00"  # widgets.value_stream_map.BOTTLENECK_COLOUR

pytestmark = pytest.mark.xvfb


def _need_xvfb() -> str:
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None or shutil.which("Xvfb") is None:
        if os.environ.get("FLOWDECK_TEST_XVFB"):
            pytest.fail("FLOWDECK_TEST_XVFB is set but Xvfb/xvfb-run is not installed")
        unavailable(
            "Xvfb is not installed (apt-get install -y xvfb xauth; make test does it and sets FLOWDECK_TEST_XVFB)"
        )
    return xvfb_run


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the module: the first run generates the demo, the next ones reuse it."""
    return tmp_path_factory.mktemp("e2e") / "demo.db"


def _rgb(pixel: int) -> tuple[int, int, int]:
    return (pixel >> 16) & 0xFF, (pixel >> 8) & 0xFF, pixel & 0xFF


def _near(pixel: int, colour: str, tolerance: int = 24) -> bool:
    want = (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    return all(abs(a - b) <= tolerance for a, b in zip(_rgb(pixel), want, strict=True))


def _pixels(image: Any, rect: list[int]) -> list[int]:
    x, y, w, h = rect
    assert min(x, y) >= 0 and x + w <= image.width() and y + h <= image.height(), f"{rect} is off the screenshot"
    return [image.pixel(i, j) for j in range(y, y + h) for i in range(x, x + w)]


def _ink(image: Any, rect: list[int]) -> float:
    """The share of ``rect``'s pixels that stand out from its commonest colour (text, lines, marks)."""
    pixels = _pixels(image, rect)
    background = _rgb(Counter(pixels).most_common(1)[0][0])
    stand_out = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(_rgb(p), background, strict=True)) > 96)
    return stand_out / len(pixels)


def check_map(shown: dict[str, Any], image: Any) -> None:
    """The Map tab: the demo stream's seven stages in order, each box painted, one bottleneck mark."""
    assert shown["tab"] == "Map" and shown["map"] is not None and shown["tiles"] == []
    (stream,) = load_config(None).streams
    boxes = shown["map"]["boxes"]
    assert [b["name"] for b in boxes] == [s.name for s in stream.stages]
    assert re.match(r"All teams · [1-9]\d* completed · WIP \d+ · lead time ", shown["map"]["header"][0])
    for box in boxes:
        assert {"process", "wait"} <= set(box["lines"]), box
        assert 0.02 < _ink(image, box["rect"]) < 0.6, f"{box['name']}: its box is not painted as recorded"
    (marked,) = [b for b in boxes if b["bottleneck"]]
    badge = _pixels(image, marked["badge"])
    assert sum(_near(p, BOTTLENECK) for p in badge) > 0.5 * len(badge), "no bottleneck badge where it was drawn"


def check_pipelines(shown: dict[str, Any], image: Any) -> None:
    """The Pipelines tab: the summary line, tiles failing first, each with its state's colour stripe."""
    assert shown["tab"] == "Pipelines" and shown["map"] is None
    texts = [label["text"] for label in shown["labels"]]
    assert any(re.match(r"\d+ pipelines, [1-9]\d* failing\.", t) for t in texts), texts
    tiles = shown["tiles"]
    assert len(tiles) >= 4 and (tiles[0]["state"], tiles[0]["words"]) == ("failed", "Failed"), tiles
    order = [t["state"] == "failed" for t in tiles]
    assert order == sorted(order, reverse=True), "failing tiles come first"
    for tile in tiles:
        x, y, _w, h = tile["rect"]
        stripe = _pixels(image, [x + 1, y + h // 4, 3, h // 2])
        assert all(_near(p, STATE_COLOURS[tile["state"]]) for p in stripe), f"{tile['name']}: no {tile['state']} stripe"
        assert _ink(image, tile["rect"]) > 0.02, f"{tile['name']}: its tile is not painted as recorded"


@pytest.mark.parametrize(("page", "size", "theme"), [("map", "1600x1000", "light"), ("pipelines", "1000x800", "dark")])
def test_real_app_screenshot_under_xvfb(demo_db: Path, tmp_path: Path, page: str, size: str, theme: str) -> None:
    from PySide6.QtGui import QImage

    xvfb_run = _need_xvfb()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"e2e-{page}-{size}-{theme}.png"
    sidecar = shot.with_suffix(".json")
    shot.unlink(missing_ok=True)
    sidecar.unlink(missing_ok=True)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # a real X window, not offscreen
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    cmd = [
        xvfb_run, "-a", "-s", "-screen 0 2600x1600x24",
        sys.executable, "-m", "tests.helpers.screen_probe", "--db", str(demo_db),
        "--screenshot", str(shot), "--size", size, "--page", page, "--theme", theme, "--timeout", "150",
    ]  # fmt: skip
    proc = subprocess.run(cmd, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "screenshot saved" in proc.stdout
    image = QImage(str(shot))
    assert not image.isNull(), f"{shot} is not an image"
    assert (image.width(), image.height()) == tuple(int(v) for v in size.split("x"))
    shown = json.loads(sidecar.read_text(encoding="utf-8"))
    assert shown["size"] == [image.width(), image.height()]
    banner = "Demo data — a synthetic bank with three teams over 26 weeks."
    assert any(label["text"].startswith(banner) for label in shown["labels"])
    {"map": check_map, "pipelines": check_pipelines}[page](shown, image)


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
