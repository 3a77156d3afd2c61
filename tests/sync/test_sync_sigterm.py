"""``flowdeck sync --watch`` ends within seconds of SIGTERM whatever the server does.

A real child process syncs a GitHub source served by a fake on 127.0.0.1 that never answers, trickles
its body, or stops half-way through it; ``timeout_s`` is far longer than the bound, so only the
cancellation of the request in flight can end the service in time. The bound is functional (the
service must not wait for the server), not a speed benchmark. A worker stuck where no cancel
reaches is left behind after ``STOP_GRACE_S`` (in this process, with a connector that blocks).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from data.config.parse import parse_config
from data.connectors.base import Page
from data.sync.service import STOP_GRACE_S, run_service
from tests.helpers.server import FakeServer, Reply

ROOT = Path(__file__).resolve().parent.parent.parent
BOUND_S = 10.0


def _never(_w: BinaryIO, stop: threading.Event) -> None:
    stop.wait(600)


def _trickle(w: BinaryIO, stop: threading.Event) -> None:
    w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    while not stop.wait(0.2):
        w.write(b" ")
        w.flush()


def _half_body(w: BinaryIO, stop: threading.Event) -> None:
    w.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"workflow_runs": [')
    w.flush()
    stop.wait(600)


@pytest.mark.parametrize(
    "behaviour", [_never, _trickle, _half_body], ids=["never-answers", "trickles", "hangs-mid-body"]
)
def test_sigterm_ends_the_service_within_seconds(behaviour, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with FakeServer() as srv:
        srv.route("GET", ".*", Reply(raw=behaviour))
        config = tmp_path / "flowdeck.toml"
        config.write_text(
            f'[[sources]]\nname = "github"\nkind = "github"\nurl = "{srv.url}"\ninterval_s = 0.5\n'
            'timeout_s = 120\nrepos = ["bank/mobile"]\n',
            encoding="utf-8",
        )
        log = tmp_path / "service.log"
        with log.open("w", encoding="utf-8") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "app.cli",
                    "--db",
                    f"sqlite:///{tmp_path / 'f.db'}",
                    "--config",
                    str(config),
                    "sync",
                    "--watch",
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1", "FLOWDECK_TOKEN_GITHUB": "SENTINEL-sigterm-0a1b"},
            )
            try:
                deadline = time.monotonic() + 60
                while not srv.requests and time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(0.05)
                assert srv.requests, f"the service never reached the server:\n{log.read_text()}"
                time.sleep(0.5)  # well inside the request: the server is now hanging or trickling
                assert proc.poll() is None, log.read_text()
                proc.send_signal(signal.SIGTERM)
                started = time.monotonic()
                try:
                    rc = proc.wait(60)
                except subprocess.TimeoutExpired:
                    rc = None
                took = time.monotonic() - started
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(10)
    text = log.read_text(encoding="utf-8")
    assert rc == 0, text
    assert took < BOUND_S, f"{took:.1f} s after SIGTERM:\n{text}"
    assert "SIGTERM, stopping" in text and "flowdeck sync service: stopped" in text, text
    assert "Traceback" not in text and "SENTINEL-sigterm" not in text, text
    assert "sync github: cancelled" in text and "did not stop" not in text, text  # the request itself was cut


class _Stuck:
    """A connector stuck where no cancel reaches it (a DNS lookup the resolver never answers)."""

    source = "stuck"

    def __init__(self) -> None:
        self.release = threading.Event()

    def streams(self) -> list[str]:
        return ["s"]

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        self.release.wait(60)  # deaf to the sync's cancel event
        yield from ()

    def test_connection(self) -> str:
        return "stuck"

    def close(self) -> None:
        self.release.set()


def test_the_service_does_not_wait_for_a_worker_nothing_can_interrupt(tmp_path: Path) -> None:
    stuck = _Stuck()
    cfg = parse_config(
        {"sources": [{"name": "stuck", "kind": "github", "url": "http://127.0.0.1:9", "repos": ["o/r"]}]}
    )
    stop = threading.Event()
    lines: list[str] = []
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    try:
        run_service(
            f"sqlite:///{tmp_path / 'f.db'}",
            cfg,
            stop=stop,
            log=lines.append,
            token_for=lambda _n: None,
            connector_factory=lambda _s, _t: stuck,
        )
        took = time.monotonic() - started
    finally:
        stuck.release.set()
    assert took < STOP_GRACE_S + 3, took
    assert any("stuck did not stop within" in line for line in lines), lines
    assert "flowdeck sync service: stopped" in lines[-1]
