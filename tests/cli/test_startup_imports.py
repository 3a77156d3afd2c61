"""Start-up pays only for what the command uses (#14): the light commands load no heavy library.

Each command runs in its own ``python -X importtime -m app.cli`` process, whose stderr lists every
module it imported; the test reads that list (a functional check, not a timing).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

import app.commands.db
from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "numpy", "alembic", "PySide6")


def imported_modules(args: list[str], tmp_path: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level packages ``flowdeck ARGS`` imports, and the finished process."""
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        FLOWDECK_DB=str(tmp_path / "never-opened.db"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app.cli", *args],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    modules = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                modules.add(name.split(".")[0])
    assert "app" in modules, done.stderr[-2000:]  # the importtime listing was read at all
    return modules, done


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "flowdeck.toml"
    path.write_text(
        '[[sources]]\nname = "jira"\nkind = "jira"\nurl = "https://jira.example.com"\nprojects = ["PAY"]\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["demo", "--help"],
        ["report", "--help"],
        ["sources", "list"],
        ["auth", "status", "jira"],
    ],
    ids=["--help", "demo --help", "report --help", "sources list", "auth status"],
)
def test_light_commands_import_no_heavy_library(args: list[str], config: Path, tmp_path: Path) -> None:
    modules, done = imported_modules(["--config", str(config), *args], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()  # the command did its job (help text, the source, the token state)
    assert sorted(m for m in HEAVY if m in modules) == []
    assert not (tmp_path / "never-opened.db").exists()


def test_a_command_that_opens_the_store_still_loads_sqlalchemy(tmp_path: Path) -> None:
    # The other side of the check above: the listing does show SQLAlchemy when it is used.
    modules, done = imported_modules(["--db", str(tmp_path / "s.db"), "db", "info"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sqlalchemy" in modules


def _refusing(message: str) -> object:
    def run(_args: object) -> int:
        raise OperationalError("INSERT INTO meta", {}, sqlite3.OperationalError(message))

    return run


def test_database_refusal_is_one_line_without_exception_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(app.commands.db, "run", _refusing("attempt to write a readonly database\nsecond line"))
    assert main(["--db", str(tmp_path / "s.db"), "db", "info"]) == 1
    err = capsys.readouterr().err
    assert err == "flowdeck: database error: attempt to write a readonly database\n"


def test_database_refusal_without_a_message_still_says_what_happened(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(app.commands.db, "run", _refusing(""))
    assert main(["--db", str(tmp_path / "s.db"), "db", "info"]) == 1
    err = capsys.readouterr().err
    assert err == "flowdeck: database error: the database gave no reason\n"
    assert "Error" not in err


def test_other_exceptions_are_not_taken_for_database_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise LookupError("a bug")

    monkeypatch.setattr(app.commands.db, "run", broken)
    # Not a database error: the catch-all's one line about an internal error, exit 1.
    assert main(["--db", str(tmp_path / "s.db"), "db", "info"]) == 1
    err = capsys.readouterr().err
    assert "database error" not in err and "internal error" in err
