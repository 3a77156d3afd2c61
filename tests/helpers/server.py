"""A real HTTP server on 127.0.0.1 for connector tests: routes, replayed payloads, injected faults.

Usage::

    with FakeServer() as srv:
        srv.route("GET", "/repos/o/r/actions/runs", lambda req: Reply.json({...}, headers={...}))
        srv.fault_once("GET", "/repos/o/r/actions/runs", Reply(status=502))
        client = Connector(base_url=srv.url, ...)
        ...
        assert srv.requests[0].headers["Authorization"] == "token sentinel"

Handlers get a :class:`Req` and return a :class:`Reply`. Faults queued with ``fault_once``
are served (in order) before the route's handler. Every request is logged in ``requests``.

Misbehaving servers: ``Reply(chunks=...)`` streams a lazily generated body (nothing is built in
memory; ``chunk_delay_s`` trickles it) and counts what went out in ``FakeServer.bytes_streamed``;
``Reply(raw=...)`` writes whatever bytes it likes to the socket (slow headers, a body that stops
half-way). Every wait of the fake ends when the server stops.
"""

from __future__ import annotations

import contextlib
import json
import re
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit


@dataclass
class Req:
    """A request as the fake server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_path: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    """A response to send. ``delay_s`` sleeps before answering (timeouts); ``truncate`` cuts the body."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    truncate: int | None = None
    drop: bool = False  # close the connection without answering
    #: A lazily generated body, sent as it is produced (chunked unless ``headers`` declare a length).
    chunks: Callable[[], Iterable[bytes]] | None = None
    chunk_delay_s: float = 0.0  # pause before each chunk (a trickling server)
    #: Write the whole answer by hand: ``raw(wfile, stopping)``; ``stopping`` is set when the server stops.
    raw: Callable[[BinaryIO, threading.Event], None] | None = None

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        """A JSON reply."""
        h = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status=status, body=json.dumps(payload).encode(), headers=h)

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain", **kw: Any) -> Reply:
        """A text (XML, HTML) reply."""
        headers = {"Content-Type": f"{content_type}; charset=utf-8", **kw.pop("headers", {})}
        return cls(status=status, body=text.encode(), headers=headers, **kw)


Handler = Callable[[Req], Reply]


class FakeServer:
    """A threaded HTTP(S) server on 127.0.0.1 with a port picked by the OS."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._faults: dict[tuple[str, str], list[Reply]] = {}
        self._lock = threading.Lock()
        self.requests: list[Req] = []
        self._ssl = ssl_context
        self._host = host
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        #: Set by :meth:`stop`: every delay, trickle and hang of the fake ends then.
        self.stopping = threading.Event()
        #: Body bytes written by ``Reply(chunks=...)`` answers (what a client made the server send).
        self.bytes_streamed = 0

    # -- configuration --

    def route(self, method: str, path_regex: str, handler: Handler | Reply) -> None:
        """Answer ``method`` requests whose path fully matches ``path_regex`` (later routes win)."""
        h: Handler = handler if callable(handler) else (lambda _r, _rep=handler: _rep)
        with self._lock:
            self._routes.insert(0, (method.upper(), re.compile(path_regex), h))

    def fault_once(self, method: str, path: str, *replies: Reply) -> None:
        """Serve ``replies`` (in order) to the next requests of exactly ``path``, before the route."""
        with self._lock:
            self._faults.setdefault((method.upper(), path), []).extend(replies)

    def clear(self) -> None:
        """Forget routes, faults and the request log."""
        with self._lock:
            self._routes.clear()
            self._faults.clear()
            self.requests.clear()

    # -- lifecycle --

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL without a trailing slash."""
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://{self._host}:{self.port}"

    def start(self, port: int = 0) -> FakeServer:
        """Listen (port 0: any free port) and serve on a daemon thread."""
        server = self
        self.stopping.clear()

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; without TCP_NODELAY each response waits ~40 ms
            # for the client's delayed ACK (Nagle), which made connector suites 20x slower.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = Req(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k: v for k, v in self.headers.items()},
                    body=body,
                    raw_path=self.path,
                )
                reply = server._dispatch(req)
                if reply.delay_s:
                    server.stopping.wait(reply.delay_s)
                if reply.drop:
                    self.close_connection = True
                    return
                if reply.raw is not None:
                    self.close_connection = True
                    with contextlib.suppress(OSError):  # the client hung up: what these tests provoke
                        reply.raw(self.wfile, server.stopping)
                    return
                if reply.chunks is not None:
                    self._stream(reply)
                    return
                payload = reply.body if reply.truncate is None else reply.body[: reply.truncate]
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD" and reply.status not in (204, 304):
                    self.wfile.write(payload)

            def _stream(self, reply: Reply) -> None:
                assert reply.chunks is not None
                chunked = not any(k.lower() == "content-length" for k in reply.headers)
                self.close_connection = True
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.chunks():
                        if reply.chunk_delay_s and server.stopping.wait(reply.chunk_delay_s):
                            return
                        if server.stopping.is_set():
                            return
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                        self.wfile.flush()
                        with server._lock:
                            server.bytes_streamed += len(chunk)
                    if chunked:
                        self.wfile.write(b"0\r\n\r\n")
                except OSError:  # the client hung up (a size cap, a deadline): expected here
                    pass

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _handle

        self._httpd = ThreadingHTTPServer((self._host, port), _Handler)
        self._httpd.daemon_threads = True
        if self._ssl is not None:
            self._httpd.socket = self._ssl.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (ending every delay, trickle and hang)."""
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- dispatch --

    def _dispatch(self, req: Req) -> Reply:
        with self._lock:
            self.requests.append(req)
            queued = self._faults.get((req.method, req.path))
            if queued:
                return queued.pop(0)
            routes = list(self._routes)
        for method, pattern, handler in routes:
            if method == req.method and pattern.fullmatch(req.path):
                return handler(req)
        return Reply.json({"message": f"no fake route for {req.method} {req.path}"}, status=404)
