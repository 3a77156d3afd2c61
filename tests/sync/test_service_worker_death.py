"""A source worker of the sync service that dies of an unexpected error ends the service with exit 1
(issue #12): before, the thread died with a traceback on stderr and ``sync --watch`` exited 0, so a
service manager (systemd ``Restart=on-failure``) never restarted it."""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from data.config.model import Config, SourceConfig
from data.store.store import Store
from data.sync.run import SyncSummary
from data.sync.service import run_service


class _Idle:
    """A connector with no streams: every sync succeeds at once."""

    source = "idle"

    def streams(self) -> list[str]:
        return []

    def read(self, stream: str, cursor: str | None) -> Any:
        return iter(())

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        pass


def _source(name: str, interval_s: float) -> SourceConfig:
    return SourceConfig(name=name, kind="cctray", url="https://feed.example/cc.xml", interval_s=interval_s)


def test_a_dead_worker_stops_the_service_and_is_reported(sqlite_url: str) -> None:
    lines: list[str] = []
    stop = threading.Event()
    # An infinite interval (a config built without the loader's checks) kills the worker's wait.
    cfg = Config(sources=(_source("forever", math.inf), _source("healthy", 0.5)))
    done = threading.Event()
    result: dict[str, Any] = {}

    def service() -> None:
        with Store.open(sqlite_url) as store:
            result["stats"] = run_service(
                None,
                cfg,
                stop=stop,
                log=lines.append,
                connector_factory=lambda _s, _t: _Idle(),  # type: ignore[arg-type,return-value]
                store=store,
            )
        done.set()

    thread = threading.Thread(target=service, daemon=True)
    thread.start()
    try:
        assert done.wait(20), "the service kept running with a dead worker:\n" + "\n".join(lines)
    finally:
        stop.set()
        thread.join(20)
    stats = result["stats"]
    assert list(stats.died) == ["forever"]
    assert "OverflowError" in stats.died["forever"]
    died = [line for line in lines if "sync forever: stopped by an unexpected error" in line]
    assert len(died) == 1 and "\n" not in died[0], lines
    assert "stopped" in lines[-1] and "forever" in lines[-1]


def test_watch_exits_1_with_one_line_when_a_worker_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import data.sync.service

    def broken_line(_when: Any, _summary: SyncSummary, _elapsed: float) -> str:
        raise RuntimeError("a bug in the service")

    monkeypatch.setattr(data.sync.service, "format_sync_line", broken_line)
    # The sync itself "succeeds" at once (no network); then the broken log line kills the worker.
    monkeypatch.setattr(data.sync.service, "sync_source", lambda *_a, **_k: SyncSummary("feed"))
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(
        '[[sources]]\nname = "feed"\nkind = "cctray"\nurl = "http://127.0.0.1:9/cc.xml"\ninterval_s = 0.5\n',
        encoding="utf-8",
    )
    rc = main(["--db", str(tmp_path / "s.db"), "--config", str(cfg), "sync", "--watch"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "Traceback" not in out + err
    assert err.count("\n") == 1 and "feed" in err and "RuntimeError: a bug in the service" in err, err
