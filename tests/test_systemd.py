"""The systemd unit (packaging/systemd/) that runs ``flowdeck sync --watch`` hardened, and its
environment file. The service itself is tested in tests/sync/test_service.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from data.config.model import SourceConfig
from tests.helpers.needs import need_tool, unavailable
from tests.helpers.paths import ROOT

SYSTEMD = ROOT / "packaging" / "systemd"


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
    tool = need_tool("systemd-analyze", "Debian package systemd")
    # verify insists that ExecStart exists: point it at this checkout's flowdeck for the check.
    flowdeck = Path(sys.executable).with_name("flowdeck")
    if not flowdeck.exists():
        unavailable(f"no flowdeck console script beside {sys.executable} (pip install -e .)")
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
        unavailable(f"this systemd-analyze cannot rate an offline unit: {security.stderr.strip()[:200]}")
    assert float(level.group(1)) <= 2.0, security.stdout[-2000:]  # systemd calls < 2.0-ish "OK"
