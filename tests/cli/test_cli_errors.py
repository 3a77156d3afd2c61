"""The command line's error hygiene: no traceback, no exception name, no terminal escape ever
reaches the user.

* An unexpected error in any command (in the command, in a Qt slot, on a thread) prints one line
  naming the command and the log file; the log file has the traceback, secrets removed; exit 1.
* Python warnings and logged tracebacks go to the log file, not the terminal.
* Remote text (titles, authors, keys, reasons, sync errors) printed in a table cannot move the
  cursor, clear the screen, set the window title or forge a link: control characters are shown
  as control pictures (``ESC`` -> ``␛``).
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

import data.report.build
from app.cli import main
from app.commands.common import printable
from app.paths import log_file
from data.connectors.redact import register_secret
from data.events.importer import import_files
from data.materialise import cache
from data.store.errors import StoreError
from data.store.store import Store
from tests.helpers.partial_shapes import SHAPES, WINDOW, leaked, lines, store_of

ROOT = Path(__file__).resolve().parents[2]
# A stand-in secret (not a token of any service): what the log must never show once registered.
SECRET = "fake-secret-for-the-log-test"


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'flowdeck.db'}"
    store_of(url, SHAPES["everything"])
    cache.clear_memory()
    return url


def _report(url: str) -> list[str]:
    return ["--db", url, "report", "--from", WINDOW[0], "--to", WINDOW[1]]


# --- unexpected errors -----------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_naming_the_log(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    register_secret(SECRET)

    def broken(*_a: object, **_k: object) -> None:
        raise IndexError(f"index 0 is out of bounds for axis 0 with size 0 (token {SECRET})")

    monkeypatch.setattr(data.report.build, "build_report", broken)
    assert main(_report(db)) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("flowdeck: flowdeck report failed with an unexpected internal error; the details are in ")
    assert err.strip().endswith(str(log_file()))
    assert leaked(err) == [] and SECRET not in err
    text = log_file().read_text(encoding="utf-8")
    # The log has what a developer needs: the traceback, the exception and where it was raised...
    assert "Traceback (most recent call last)" in text
    assert "IndexError: index 0 is out of bounds" in text
    assert "in broken" in text
    # ...and never a token, in any form.
    assert SECRET not in text


def test_an_unexpected_error_in_a_real_process(db: str, tmp_path: Path) -> None:
    """As a user runs it: a fresh interpreter, no pytest logging handlers in the way."""
    script = (
        "import sys, data.report.build\n"
        "def broken(*a, **k):\n"
        "    raise KeyError('stage')\n"
        "data.report.build.build_report = broken\n"
        "from app.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, *_report(db)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert leaked(proc.stderr) == []
    log = tmp_path / "state" / "flowdeck" / "log" / "flowdeck.log"
    assert str(log) in proc.stderr
    assert "KeyError: 'stage'" in log.read_text(encoding="utf-8")


def test_logged_tracebacks_and_python_warnings_stay_off_the_terminal(db: str, tmp_path: Path) -> None:
    """A library's RuntimeWarning (pyqtgraph on an all-NaN series) and a ``log.exception`` in the
    engine reach the log file; the terminal gets one line for the logged error and nothing else."""
    script = (
        "import logging, sys, warnings, data.report.build\n"
        "real = data.report.build.build_report\n"
        "def noisy(*a, **k):\n"
        "    warnings.warn('All-NaN slice encountered', RuntimeWarning)\n"
        "    try:\n"
        "        {}['x']\n"
        "    except KeyError:\n"
        "        logging.getLogger('data.sync.run').exception('jira: cannot record the sync attempt')\n"
        "    return real(*a, **k)\n"
        "data.report.build.build_report = noisy\n"
        "from app.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    proc = subprocess.run(
        [sys.executable, "-c", script, *_report(db)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Stream: All teams" in proc.stdout
    assert proc.stderr.splitlines() == [
        "ERROR data.sync.run: jira: cannot record the sync attempt (details in the log file)"
    ]
    text = (tmp_path / "state" / "flowdeck" / "log" / "flowdeck.log").read_text(encoding="utf-8")
    assert "RuntimeWarning: All-NaN slice encountered" in text
    assert "KeyError: 'x'" in text


def test_an_exception_on_a_thread_is_one_line(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = data.report.build.build_report

    def with_thread(*a: object, **k: object) -> object:
        t = threading.Thread(target=lambda: {}["x"])
        t.start()
        t.join()
        return real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(data.report.build, "build_report", with_thread)
    assert main(_report(db)) == 0
    out, err = capsys.readouterr()
    assert "Stream: All teams" in out
    assert len(err.splitlines()) == 1 and "failed with an unexpected internal error" in err, err
    assert leaked(err) == []
    assert "KeyError: 'x'" in log_file().read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture  # the exception must reach our hook, not pytest-qt's
def test_an_exception_in_a_qt_slot_is_one_line(
    db: str, qapp: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The desktop app's errors in slots end in ``sys.excepthook``: the same one line."""
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal()

    real = data.report.build.build_report

    def with_slot(*a: object, **k: object) -> object:
        e = Emitter()

        def slot() -> None:
            raise ZeroDivisionError("in a slot")

        e.fired.connect(slot)
        e.fired.emit()
        return real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(data.report.build, "build_report", with_slot)
    assert main(_report(db)) == 0
    _out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and "flowdeck report failed with an unexpected internal error" in err, err
    assert leaked(err) == []
    assert "ZeroDivisionError: in a slot" in log_file().read_text(encoding="utf-8")


def test_the_hooks_are_restored_after_main(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = (sys.excepthook, threading.excepthook)
    assert main(_report(db)) == 0
    capsys.readouterr()
    assert (sys.excepthook, threading.excepthook) == before


def test_an_explained_error_is_one_clean_line(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise StoreError("cannot read the store \x1b[2J\x1b]0;owned\x07:\nsecond line")

    monkeypatch.setattr(data.report.build, "build_report", refuse)
    assert main(_report(db)) == 1
    err = capsys.readouterr().err
    assert err == "flowdeck: cannot read the store ␛[2J␛]0;owned␇: second line\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report", "--from", WINDOW[0], "--to", WINDOW[1]], ""),
        (["quality", "--all"], ""),
        (["export", "-"], "flowdeck: cannot write -: Broken pipe\n"),
    ],
)
def test_a_closed_pipe_ends_quietly(args: list[str], said: str, tmp_path: Path) -> None:
    """``flowdeck report | head``: the reader is gone; no traceback, no "Exception ignored"."""
    url = f"sqlite:///{tmp_path / 'shape.db'}"
    store_of(url, SHAPES["everything"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--db", url, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader went away before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert err == said


# --- remote text in tables -------------------------------------------------------------------------

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;owned\x07"
LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
CSI8 = "\x9b31m"  # the one-character C1 CSI
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e")


def _hostile_store(url: str) -> None:
    """Every kind of remote text a table prints, each carrying escape sequences."""
    at = "2026-03-02T09:00:00Z"
    events = [
        {"kind": "work_item", "source": "jira", "key": "PAY-1", "title": f"Fix {CLEAR}limit", "created_at": at},
        {"kind": "status_change", "source": "jira", "key": "PAY-1", "at": "2026-03-02T10:00:00Z", "to": "In Progress"},
        {"kind": "status_change", "source": "jira", "key": "PAY-1", "at": "2026-03-02T11:00:00Z"}
        | {"from": "In Progress", "to": f"Odd{TITLE}status"},
        {"kind": "status_change", "source": "jira", "key": "PAY-1", "at": "2026-03-02T12:00:00Z"}
        | {"from": f"Odd{TITLE}status", "to": "Done"},
        {"kind": "change", "source": "github", "repo": "bank/pay", "id": 7, "created_at": at}
        | {"title": f"PAY-1 {LINK}", "author": f"mallory{TITLE}", "branch": f"b{CSI8}"}
        | {"merged_at": "2026-03-02T11:00:00Z", "merge_sha": "a" * 40},
        {"kind": "change", "source": "github", "repo": "bank/pay", "id": 8, "created_at": at}
        | {"title": f"no ticket \u202egnp.exe{CLEAR}", "merged_at": "2026-03-02T11:00:00Z", "merge_sha": "b" * 40},
        {"kind": "pipeline_run", "source": "jenkins", "pipeline": f"rel{CLEAR}", "id": 1, "result": "success"}
        | {"queued_at": at, "started_at": at, "finished_at": "2026-03-02T12:00:00Z", "sha": "a" * 40},
        {"kind": "job_run", "source": "jenkins", "pipeline": f"rel{CLEAR}", "run": 1, "id": 1}
        | {"name": f"approve{TITLE}", "queued_at": at, "started_at": at, "finished_at": "2026-03-02T12:00:00Z"},
        {"kind": "deployment", "source": "jenkins", "repo": "bank/pay", "id": "d1", "environment": "production"}
        | {"status": "success", "sha": "a" * 40, "ref": f"main{CLEAR}"}
        | {"started_at": "2026-03-02T12:00:00Z", "finished_at": "2026-03-02T12:30:00Z"},
        {"kind": "incident", "source": "jira", "key": "OPS-1", "created_at": "2026-03-02T13:00:00Z"}
        | {"title": f"down {LINK}", "repo": "bank/pay"},
        {"kind": "exclusion", "item_kind": "work_item", "source": "jira", "key": f"PAY-9{CLEAR}"}
        | {"reason": f"test {TITLE} ticket", "created_at": at},
    ]
    with Store.open(url) as store:
        import_files(store, ["-"], stdin=io.StringIO(lines(events)))
        with store.writer() as w:
            w.set_sync_state("jira", attempt_at=datetime(2026, 3, 2, tzinfo=UTC), error=f"HTTP 500: {CLEAR}{LINK}")


@pytest.mark.parametrize(
    "args",
    [
        ["release", "latest"],
        ["quality", "--all", "--as-of", "2026-03-03T00:00:00Z"],
        ["quality", "--maturity", "--from", WINDOW[0], "--to", WINDOW[1]],
        ["exclude", "list"],
        ["report", "--from", WINDOW[0], "--to", WINDOW[1]],
        ["db", "info"],
    ],
)
def test_remote_text_cannot_drive_the_terminal(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    _hostile_store(url)
    cache.clear_memory()
    assert main(["--db", url, *args]) == 0
    out, err = capsys.readouterr()
    for c in UNSAFE:
        assert c not in out + err, f"{args}: {c!r} printed raw"
    assert leaked(out + err) == []


def test_remote_text_is_shown_not_hidden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The reader sees that something odd was there (control pictures), on the row it belongs to."""
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    _hostile_store(url)
    assert main(["--db", url, "exclude", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3  # header, rule, one row: nothing forged
    assert "PAY-9␛[2J" in out[2] and "test ␛]0;owned␇ ticket" in out[2]
    assert main(["--db", url, "release", "latest"]) == 0
    text = capsys.readouterr().out
    assert "mallory␛]0;owned␇" in text
    assert "PAY-1 ␛]8;;https://evil.example/␛\\click␛]8;;␛\\" in text


def test_json_output_escapes_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON keeps the exact text, with C0 controls as ``\\u001b`` escapes (json does that)."""
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    _hostile_store(url)
    assert main(["--db", url, "release", "latest", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert any(c["author"] == f"mallory{TITLE}" for c in json.loads(out)["changes"])


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain title", "plain title"),
        ("two\nlines\r\n\tand tabs", "two lines and tabs"),
        (CLEAR + "x", "␛[2Jx"),
        (TITLE, "␛]0;owned␇"),
        ("a\x00b\x7fc", "a␀b␡c"),
        ("csi" + CSI8, "csi\ufffd31m"),
        ("abc\u202edef\u2066", "abc\ufffddef\ufffd"),
        ("支付 限额", "支付 限额"),
        (None, "None"),
    ],
)
def test_printable(text: object, shown: str) -> None:
    assert printable(text) == shown


def test_warnings_are_not_captured_after_main(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Other code in the same process (tests, an embedding script) gets its warnings back."""
    before = warnings.showwarning
    assert main(_report(db)) == 0
    capsys.readouterr()
    assert warnings.showwarning is before
    assert logging.getLogger("flowdeck.unexpected").propagate is False
