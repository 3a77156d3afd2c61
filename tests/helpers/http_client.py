"""An HTTP client with a known token and a fake clock, against a fake server."""

from __future__ import annotations

from typing import Any

from data.connectors.http.client import HttpClient
from data.connectors.http.limits import FakeClock
from tests.helpers.server import FakeServer

TOKEN = "SENTINEL-abc123"


def client(srv: FakeServer, **kw: Any) -> HttpClient:
    kw.setdefault("clock", FakeClock())
    return HttpClient("gh", srv.url, token=TOKEN, **kw)
