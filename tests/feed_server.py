"""A real HTTP server on 127.0.0.1 for tests: serves files and scripted replies.

    from feed_server import FeedServer, Reply, feed_server   # feed_server is a pytest fixture

    def test_it(feed_server):
        feed_server.route("/feed.xml", Reply(body=b"<rss .../>", headers={"ETag": '"v1"'}))
        result = Fetcher().fetch(feed_server.url("/feed.xml"))
        assert feed_server.requests[0].headers["user-agent"].startswith("reader/")

A route's reply is a Reply, or a function of the Request that returns one (for conditional
answers and counters). Replies can be delayed, trickled in chunks, gzipped, or endless.
"""

from __future__ import annotations

import gzip as gzip_module
import itertools
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TLS_CERTIFICATE = Path(__file__).parent / "data" / "tls" / "localhost-cert.pem"
TLS_KEY = Path(__file__).parent / "data" / "tls" / "localhost-key.pem"


@dataclass
class Reply:
    """What the server answers on one route."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0                 # seconds to wait before the status line
    gzip: bool = False                 # gzip `body` and say Content-Encoding: gzip
    chunk_size: int = 0                # > 0: send the body in chunks of this size ...
    pause: float = 0.0                 # ... with this pause before each one
    chunked: bool = False              # Transfer-Encoding: chunked instead of Content-Length
    length: bool = True                # send Content-Length (False: the body ends when the connection closes)
    stream: Iterable[bytes] | None = None  # chunks to send instead of `body` (may be endless)
    header_pause: float = 0.0          # pause before each header line: headers that trickle in


@dataclass
class Request:
    """A request the server received: method, path (with query) and headers (names lower-case)."""

    method: str
    path: str
    headers: dict[str, str]
    client: tuple[str, int] = ("", 0)    # the client's address and port: one per connection


Route = Reply | Callable[[Request], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # an endless reply must not hold up close()

    def handle_error(self, request, client_address) -> None:
        # Clients that hang up mid-reply are what many tests are about; anything else is a bug.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def redirect(to: str, status: int = 301) -> Reply:
    """A reply that sends the client to `to` (a path or a full URL)."""
    return Reply(status=status, headers={"Location": to})


def conditional(body: bytes, *, etag: str | None = None, last_modified: str | None = None,
                content_type: str = "application/rss+xml") -> Callable[[Request], Reply]:
    """A route that answers 304 when the request's validators match, else 200 with `body`."""
    headers = {"Content-Type": content_type}
    if etag:
        headers["ETag"] = etag
    if last_modified:
        headers["Last-Modified"] = last_modified

    def answer(request: Request) -> Reply:
        matched_etag = etag is not None and request.headers.get("if-none-match") == etag
        matched_date = last_modified is not None and request.headers.get("if-modified-since") == last_modified
        if matched_etag or matched_date:
            return Reply(status=304, headers={k: v for k, v in headers.items() if k != "Content-Type"})
        return Reply(body=body, headers=headers)

    return answer


def endless(piece: bytes = b" ", pause: float = 0.05) -> Reply:
    """A 200 whose chunked body never ends: `piece` every `pause` seconds."""
    return Reply(headers={"Content-Type": "application/rss+xml"}, stream=itertools.repeat(piece),
                 pause=pause, chunked=True)


class FeedServer:
    """A threading HTTP server on 127.0.0.1 with a port of its own; use it as a context manager."""

    def __init__(self, tls: bool = False) -> None:
        self.routes: dict[str, Route] = {}
        self.scheme = "https" if tls else "http"
        self.requests: list[Request] = []
        self._sockets: list[socket.socket] = []      # connections, for hang_up()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        if tls:
            # A self-signed certificate for 127.0.0.1 (tests/data/tls, valid until 2125).
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(TLS_CERTIFICATE, TLS_KEY)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="feed-server", daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, reply: Route) -> str:
        """Answer GETs of `path` (query included, if any) with `reply`; returns the full URL."""
        self.routes[path] = reply
        return self.url(path)

    def serve_file(self, path: str, file: str | Path, content_type: str = "application/xml") -> str:
        """Answer GETs of `path` with the bytes of `file`."""
        return self.route(path, Reply(body=Path(file).read_bytes(), headers={"Content-Type": content_type}))

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def hang_up(self) -> None:
        """Close every connection a client keeps open, as servers do with idle ones."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _record(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        route = self.routes.get(request.path)
        if route is None:
            return Reply(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
        return route(request) if callable(route) else route

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive and chunked replies, like real servers

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server._sockets.append(self.connection)

            def do_GET(self) -> None:  # noqa: N802 (the name http.server wants)
                request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()},
                                  self.client_address)
                reply = server._record(request)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up, as it should with some replies

            def _send(self, reply: Reply) -> None:
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                body = gzip_module.compress(reply.body) if reply.gzip else reply.body
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    if reply.header_pause:
                        self.flush_headers()
                        if server._stopping.wait(reply.header_pause):
                            return
                    self.send_header(name, value)
                if reply.gzip:
                    self.send_header("Content-Encoding", "gzip")
                chunked = reply.chunked or reply.stream is not None
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                elif reply.length:
                    if "content-length" not in {name.lower() for name in reply.headers}:
                        self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                for piece in self._pieces(reply, body):
                    if reply.pause and server._stopping.wait(reply.pause):
                        return
                    if chunked:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    else:
                        self.wfile.write(piece)
                    self.wfile.flush()
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")

            @staticmethod
            def _pieces(reply: Reply, body: bytes) -> Iterator[bytes]:
                if reply.stream is not None:
                    yield from reply.stream
                elif reply.chunk_size > 0:
                    for start in range(0, len(body), reply.chunk_size):
                        yield body[start:start + reply.chunk_size]
                elif body:
                    yield body

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # keep test output quiet

        return Handler


@pytest.fixture
def tls_feed_server() -> Iterator[FeedServer]:
    """The same server speaking https, with a self-signed certificate (TLS_CERTIFICATE)."""
    with FeedServer(tls=True) as server:
        yield server


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A running FeedServer, closed after the test."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def feed_server_factory() -> Iterator[Callable[[], FeedServer]]:
    """Makes as many FeedServers as a test needs (say, one per fake site); all closed after it."""
    servers: list[FeedServer] = []

    def make() -> FeedServer:
        servers.append(FeedServer())
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

