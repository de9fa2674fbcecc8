"""Fetch feeds over HTTP (or from local files) with size caps, timeouts and conditional GET.

Failures never raise: they come back as FetchResult.error in the user's words.
"""

from __future__ import annotations

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
from urllib.parse import urljoin, urlsplit
from typing import TYPE_CHECKING
from urllib.request import url2pathname

from reader import __version__
from reader.core.clean import clean_line
from reader.core.models import FetchResult

if TYPE_CHECKING:
    import httpx

# httpx itself is imported only when a Fetcher is made: importing it loads its command line's
# rich, click and pygments, which code that only checks addresses (OPML import) should not pay for.

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
    """Fetches feeds, one at a time or many at once, over one shared HTTP client."""

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
        import httpx

        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,  # followed by hand, to know whether a move is permanent
            # No keep-alive: the watchdog that enforces the total deadline needs to see each
            # connection being made. Feeds are mostly on different hosts, so little is lost.
            limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=0),
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

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
        with _Watchdog(self.total_timeout) as watchdog:
            for _hop in range(self.max_redirects + 1):
                response = self._request(current, headers, deadline, watchdog)
                try:
                    location = response.headers.get("location")
                    if response.status_code not in _REDIRECTS or not location:
                        return self._answer(url, response, deadline, moved_to, etag, last_modified)
                finally:
                    response.close()
                target = urljoin(current, clean_line(location))
                if not is_web_url(target):
                    raise FetchFailed(f"the server sent reader to {_shorten(target)}, which is not a web address")
                if response.status_code in _PERMANENT_REDIRECTS and only_permanent_so_far:
                    moved_to = target
                else:
                    only_permanent_so_far = False  # moves after a temporary one are temporary too
                current = target
        raise FetchFailed(f"too many redirects (more than {self.max_redirects})")

    def _request(self, url: str, headers: dict[str, str], deadline: float, watchdog: _Watchdog) -> httpx.Response:
        import httpx

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed(f"the server took too long (more than {_seconds(self.total_timeout)} s)")
        timeout = httpx.Timeout(
            connect=min(self.connect_timeout, remaining),
            read=min(self.read_timeout, remaining),
            write=min(self.read_timeout, remaining),
            pool=remaining,
        )
        try:
            request = self._client.build_request("GET", url, headers=headers, timeout=timeout,
                                                 extensions={"trace": watchdog.trace})
            response = self._client.send(request, stream=True)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise FetchFailed(self._explain(error, url, deadline)) from error
        return response

    def _answer(self, url: str, response: httpx.Response, deadline: float, moved_to: str | None,
                etag: str | None, last_modified: str | None) -> FetchResult:
        import httpx

        status = response.status_code
        new_etag = clean_line(response.headers.get("etag")) or None
        new_last_modified = clean_line(response.headers.get("last-modified")) or None
        if status == 304:
            return FetchResult(url=url, status=304, not_modified=True, moved_to=moved_to,
                               etag=new_etag or etag, last_modified=new_last_modified or last_modified)
        if not 200 <= status < 300:
            raise FetchFailed(f"the server answered {status} {_reason(response)}".rstrip())
        try:
            content = self._read_body(response, deadline)
        except httpx.HTTPError as error:
            raise FetchFailed(self._explain(error, str(response.url), deadline)) from error
        return FetchResult(url=url, content=content, status=status, etag=new_etag,
                           last_modified=new_last_modified, moved_to=moved_to,
                           content_type=clean_line(response.headers.get("content-type")) or None)

    def _read_body(self, response: httpx.Response, deadline: float) -> bytes:
        """The body, decompressed, refused as soon as either size passes the cap or time runs out."""
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchFailed(self._too_large())
        inflater = _Inflater(response.headers.get("content-encoding", ""), self.max_bytes)
        received = 0
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > self.max_bytes:
                raise FetchFailed(self._too_large())
            if not inflater.feed(chunk):
                raise FetchFailed(self._too_large())
            if time.monotonic() > deadline:
                raise FetchFailed(f"the server took too long (more than {_seconds(self.total_timeout)} s)")
        body = inflater.finish()
        if body is None:
            raise FetchFailed(self._too_large())
        return body

    def _too_large(self) -> str:
        return f"the feed is larger than {_size(self.max_bytes)}"

    def _explain(self, error: Exception, url: str, deadline: float) -> str:
        """An httpx exception in the user's words."""
        import httpx

        host = _host(url)
        if time.monotonic() >= deadline - 0.05:  # whatever broke, the watchdog or the clock did it
            return f"the server took too long (more than {_seconds(self.total_timeout)} s)"
        if isinstance(error, httpx.TimeoutException):
            if isinstance(error, httpx.ConnectTimeout):
                return f"could not connect to {host} within {_seconds(self.connect_timeout)} s"
            if isinstance(error, httpx.PoolTimeout):
                return f"the server took too long (more than {_seconds(self.total_timeout)} s)"
            return f"timed out after {_seconds(self.read_timeout)} s"
        if isinstance(error, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
            return f"this is not a valid web address: {_shorten(url)}"
        cause = _root_cause(error)
        if isinstance(error, httpx.ConnectError):
            if isinstance(cause, socket.gaierror):
                return f"could not find the server {host}"
            if isinstance(cause, ConnectionRefusedError):
                return f"the server {host} refused the connection"
            if isinstance(cause, ssl.SSLError):
                return f"could not make a secure connection to {host}: {_plain(cause)}"
            return f"could not connect to {host}: {_plain(cause)}"
        if isinstance(error, httpx.RemoteProtocolError):
            return f"the server {host} broke off the connection or answered in a garbled way"
        if isinstance(error, (httpx.ReadError, httpx.WriteError)):
            return f"the connection to {host} was lost"
        return f"could not fetch {_shorten(url)}: {_plain(cause)}"

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
    """Shuts a fetch's connections down when its total time runs out.

    Timeouts bound each wait for the server, but a server that sends its headers a byte at
    a time never trips them: httpx reads headers without looking at the clock. Shutting the
    socket down wakes the waiting read, whichever thread it is in.
    """

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict) -> None:
        """httpx's trace hook: note each new connection's socket."""
        if event != "connection.connect_tcp.complete":
            return
        sock = info["return_value"].get_extra_info("socket")
        with self._lock:
            self._sockets.append(sock)
            expired = self._expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


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


def _reason(response: httpx.Response) -> str:
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return clean_line(response.reason_phrase)


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
