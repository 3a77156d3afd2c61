"""The change detector (data/store/generation.py) and the systemd unit that runs the sync service.

The detector is what dashboards poll to see new writes; the unit (packaging/systemd/) runs
``flowdeck sync --watch`` hardened. The service itself is tested in tests/test_service.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from data.config.model import SourceConfig
from data.records import WorkItem
from data.store.generation import ChangeDetector
from data.store.store import Store
from tests.test_service import T0

# --- the change detector -------------------------------------------------------------------------


def _item(key: str) -> WorkItem:
    return WorkItem(source="jira", key=key, title=key, type="Story", created_at=T0)


def test_change_detector_sees_each_write_once(store_url: str) -> None:
    with Store.open(store_url) as store:
        detector = ChangeDetector(store)
        assert detector.poll() is False  # nothing written since it started
        store.upsert([_item("PAY-1")])
        assert detector.poll() is True
        assert detector.poll() is False  # seen now
        store.upsert([_item("PAY-2")])
        store.upsert([_item("PAY-3")])
        result = detector.check()
        assert result.changed and result.generation == store.generation() and result.error is None
        assert detector.poll() is False


def test_change_detector_reports_an_unreachable_store_without_raising() -> None:
    # Port 1 on 127.0.0.1: nothing listens, the connection is refused at once.
    engine = create_engine("postgresql+psycopg://flowdeck:pw-not-shown@127.0.0.1:1/none?connect_timeout=2")
    store = Store(engine, "postgresql+psycopg://flowdeck:pw-not-shown@127.0.0.1:1/none")
    detector = ChangeDetector(store, seen=7)
    result = detector.check()
    assert result.changed is False and result.generation is None
    assert result.error and "cannot read the store" in result.error and "pw-not-shown" not in result.error
    assert detector.seen == 7  # kept: the first good read after the outage compares against it
    engine.dispose()


def test_change_detector_mark_seen_and_a_replaced_store(tmp_path: Any) -> None:
    with Store.open(str(tmp_path / "a.db")) as store:
        store.upsert([_item("PAY-1")])
        store.upsert([_item("PAY-2")])
        detector = ChangeDetector(store)
        generation = store.generation()
        detector.mark_seen(generation + 5)  # e.g. a restored, older copy of the store is now in place
        assert detector.poll() is True  # a generation that went down is a change too
        assert detector.seen == generation


def test_change_detector_poll_is_cheap(sqlite_url: str) -> None:
    """Not a speed assertion (see tests/bench/bench_postgres.py): a poll is ONE read of the meta row."""
    with Store.open(sqlite_url) as store:
        store.upsert([_item(f"PAY-{i}") for i in range(2000)])
        detector = ChangeDetector(store)
        statements: list[str] = []
        from sqlalchemy import event

        event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for _ in range(50):
            detector.poll()
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 50
        assert all("work_items" not in s and "meta" in s for s in statements if s.lstrip().upper().startswith("SELECT"))


# --- the systemd unit ------------------------------------------------------------------------------

SYSTEMD = Path(__file__).resolve().parent.parent / "packaging" / "systemd"


def _unit_settings(text: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_systemd_unit_runs_the_watch_service_hardened() -> None:
    unit = _unit_settings((SYSTEMD / "flowdeck-sync.service").read_text(encoding="utf-8"))
    (exec_start,) = unit["ExecStart"]
    assert exec_start.endswith("flowdeck --db ${FLOWDECK_DB} sync --watch")
    assert unit["Restart"] == ["on-failure"] and unit["RestartPreventExitStatus"] == ["2"]
    assert unit["EnvironmentFile"] == ["/etc/flowdeck/flowdeck-sync.env"]
    assert unit["User"] == ["flowdeck"] and unit["KillSignal"] == ["SIGTERM"]
    assert unit["NoNewPrivileges"] == ["yes"] and unit["ProtectSystem"] == ["strict"]
    assert unit["StateDirectory"] == ["flowdeck"]  # the one writable place under ProtectSystem=strict
    sysusers = (SYSTEMD / "flowdeck-sync.sysusers").read_text(encoding="utf-8")
    assert re.search(r"^u flowdeck ", sysusers, re.M)


def test_systemd_environment_example_is_plain_key_value_without_real_tokens() -> None:
    env = (SYSTEMD / "flowdeck-sync.env.example").read_text(encoding="utf-8")
    pairs = dict(line.split("=", 1) for line in env.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    assert {"FLOWDECK_DB", "FLOWDECK_CONFIG"} <= set(pairs)
    for key, value in pairs.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", key) and not value.startswith(("'", '"')), key
        if key.startswith("FLOWDECK_TOKEN_"):
            assert value.startswith("replace-with"), key  # a placeholder, never a token
    assert SourceConfig("github", "github", "https://x").env_token_name in pairs


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here: the unit's syntax was not verified")
    # verify insists that ExecStart exists: point it at this checkout's flowdeck for the check.
    flowdeck = Path(sys.executable).with_name("flowdeck")
    if not flowdeck.exists():
        pytest.skip(f"no flowdeck console script beside {sys.executable}")
    text = (SYSTEMD / "flowdeck-sync.service").read_text(encoding="utf-8")
    unit = tmp_path / "flowdeck-sync.service"
    unit.write_text(text.replace("/opt/flowdeck/bin/flowdeck", str(flowdeck)), encoding="utf-8")
    done = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False)
    # verify exits 0 even for settings it ignores; any message on stderr is a mistake in the unit.
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    security = subprocess.run(
        [tool, "security", "--offline=yes", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", security.stdout)
    if level is None:
        pytest.skip(f"this systemd-analyze cannot rate an offline unit: {security.stderr.strip()[:200]}")
    assert float(level.group(1)) <= 2.0, security.stdout[-2000:]  # systemd calls < 2.0-ish "OK"
