"""Desktop packages: the PyInstaller bundle starts and finds its files; the desktop files agree and validate.

The bundle tests (marked ``slow``) build ``packaging/flowdeck.spec`` once per module into a temporary
directory (about a minute and a half on two cores) and then run the frozen binary the way a user
would: demo data, an offscreen screenshot, a JSON report (which needs the Alembic migrations, read as
files), a sync from a CCTray feed on 127.0.0.1 (a connector imported by string), and a token stored
in a real Secret Service when gnome-keyring is installed. ``FLOWDECK_TEST_BUNDLE=dist/flowdeck``
reuses an existing build instead.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.helpers.needs import in_ci, need_tool
from tests.helpers.server import FakeServer, Reply

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "io.github.flowdeck.Flowdeck"
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
FLATPAK = ROOT / "packaging" / "flatpak" / f"{APP_ID}.json"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _app_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "app").rglob("*.py")))


# --- desktop integration files (fast) -------------------------------------------------------------


def test_desktop_file_validates() -> None:
    tool = need_tool("desktop-file-validate", "Debian package desktop-file-utils")
    done = subprocess.run([tool, str(DESKTOP)], check=False, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_metainfo_validates_offline() -> None:
    tool = need_tool("appstreamcli", "Debian package appstream")
    done = subprocess.run(
        [tool, "validate", "--no-net", str(METAINFO)], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation was successful" in done.stdout


def test_one_app_id_everywhere() -> None:
    """Desktop file name, AppStream id and launchable, icon name and the id the app gives Qt are one id."""
    entry = _desktop_entry()
    meta = ET.parse(METAINFO).getroot()
    assert meta.get("type") == "desktop-application"
    assert meta.findtext("id") == APP_ID
    launchable = meta.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert entry["Icon"] == APP_ID == meta.findtext("icon")
    # The window must carry the same id (Wayland app_id), and on X11 WM_CLASS's class is the
    # application name, which StartupWMClass names (measured with xprop: ("flowdeck", "Flowdeck")).
    sources = _app_sources()
    from app.qt_app import APP_ID as app_id

    assert app_id == APP_ID and "setDesktopFileName(APP_ID)" in sources
    assert f'setApplicationName("{entry["StartupWMClass"]}")' in sources
    # The command the launcher runs is the console script the package installs.
    binary = meta.findtext("provides/binary")
    assert binary in PYPROJECT["project"]["scripts"]
    assert entry["Exec"].split()[0] == entry["TryExec"] == binary
    assert entry["Exec"].split()[1:] == ["gui"]
    # What a software centre shows as the newest release is the version being packaged.
    newest = meta.find("releases/release")
    assert newest is not None and newest.get("version") == PYPROJECT["project"]["version"]


def test_flatpak_manifest_is_complete() -> None:
    manifest = json.loads(FLATPAK.read_text(encoding="utf-8"))
    assert manifest["id"] == APP_ID
    assert manifest["base"] == "io.qt.PySide.BaseApp"
    assert manifest["runtime"] == "org.kde.Platform" and manifest["sdk"] == "org.kde.Sdk"
    assert manifest["runtime-version"] == manifest["base-version"]  # the BaseApp is built per KDE runtime
    assert manifest["command"] == _desktop_entry()["TryExec"]
    args = set(manifest["finish-args"])
    assert {
        "--share=ipc",
        "--socket=wayland",
        "--socket=fallback-x11",
        "--device=dri",
        "--share=network",
        "--talk-name=org.freedesktop.secrets",
    } <= args
    # Nothing broader: the store and config live in the app's own XDG dirs, files go through portals.
    assert not {a for a in args if a.startswith(("--filesystem", "--socket=session-bus", "--device=all"))}
    assert "--socket=x11" not in args  # fallback-x11: X only where there is no Wayland

    modules = {m["name"]: m for m in manifest["modules"]}
    app = modules["flowdeck"]
    source = app["sources"][0]
    assert source["type"] == "dir" and (FLATPAK.parent / source["path"]).resolve() == ROOT
    commands = "\n".join(app["build-commands"])
    installs = dict(re.findall(r"install -Dm644 (\S+) \$\{FLATPAK_DEST\}/(\S+)", commands))
    assert installs == {
        "packaging/linux/" + DESKTOP.name: "share/applications/" + DESKTOP.name,
        "packaging/linux/" + METAINFO.name: "share/metainfo/" + METAINFO.name,
        "resources/icons/flowdeck.svg": f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
    }
    assert all((ROOT / src).is_file() for src in installs)
    # The BaseApp brings PySide6 (as "PySide6", not "PySide6-Essentials"): Flowdeck goes in without
    # its dependencies, which the module before installs: every one but the Qt binding.
    assert "pip3 install --no-cache-dir --no-deps --prefix=${FLATPAK_DEST} ." in commands
    deps_module = next(m for m in manifest["modules"] if m is not app)
    pinned = re.findall(r"'([A-Za-z0-9_.\-]+)(?:\[[a-z]+\])?[<>=]", " ".join(deps_module["build-commands"]))

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    # Only what a Linux install needs: a marker such as sys_platform == 'win32' excludes a dependency.
    linux = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
    wanted = {
        norm(Requirement(d).name)
        for d in PYPROJECT["project"]["dependencies"]
        if Requirement(d).marker is None or Requirement(d).marker.evaluate(linux)
    }
    assert {norm(p) for p in pinned} >= wanted - {"pyside6-essentials"}
    assert "pyside6-essentials" not in {norm(p) for p in pinned}


# --- the PyInstaller bundle (slow) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The onedir bundle folder (``…/flowdeck`` with the ``flowdeck`` binary in it)."""
    given = os.environ.get("FLOWDECK_TEST_BUNDLE")
    if given:
        return Path(given).resolve()
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (pip install -e '.[test]' brings it)")
    work = tmp_path_factory.mktemp("pyinstaller")
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(work / "dist"),
        "--workpath",
        str(work / "build"),
        str(ROOT / "packaging" / "flowdeck.spec"),
    ]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=900, cwd=work)
    if done.returncode != 0:
        pytest.fail(f"pyinstaller failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return work / "dist" / "flowdeck"


@pytest.fixture
def user_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A user's environment with its own home: no display, no keyring, nothing of the test process."""
    home = tmp_path / "home"
    home.mkdir()
    keep = ("PATH", "LANG", "LC_ALL", "TZ")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    yield env


def run(
    bundle: Path, env: dict[str, str], *args: str, cwd: Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run the frozen binary from a folder outside the source tree (so nothing is imported from it)."""
    return subprocess.run(
        [str(bundle / "flowdeck"), *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.mark.slow
def test_bundle_carries_its_files(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (bundle / "flowdeck").is_file() and os.access(bundle / "flowdeck", os.X_OK)
    # Every shipped resource and every migration file, byte for byte, where Path(__file__) finds them.
    wanted = [p for p in (ROOT / "resources").rglob("*") if p.suffix in {".svg", ".qss", ".toml", ".qm"}]
    wanted += [ROOT / "data/store/migrations/env.py", ROOT / "data/store/migrations/script.py.mako"]
    wanted += sorted((ROOT / "data/store/migrations/versions").glob("*.py"))
    assert len(wanted) >= 13
    for src in wanted:
        rel = src.relative_to(ROOT)
        assert (internal / rel).read_bytes() == src.read_bytes(), rel
    assert (internal / "resources" / "translations").is_dir()
    assert not list(internal.rglob("_tkinter*")) and not (internal / "tcl").exists()
    assert not list(internal.rglob("*upx*"))

    from PyInstaller.archive.readers import CArchiveReader

    from data.connectors.registry import CONNECTORS

    modules = set(CArchiveReader(str(bundle / "flowdeck")).open_embedded_archive("PYZ.pyz").toc)
    loaded_by_string = {t.partition(":")[0] for t in CONNECTORS.values()}
    loaded_by_string |= {f"app.commands.{p.stem}" for p in (ROOT / "app/commands").glob("*.py") if p.stem != "__init__"}
    loaded_by_string |= {
        f"keyring.backends.{b}" for b in ("SecretService", "kwallet", "macOS", "Windows", "null", "fail")
    }
    loaded_by_string |= {"secretstorage", "jeepney", "sqlalchemy.dialects.sqlite.pysqlite"}
    assert loaded_by_string <= modules, sorted(loaded_by_string - modules)
    assert not {m for m in modules if m.split(".")[0] in {"tkinter", "pytest", "_pytest", "pygments", "mypy"}}


@pytest.mark.slow
def test_bundle_demo_screenshot_and_report(bundle: Path, user_env: dict[str, str], tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    db = tmp_path / "x.db"
    helped = run(bundle, user_env, "--help", cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr
    from app.cli import COMMANDS

    # Subcommands are imported by string: each one present in the source must be in --help.
    present = [name for name, mod in COMMANDS.items() if (ROOT / "app/commands" / f"{mod}.py").is_file()]
    listed = set(re.findall(r"^    (\w+) ", helped.stdout, re.M))
    assert set(present) <= listed, helped.stdout

    demo = run(bundle, user_env, "--db", str(db), "demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "work items" in demo.stdout

    shot = tmp_path / "shot.png"
    taken = run(bundle, user_env, "--db", str(db), "--screenshot", str(shot), "--size", "1280x800", cwd=tmp_path)
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    # A blank or one-colour window has a handful of colours; the demo map (text, cards, the
    # bottleneck outline, the wait/process line) has hundreds.
    colours = {image.pixel(x, y) for x in range(0, 1280, 4) for y in range(0, 800, 4)}
    assert len(colours) > 50, len(colours)

    report = run(bundle, user_env, "--db", str(db), "report", "--json", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    body = json.loads(report.stdout)
    assert body["streams"] and sum(s["completed"] for s in body["streams"]) > 0
    # The store was created by the bundle's Alembic migrations (read from files): it is at head.
    from data.store.migrate import head_revision

    with sqlite3.connect(db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchall() == [(head_revision(),)]


@pytest.mark.slow
def test_bundle_syncs_a_feed(bundle: Path, user_env: dict[str, str], tmp_path: Path) -> None:
    """A connector (imported by string), requests and the XML parser all work frozen."""
    projects = [
        ("api", "Success", "7", "2026-03-01T10:00:00Z"),
        ("web", "Failure", "12", "2026-03-01T11:30:00Z"),
        ("batch", "Exception", "3", "2026-03-02T08:15:00Z"),
    ]
    rows_xml = "".join(
        f'<Project name="{n}" activity="Sleeping" lastBuildStatus="{s}" lastBuildLabel="{lab}" lastBuildTime="{t}"/>'
        for n, s, lab, t in projects
    )
    feed = f"<Projects>{rows_xml}</Projects>"
    with FakeServer() as srv:
        srv.route("GET", "/cc.xml", Reply.text(feed, content_type="application/xml"))
        config = tmp_path / "flowdeck.toml"
        config.write_text(f'[[sources]]\nname = "ci"\nkind = "cctray"\nurl = "{srv.url}/cc.xml"\n', encoding="utf-8")
        db = tmp_path / "s.db"
        synced = run(bundle, user_env, "--db", str(db), "--config", str(config), "sync", cwd=tmp_path)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select pipeline, external_id, status, result, finished_at from pipeline_runs order by pipeline"
        ).fetchall()
    # "Exception" counts as a failure (the build could not run); lastBuildTime is the finish, in epoch ms.
    assert rows == [
        ("api", "7", "completed", "success", int(datetime(2026, 3, 1, 10, 0, tzinfo=UTC).timestamp() * 1000)),
        ("batch", "3", "completed", "failure", int(datetime(2026, 3, 2, 8, 15, tzinfo=UTC).timestamp() * 1000)),
        ("web", "12", "completed", "failure", int(datetime(2026, 3, 1, 11, 30, tzinfo=UTC).timestamp() * 1000)),
    ]


@pytest.mark.slow
def test_bundle_stores_a_token_in_a_real_secret_service(bundle: Path, user_env: dict[str, str], tmp_path: Path) -> None:
    daemon, session = shutil.which("gnome-keyring-daemon"), shutil.which("dbus-run-session")
    if daemon is None or session is None:
        pytest.skip("needs gnome-keyring-daemon and dbus-run-session (Debian packages gnome-keyring, dbus)")
    config = tmp_path / "flowdeck.toml"
    config.write_text(
        '[[sources]]\nname = "ci"\nkind = "cctray"\nurl = "http://127.0.0.1:9/cc.xml"\n', encoding="utf-8"
    )
    env = dict(user_env)
    del env["PYTHON_KEYRING_BACKEND"]  # let keyring choose, as on a desktop
    exe, cfg = str(bundle / "flowdeck"), str(config)
    script = (
        f'echo -n pw | "{daemon}" --unlock --components=secrets >/dev/null; '
        f'printf "tok-abc-123\\n" | "{exe}" --config "{cfg}" auth set ci && "{exe}" --config "{cfg}" auth status ci'
    )
    done = subprocess.run(
        [session, "--", "sh", "-c", script],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "token stored in the OS keyring (keyring.backends.SecretService.Keyring)" in done.stdout
    assert "ci: token from keyring" in done.stdout
    assert "tok-abc-123" not in done.stdout + done.stderr


@pytest.mark.slow
def test_bundle_installs_for_the_user_and_uninstalls(bundle: Path, user_env: dict[str, str], tmp_path: Path) -> None:
    home = Path(user_env["HOME"])
    env = dict(user_env, PATH="/usr/bin:/bin")
    done = subprocess.run(["sh", str(bundle / "install.sh")], check=False, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "not on your PATH" in done.stdout  # ~/.local/bin is not on this PATH: the user is told
    share = home / ".local/share"
    assert (home / ".local/bin/flowdeck").resolve() == (bundle / "flowdeck").resolve()
    launcher = share / f"applications/{APP_ID}.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(launcher, encoding="utf-8")
    assert entry["Desktop Entry"]["Exec"] == f'"{bundle / "flowdeck"}" gui'
    assert entry["Desktop Entry"]["TryExec"] == str(bundle / "flowdeck")
    icon = share / f"icons/hicolor/scalable/apps/{APP_ID}.svg"
    assert icon.read_bytes() == (ROOT / "resources/icons/flowdeck.svg").read_bytes()
    assert (share / f"metainfo/{APP_ID}.metainfo.xml").read_bytes() == METAINFO.read_bytes()
    if shutil.which("desktop-file-validate") or in_ci():  # in CI the validator must be there
        validate = need_tool("desktop-file-validate", "Debian package desktop-file-utils")
        checked = subprocess.run([validate, str(launcher)], check=False, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout
    # The installed command works through the symlink (the bootloader finds _internal beside the target).
    helped = subprocess.run(
        [str(home / ".local/bin/flowdeck"), "--help"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert helped.returncode == 0 and "value-stream dashboard" in helped.stdout, helped.stderr

    gone = subprocess.run(["sh", str(bundle / "install.sh"), "--uninstall"], check=False, capture_output=True, env=env)
    assert gone.returncode == 0
    assert not launcher.exists() and not icon.exists() and not (home / ".local/bin/flowdeck").exists()
    assert (bundle / "flowdeck").is_file()  # the bundle itself stays
