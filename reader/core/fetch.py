"""Fetch feeds over HTTP (or from local files) with size caps, timeouts and conditional GET.

Failures never raise: they come back as FetchResult.error in the user's words.
"""

from __future__ import annotations

import base64
import os
import socket
import ssl
import stat
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from http import HTTPStatus
from urllib.parse import quote, unquote, urljoin, urlsplit

from reader import __version__
from reader.core.clean import clean_line
from reader.core.models import FetchResult

if os.name == "nt":
    from nturl2path import url2pathname
else:
    url2pathname = unquote   # what urllib.request's url2pathname is on POSIX, without its import

# HTTP is the standard library's http.client: it imports in a few milliseconds and costs a
# fraction of a millisecond per request, which is most of a refresh where nothing changed.
# Everything a careful fetcher needs on top (caps, deadlines, redirects, keep-alive, proxies)
# is here, in plain sight.

USER_AGENT = f"reader/{__version__} (+terminal news reader)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
# Only what we can decompress ourselves with a cap on the output (see _Inflater).
ACCEPT_ENCODING = "gzip, deflate"

_WEB_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT_REDIRECTS = (301, 308)
_MIB = 1024 * 1024
_CHUNK = 64 * 1024
_SMALL_BODY = 64 * 1024      # a redirect's body up to this size is read so the connection is kept
# Characters left as they are in a request's path and query (everything else is %-escaped).
_SAFE_IN_PATH = "/%!$&'()*+,;=:@-._~"
_SAFE_IN_QUERY = _SAFE_IN_PATH + "?"


class FetchFailed(Exception):
    """A fetch went wrong; the message is in the user's words."""


def is_web_url(url: str) -> bool:
    """True when `url` is an http or https address with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _WEB_SCHEMES and bool(parts.hostname)


def check_web_url(url: str) -> str:
    """Return `url` cleaned, or raise ValueError unless it is an http(s) address.

    For addresses that came from an OPML file or from inside a feed: those must never
    make reader open a local file or another kind of address.
    """
    cleaned = clean_line(url)
    if not is_web_url(cleaned):
        shown = _shorten(cleaned) or "an empty address"
        raise ValueError(f"{shown} is not a web address: only http:// and https:// addresses are allowed")
    return cleaned


def is_local_source(source: str) -> bool:
    """True when `source` names a local file: a path, or a file: URL the user gave directly."""
    scheme = urlsplit(source.strip()).scheme.lower()
    return scheme == "file" or not _looks_like_scheme(scheme, source)


class Fetcher:
    """Fetches feeds, one at a time or many at once, keeping connections open for reuse."""

    def __init__(
        self,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        total_timeout: float = 60.0,
        max_bytes: int = 20 * _MIB,
        max_redirects: int = 5,
        concurrency: int = 8,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.concurrency = max(1, concurrency)
        self._connections = _Connections(self.concurrency)
        self._deadlines = _Deadlines()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._deadlines.close()
        self._connections.close()

    def fetch(self, url_or_path: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch one feed. `etag` and `last_modified` are what the last fetch returned."""
        try:
            if is_local_source(url_or_path):
                return self._read_file(url_or_path, etag)
            return self._fetch_web(url_or_path, etag, last_modified)
        except FetchFailed as failure:
            return FetchResult(url=url_or_path, error=str(failure))
        except Exception as failure:  # the contract: nothing raises out of a fetch
            return FetchResult(url=url_or_path, error=f"could not fetch {_shorten(url_or_path)}: "
                                                      f"{clean_line(str(failure)) or type(failure).__name__}")

    def fetch_all(self, requests: Iterable[tuple[str, str | None, str | None] | str]) -> Iterator[FetchResult]:
        """Fetch many feeds, at most `concurrency` at once, yielding each result as it completes.

        Each request is (url_or_path, etag, last_modified), or just the url_or_path.
        """
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="reader-fetch")
        waiting = iter(requests)
        running: set = set()

        def start_next() -> bool:
            request = next(waiting, None)
            if request is None:
                return False
            if isinstance(request, str):
                running.add(pool.submit(self.fetch, request))
            else:
                running.add(pool.submit(self.fetch, *request))
            return True

        try:
            # A window of fetches, not all at once: a finished body waits in memory only until
            # the caller takes it, so 200 feeds never mean 200 bodies held at the same time.
            while len(running) < self.concurrency and start_next():
                pass
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    running.discard(future)
                    yield future.result()
                    start_next()
        finally:
            # A caller that stops early should not wait for the fetches it no longer wants.
            pool.shutdown(wait=False, cancel_futures=True)

    # -- the web --------------------------------------------------------------------------

    def _fetch_web(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        deadline = time.monotonic() + self.total_timeout
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        moved_to = None
        only_permanent_so_far = True
        current = url
        with _Watchdog(self._deadlines, self.total_timeout) as watchdog:
            for _hop in range(self.max_redirects + 1):
                exchange = self._request(current, headers, deadline, watchdog)
                try:
                    response = exchange.response
                    location = response.getheader("location")
                    if response.status not in _REDIRECTS or not location:
                        return self._answer(url, exchange, deadline, watchdog, moved_to, etag,
                                            last_modified)
                    exchange.finish()   # a redirect's small body
                finally:
                    exchange.close()
                target = urljoin(current, clean_line(location))
                if not is_web_url(target):
                    raise FetchFailed(f"the server sent reader to {_shorten(target)}, which is not a web address")
                if response.status in _PERMANENT_REDIRECTS and only_permanent_so_far:
                    moved_to = target
                else:
                    only_permanent_so_far = False  # moves after a temporary one are temporary too
                current = target
        raise FetchFailed(f"too many redirects (more than {self.max_redirects})")

    def _request(self, url: str, headers: dict[str, str], deadline: float,
                 watchdog: _Watchdog) -> _Exchange:
        """Send the GET and read the status and headers, on a kept connection when there is one.

        A kept connection the server has closed in the meantime is noticed here, and the
        request is sent once more on a new connection.
        """
        try:
            origin, target, host_header, auth = _request_parts(url)
        except ValueError:
            raise FetchFailed(f"this is not a valid web address: {_shorten(url)}") from None
        request_headers = {"Host": host_header, "User-Agent": USER_AGENT, "Accept": ACCEPT,
                           "Accept-Encoding": ACCEPT_ENCODING, **headers}
        if auth:
            request_headers["Authorization"] = auth
        for attempt in range(2):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or watchdog.expired:
                raise FetchFailed(f"the server took too long (more than {_seconds(self.total_timeout)} s)")
            connection, reused = self._connections.take(origin)
            sent_target = target
            if connection.absolute_target:     # an http proxy is asked for the full address
                sent_target = f"{origin[0]}://{host_header}{target}"
                if connection.proxy_auth:
                    request_headers.update(connection.proxy_auth)
            try:
                if connection.sock is None:
                    connection.timeout = min(self.connect_timeout, remaining)
                    connection.connect()
                connection.sock.settimeout(min(self.read_timeout, remaining))
                watchdog.watch(connection.sock)
                connection.request("GET", sent_target, headers=request_headers)
                response = connection.getresponse()
            except Exception as error:
                connection.close()
                stale = reused and isinstance(error, _STALE_CONNECTION) and not watchdog.expired
                if stale and attempt == 0:
                    continue
                raise FetchFailed(self._explain(error, url, deadline, watchdog)) from error
            return _Exchange(self._connections, origin, connection, response, url, watchdog)
        raise AssertionError("unreachable")

    def _answer(self, url: str, exchange: _Exchange, deadline: float, watchdog: _Watchdog,
                moved_to: str | None, etag: str | None, last_modified: str | None) -> FetchResult:
        response = exchange.response
        status = response.status
        new_etag = clean_line(response.getheader("etag")) or None
        new_last_modified = clean_line(response.getheader("last-modified")) or None
        if status == 304:
            exchange.finish()
            return FetchResult(url=url, status=304, not_modified=True, moved_to=moved_to,
                               etag=new_etag or etag, last_modified=new_last_modified or last_modified)
        if not 200 <= status < 300:
            raise FetchFailed(f"the server answered {status} {_reason(response)}".rstrip())
        content = self._read_body(exchange, deadline, watchdog)
        return FetchResult(url=url, content=content, status=status, etag=new_etag,
                           last_modified=new_last_modified, moved_to=moved_to,
                           content_type=clean_line(response.getheader("content-type")) or None)

    def _read_body(self, exchange: _Exchange, deadline: float, watchdog: _Watchdog) -> bytes:
        """The body, decompressed, refused as soon as either size passes the cap or time runs out."""
        response = exchange.response
        declared = (response.getheader("content-length") or "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchFailed(self._too_large())
        inflater = _Inflater(response.getheader("content-encoding") or "", self.max_bytes)
        received = 0
        try:
            while chunk := response.read1(_CHUNK):
                received += len(chunk)
                if received > self.max_bytes:
                    raise FetchFailed(self._too_large())
                if not inflater.feed(chunk):
                    raise FetchFailed(self._too_large())
                if time.monotonic() > deadline:
                    break
        except FetchFailed:
            raise
        except Exception as error:
            raise FetchFailed(self._explain(error, exchange.url, deadline, watchdog)) from error
        if watchdog.expired or time.monotonic() > deadline:
            # The watchdog's shutdown can look like the end of a body that had no length.
            raise FetchFailed(f"the server took too long (more than {_seconds(self.total_timeout)} s)")
        body = inflater.finish()
        if body is None:
            raise FetchFailed(self._too_large())
        # read1() stops at the end of a body of known length without marking it closed.
        exchange.done = response.isclosed() or response.length == 0
        return body

    def _too_large(self) -> str:
        return f"the feed is larger than {_size(self.max_bytes)}"

    def _explain(self, error: Exception, url: str, deadline: float, watchdog: _Watchdog) -> str:
        """What went wrong with the connection, in the user's words."""
        import http.client

        host = _host(url)
        if watchdog.expired or time.monotonic() >= deadline - 0.05:
            return f"the server took too long (more than {_seconds(self.total_timeout)} s)"
        if isinstance(error, socket.gaierror):
            return f"could not find the server {host}"
        if isinstance(error, ConnectionRefusedError):
            return f"the server {host} refused the connection"
        if isinstance(error, ssl.SSLError):
            return f"could not make a secure connection to {host}: {_plain(error)}"
        if isinstance(error, TimeoutError):
            if isinstance(error, _ConnectTimeout):
                return f"could not connect to {host} within {_seconds(self.connect_timeout)} s"
            return f"timed out after {_seconds(self.read_timeout)} s"
        if isinstance(error, _ConnectFailed):
            return f"could not connect to {host}: {_plain(error.__cause__ or error)}"
        if isinstance(error, http.client.HTTPException):   # hung up, cut short, or not HTTP
            return f"the server {host} broke off the connection or answered in a garbled way"
        if isinstance(error, OSError):
            return f"the connection to {host} was lost"
        return f"could not fetch {_shorten(url)}: {_plain(error)}"

    # -- local files ----------------------------------------------------------------------

    def _read_file(self, source: str, etag: str | None) -> FetchResult:
        path = _local_path(source)
        try:
            info = os.stat(path)
            if stat.S_ISDIR(info.st_mode):
                raise FetchFailed(f"{_shorten(path)} is a folder, not a feed")
            if stat.S_ISREG(info.st_mode) and info.st_size > self.max_bytes:
                raise FetchFailed(self._too_large())
            # Size and modification time (to the nanosecond) tell whether the file changed.
            version = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
            if etag == version:
                return FetchResult(url=source, not_modified=True, etag=version)
            with open(path, "rb") as file:
                content = file.read(self.max_bytes + 1)  # +1: a device or pipe may not say its size
        except FileNotFoundError:
            hint = "" if os.sep in source or "." not in source else " (for a web address, start it with https://)"
            raise FetchFailed(f"there is no file {_shorten(path)}{hint}") from None
        except PermissionError:
            raise FetchFailed(f"reader is not allowed to read {_shorten(path)}") from None
        except OSError as error:
            raise FetchFailed(f"could not read {_shorten(path)}: {_plain(error)}") from None
        if len(content) > self.max_bytes:
            raise FetchFailed(self._too_large())
        return FetchResult(url=source, content=content, etag=version)


class _Watchdog:
    """Shuts one fetch's connection down when its total time runs out (see _Deadlines)."""

    def __init__(self, deadlines: _Deadlines, seconds: float) -> None:
        self._deadlines = deadlines
        self.deadline = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def __enter__(self) -> _Watchdog:
        self._deadlines.add(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._deadlines.remove(self)

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down if the time runs out while this fetch uses it."""
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


class _Deadlines:
    """One thread that ends the fetches whose total time has run out.

    Timeouts bound each wait for the server, but a server that sends its headers or its
    body a byte at a time never trips them. Shutting the socket down wakes the waiting
    read, whichever thread it is in. (One thread for all fetches: a timer per fetch cost
    more than the fetch itself when the answer is a quick 304.)
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._watchdogs: set[_Watchdog] = set()
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, watchdog: _Watchdog) -> None:
        with self._changed:
            self._watchdogs.add(watchdog)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="reader-deadlines",
                                                daemon=True)
                self._thread.start()
            self._changed.notify()

    def remove(self, watchdog: _Watchdog) -> None:
        with self._changed:
            self._watchdogs.discard(watchdog)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                if self._closed:
                    return
                now = time.monotonic()
                due = [w for w in self._watchdogs if w.deadline <= now]
                self._watchdogs.difference_update(due)
                if not due:
                    soonest = min((w.deadline for w in self._watchdogs), default=None)
                    self._changed.wait(None if soonest is None else soonest - now)
                    continue
            for watchdog in due:
                watchdog.expire()


class _ConnectTimeout(TimeoutError):
    """The server did not accept the connection in time."""


class _ConnectFailed(OSError):
    """The connection could not be made (the cause says why)."""


# What a kept connection that the server closed while it sat idle looks like on reuse.
_STALE_CONNECTION = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


def _connect_with_clear_errors(connect):
    """Wrap a connection's connect() so its failures say they happened while connecting."""

    def connect_clearly() -> None:
        try:
            connect()
        except (socket.gaierror, ConnectionRefusedError, ssl.SSLError):
            raise
        except TimeoutError as error:
            raise _ConnectTimeout(str(error)) from error
        except OSError as error:
            raise _ConnectFailed(str(error)) from error

    return connect_clearly


class _Connections:
    """Connections kept open after a complete answer, by origin, for the next fetch.

    Many feeds live on a few hosts; reusing a connection saves a TCP (and TLS) handshake
    per feed. At most `per_origin` idle connections are kept for each origin.
    """

    def __init__(self, per_origin: int) -> None:
        self.per_origin = per_origin
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str, int], list] = {}
        self._tls: ssl.SSLContext | None = None
        self._proxies: dict[str, str] | None = None     # read from the environment once

    def take(self, origin: tuple[str, str, int]):
        """(connection, reused): a kept connection to `origin`, or a new unconnected one.

        Through a proxy (http_proxy, https_proxy, all_proxy and no_proxy in the environment,
        as curl and most tools read them), an http connection goes to the proxy and asks it
        for full addresses (`connection.absolute_target`); an https one tunnels through it.
        """
        with self._lock:
            idle = self._idle.get(origin)
            if idle:
                return idle.pop(), True
        import http.client

        scheme, host, port = origin
        proxy = self._proxy_for(scheme, host)
        if proxy is None:
            address, proxy_auth = (host, port), None
        else:
            address, proxy_auth = proxy
        if scheme == "https":
            connection = http.client.HTTPSConnection(*address, context=self._tls_context())
            if proxy is not None:
                connection.set_tunnel(host, port, headers=proxy_auth)
        else:
            connection = http.client.HTTPConnection(*address)
        connection.absolute_target = proxy is not None and scheme == "http"
        connection.proxy_auth = proxy_auth if connection.absolute_target else None
        connection.connect = _connect_with_clear_errors(connection.connect)
        return connection, False

    def _proxy_for(self, scheme: str, host: str):
        """((proxy host, port), {"Proxy-Authorization": ...} or None), or None for no proxy."""
        with self._lock:
            if self._proxies is None:
                self._proxies = _environment_proxies()
            proxies = self._proxies
        if not proxies:
            return None
        from urllib.request import proxy_bypass_environment

        proxy = proxies.get(scheme) or proxies.get("all")
        if not proxy or proxy_bypass_environment(host, proxies):
            return None
        parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if not parts.hostname:
            return None
        auth = None
        if parts.username is not None:
            auth = {"Proxy-Authorization": _basic_auth(parts.username, parts.password)}
        return (parts.hostname, parts.port or 8080), auth

    def give_back(self, origin: tuple[str, str, int], connection) -> None:
        with self._lock:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < self.per_origin:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._tls is None:
                # Built on first use: loading the certificates takes tens of milliseconds,
                # which a refresh of plain-http feeds should not pay.
                self._tls = _tls_context()
            return self._tls


def _tls_context() -> ssl.SSLContext:
    """Certificates are checked against SSL_CERT_FILE / SSL_CERT_DIR when the environment
    names them (a company's own authority, say), else against certifi's bundle."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile or capath:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


class _Exchange:
    """One request's response, and the connection it came on."""

    def __init__(self, connections: _Connections, origin, connection, response, url: str,
                 watchdog: _Watchdog) -> None:
        self.connections, self.origin = connections, origin
        self.connection, self.response, self.url = connection, response, url
        self.done = False          # True once the whole body was read: the connection can be kept
        self._watchdog = watchdog

    def finish(self) -> None:
        """Read (and drop) a small body, such as a redirect's, so the connection can be kept."""
        length = self.response.length     # what is left of the body; None when not known
        if self.response.isclosed() or (length is not None and length <= _SMALL_BODY):
            try:
                self.response.read()
            except Exception:
                return      # not worth keeping; close() drops it
            self.done = True

    def close(self) -> None:
        keep = self.done and not self.response.will_close and not self._watchdog.expired
        if keep:
            self.response.close()     # the body was read to its end: the socket is ready again
            self.connections.give_back(self.origin, self.connection)
        else:
            self.connection.close()


def _environment_proxies() -> dict[str, str]:
    """The proxies the environment names ({"http": ..., "no": ...}), or {} (checked without
    importing urllib.request, which most runs would not need)."""
    names = ("http_proxy", "https_proxy", "all_proxy")
    if not any(key.lower() in names for key in os.environ):
        return {}
    from urllib.request import getproxies_environment

    return getproxies_environment()


def _request_parts(url: str) -> tuple[tuple[str, str, int], str, str, str | None]:
    """(origin, request target, Host header, Authorization header) for `url`.

    Raises ValueError for addresses that cannot be put into a request.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _WEB_SCHEMES or not host:
        raise ValueError(url)
    port = parts.port or (443 if scheme == "https" else 80)
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        host = host.encode("idna").decode("ascii")
    shown_host = f"[{host}]" if ":" in host else host
    default_port = 443 if scheme == "https" else 80
    host_header = shown_host if port == default_port else f"{shown_host}:{port}"
    target = quote(parts.path or "/", safe=_SAFE_IN_PATH)
    if parts.query:
        target += "?" + quote(parts.query, safe=_SAFE_IN_QUERY)
    auth = _basic_auth(parts.username, parts.password) if parts.username is not None else None
    return (scheme, host, port), target, host_header, auth


def _basic_auth(username: str, password: str | None) -> str:
    """The Basic credentials for a user and password as written in an address (%-escaped)."""
    pair = f"{unquote(username)}:{unquote(password or '')}"
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing left to stop


class _Inflater:
    """Decompresses a body chunk by chunk, never producing more than `limit` bytes in all.

    zlib's max_length makes each step stop at the cap, so a small gzip bomb is refused
    having cost at most `limit` bytes of memory.
    """

    def __init__(self, content_encoding: str, limit: int) -> None:
        encodings = [part.strip().lower() for part in content_encoding.split(",") if part.strip()]
        encodings = [name for name in encodings if name != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchFailed(f"the server compressed the feed in a way reader cannot read ({clean_line(content_encoding)})")
        self.encoding = encodings[0] if encodings else ""
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self._started = False
        self._zlib = None
        if self.encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)

    def feed(self, chunk: bytes) -> bool:
        """Take one raw chunk; False once the output has grown past the limit."""
        if self._zlib is None:
            return self._keep(chunk)
        try:
            return self._inflate(chunk)
        except zlib.error:
            if self.encoding == "deflate" and not self._started:
                # "deflate" in the wild is sometimes raw deflate without the zlib header.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._inflate(chunk)
            raise FetchFailed("the server sent a damaged compressed feed") from None

    def finish(self) -> bytes | None:
        """All the output, or None when it passed the limit."""
        if self._zlib is not None:
            if self._started and not self._zlib.eof:
                raise FetchFailed("the server sent a damaged or incomplete compressed feed")
            if not self._keep(self._zlib.flush()):
                return None
        return b"".join(self.parts)

    def _inflate(self, data: bytes) -> bool:
        while data and not self._zlib.eof:  # anything after the end of the stream is ignored
            room = self.limit - self.size
            out = self._zlib.decompress(data, room + 1)
            self._started = True
            if not self._keep(out):
                return False
            data = self._zlib.unconsumed_tail
        return True

    def _keep(self, piece: bytes) -> bool:
        self.size += len(piece)
        if self.size > self.limit:
            self.parts.clear()
            return False
        if piece:
            self.parts.append(piece)
        return True


def _looks_like_scheme(scheme: str, source: str) -> bool:
    # "C:\feeds\x.xml" has a one-letter "scheme"; a real one is longer and followed by ":".
    return len(scheme) > 1 and source.strip().lower().startswith(scheme + ":")


def _local_path(source: str) -> str:
    source = source.strip()
    parts = urlsplit(source)
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchFailed(f"reader cannot read files on another computer ({_shorten(source)})")
        return url2pathname(parts.path)
    if _looks_like_scheme(parts.scheme.lower(), source):
        raise FetchFailed(
            f"reader can read web addresses (http:// or https://) and local files, not {_shorten(source)}"
        )
    return os.path.expanduser(source)


def _root_cause(error: BaseException) -> BaseException:
    seen = {id(error)}
    while True:
        inner = error.__cause__ or error.__context__
        if inner is None or id(inner) in seen:
            return error
        seen.add(id(inner))
        error = inner


def _plain(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return clean_line(error.strerror).lower()
    return clean_line(str(error)) or type(error).__name__


def _reason(response) -> str:
    try:
        return HTTPStatus(response.status).phrase
    except ValueError:
        return clean_line(response.reason)


def _host(url: str) -> str:
    try:
        return clean_line(urlsplit(url).hostname) or _shorten(url)
    except ValueError:
        return _shorten(url)


def _shorten(text: str, limit: int = 120) -> str:
    text = clean_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seconds(value: float) -> str:
    return f"{value:g}"


def _size(count: int) -> str:
    if count >= _MIB:
        return f"{count / _MIB:g} MiB" if count % _MIB == 0 else f"{count / _MIB:.1f} MiB"
    if count >= 1024:
        return f"{count / 1024:.0f} KiB"
    return f"{count} bytes"
