"""Fetching against a real HTTP server on 127.0.0.1 and real local files."""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
import zlib

import pytest
from feed_server import (Reply, TLS_CERTIFICATE, closed_port, conditional, endless,  # noqa: F401
                         feed_server, redirect, tls_feed_server)

from reader import __version__
from reader.core.fetch import USER_AGENT, Fetcher, check_web_url, is_local_source, is_web_url
from reader.core.parse import FeedError, parse_feed

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example</title><link>http://example.com/</link>
<item><title>First</title><link>http://example.com/1</link><guid>one</guid></item>
</channel></rss>"""
MIB = 1024 * 1024


@pytest.fixture
def fetcher():
    with Fetcher(connect_timeout=1.0, read_timeout=0.5, total_timeout=3.0) as fetcher:
        yield fetcher


def test_user_agent_carries_the_version():
    assert USER_AGENT == f"reader/{__version__} (+terminal news reader)"


def test_200_gives_the_body_validators_and_sends_our_headers(feed_server, fetcher):
    url = feed_server.route("/feed.xml", Reply(body=FEED, headers={
        "Content-Type": "application/rss+xml; charset=utf-8", "ETag": '"v1"',
        "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}))
    result = fetcher.fetch(url)
    assert result.error is None
    assert (result.status, result.content, result.etag) == (200, FEED, '"v1"')
    assert result.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert not result.not_modified and result.moved_to is None
    sent = feed_server.requests_to("/feed.xml")[0].headers
    assert sent["user-agent"] == USER_AGENT
    assert "application/rss+xml" in sent["accept"] and "application/atom+xml" in sent["accept"]
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_304_with_etag(feed_server, fetcher):
    url = feed_server.route("/feed.xml", conditional(FEED, etag='"abc"'))
    first = fetcher.fetch(url)
    second = fetcher.fetch(url, etag=first.etag)
    assert first.content == FEED and first.etag == '"abc"'
    assert second.not_modified and second.content is None and second.error is None
    assert second.status == 304 and second.etag == '"abc"'
    assert feed_server.requests_to("/feed.xml")[1].headers["if-none-match"] == '"abc"'


def test_304_with_last_modified(feed_server, fetcher):
    stamp = "Tue, 15 Nov 1994 12:45:26 GMT"
    url = feed_server.route("/feed.xml", conditional(FEED, last_modified=stamp))
    first = fetcher.fetch(url)
    second = fetcher.fetch(url, last_modified=first.last_modified)
    assert first.last_modified == stamp and first.content == FEED
    assert second.not_modified and second.content is None
    assert second.last_modified == stamp  # kept even though a 304 need not repeat it
    sent = feed_server.requests_to("/feed.xml")[1].headers
    assert sent["if-modified-since"] == stamp and "if-none-match" not in sent


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_sets_moved_to(feed_server, fetcher, status):
    feed_server.route("/old", redirect("/new", status))
    new = feed_server.route("/new", Reply(body=FEED))
    result = fetcher.fetch(feed_server.url("/old"))
    assert result.content == FEED and result.moved_to == new
    assert result.url == feed_server.url("/old")


@pytest.mark.parametrize("status", [302, 303, 307])
def test_temporary_redirect_leaves_moved_to_unset(feed_server, fetcher, status):
    feed_server.route("/old", redirect("/new", status))
    feed_server.route("/new", Reply(body=FEED))
    result = fetcher.fetch(feed_server.url("/old"))
    assert result.content == FEED and result.moved_to is None


def test_a_chain_moves_only_as_far_as_its_permanent_part(feed_server, fetcher):
    feed_server.route("/a", redirect("/b", 301))
    feed_server.route("/b", redirect("/c", 302))
    feed_server.route("/c", Reply(body=FEED))
    feed_server.route("/x", redirect("/y", 302))
    feed_server.route("/y", redirect("/c", 301))
    assert fetcher.fetch(feed_server.url("/a")).moved_to == feed_server.url("/b")
    assert fetcher.fetch(feed_server.url("/x")).moved_to is None


def test_moved_to_survives_a_304(feed_server, fetcher):
    feed_server.route("/old", redirect("/new", 301))
    feed_server.route("/new", conditional(FEED, etag='"e"'))
    result = fetcher.fetch(feed_server.url("/old"), etag='"e"')
    assert result.not_modified and result.moved_to == feed_server.url("/new")


def test_redirect_loop_is_too_many_redirects(feed_server, fetcher):
    feed_server.route("/a", redirect("/b", 302))
    feed_server.route("/b", redirect("/a", 302))
    result = fetcher.fetch(feed_server.url("/a"))
    assert result.error == "too many redirects (more than 5)"
    assert result.content is None
    assert len(feed_server.requests) == 6  # the first request and five redirects followed


def test_redirect_to_a_local_file_is_refused(feed_server, fetcher):
    feed_server.route("/sneaky", redirect("file:///etc/passwd", 302))
    result = fetcher.fetch(feed_server.url("/sneaky"))
    assert result.content is None
    assert "not a web address" in result.error


@pytest.mark.parametrize("status, words", [(404, "404 Not Found"), (500, "500 Internal Server Error"),
                                           (410, "410 Gone")])
def test_error_status_in_words(feed_server, fetcher, status, words):
    url = feed_server.route("/feed.xml", Reply(status=status, body=b"nope"))
    result = fetcher.fetch(url)
    assert result.error == f"the server answered {words}"
    assert result.content is None


def test_slow_answer_times_out(feed_server, fetcher):
    url = feed_server.route("/slow", Reply(body=FEED, delay=3))
    started = time.monotonic()
    result = fetcher.fetch(url)
    elapsed = time.monotonic() - started
    assert result.error == "timed out after 0.5 s"
    assert elapsed < 1.5


def test_slow_trickle_between_chunks_times_out(feed_server, fetcher):
    url = feed_server.route("/trickle", Reply(body=FEED, chunk_size=10, pause=1.0, chunked=True))
    result = fetcher.fetch(url)
    assert result.error == "timed out after 0.5 s"


def test_endless_trickle_ends_at_the_total_deadline(feed_server):
    url = feed_server.route("/endless", endless(b"<!-- still here -->", pause=0.05))
    with Fetcher(read_timeout=0.5, total_timeout=1.0) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(url)
        elapsed = time.monotonic() - started
    assert result.error == "the server took too long (more than 1 s)"
    assert 0.9 < elapsed < 2.0


def test_headers_trickling_in_end_at_the_total_deadline(feed_server):
    # Each header line arrives well within the read timeout, so only the deadline can stop it.
    slow_headers = {f"X-Slow-{n}": "a" for n in range(100)}
    url = feed_server.route("/slow-headers", Reply(body=FEED, headers=slow_headers, header_pause=0.05))
    with Fetcher(read_timeout=0.5, total_timeout=1.0) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(url)
        elapsed = time.monotonic() - started
    assert result.error == "the server took too long (more than 1 s)"
    assert 0.9 < elapsed < 2.0


def test_gzip_body_is_decompressed(feed_server, fetcher):
    url = feed_server.route("/feed.xml", Reply(body=FEED, gzip=True, chunk_size=40))
    result = fetcher.fetch(url)
    assert result.error is None and result.content == FEED


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_body_is_decompressed(feed_server, fetcher, wbits):
    packer = zlib.compressobj(wbits=wbits)
    body = packer.compress(FEED) + packer.flush()
    url = feed_server.route("/feed.xml", Reply(body=body, headers={"Content-Encoding": "deflate"}))
    assert fetcher.fetch(url).content == FEED


def test_unknown_compression_is_an_error(feed_server, fetcher):
    url = feed_server.route("/feed.xml", Reply(body=b"xx", headers={"Content-Encoding": "br"}))
    assert fetcher.fetch(url).error == "the server compressed the feed in a way reader cannot read (br)"


def test_damaged_gzip_is_an_error(feed_server, fetcher):
    url = feed_server.route("/feed.xml", Reply(body=gzip.compress(FEED)[:-30],
                                               headers={"Content-Encoding": "gzip"}))
    assert "damaged" in fetcher.fetch(url).error


@pytest.mark.parametrize("how", [
    {"length": True},
    {"length": False},
    {"chunked": True, "chunk_size": 4096},
], ids=["content-length", "until-close", "chunked"])
def test_oversized_body_is_refused(feed_server, how):
    url = feed_server.route("/big", Reply(body=b"x" * 300_000, **how))
    with Fetcher(read_timeout=1.0, max_bytes=100_000) as fetcher:
        result = fetcher.fetch(url)
    assert result.error == "the feed is larger than 98 KiB"
    assert result.content is None


def test_size_cap_in_mib_words(feed_server):
    url = feed_server.route("/big", Reply(body=b"x" * (2 * MIB + 1)))
    with Fetcher(max_bytes=2 * MIB) as fetcher:
        assert fetcher.fetch(url).error == "the feed is larger than 2 MiB"


def test_a_body_exactly_at_the_cap_is_kept(feed_server):
    url = feed_server.route("/fits", Reply(body=b"x" * 1000, gzip=True))
    with Fetcher(max_bytes=1000) as fetcher:
        assert fetcher.fetch(url).content == b"x" * 1000


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """64 MiB of zeros in about 64 KB of gzip, made without holding the 64 MiB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    return b"".join([*(packer.compress(zeros) for _ in range(64)), packer.flush()])


def test_gzip_bomb_is_refused_without_holding_it(feed_server, gzip_bomb):
    url = feed_server.route("/bomb", Reply(body=gzip_bomb, headers={"Content-Encoding": "gzip"}))
    with Fetcher(read_timeout=2.0, max_bytes=MIB) as fetcher:
        tracemalloc.start()
        started = time.monotonic()
        result = fetcher.fetch(url)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert len(gzip_bomb) < MIB  # so it is the decompressed size that trips the cap
    assert result.error == "the feed is larger than 1 MiB"
    assert peak < 4 * MIB, f"held {peak / MIB:.1f} MiB while refusing a 1 MiB-capped bomb"
    assert elapsed < 2


def test_refused_connection(fetcher):
    port = closed_port()
    result = fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert result.error == "the server 127.0.0.1 refused the connection"


def test_unknown_host(fetcher):
    result = fetcher.fetch("http://example.invalid/feed.xml")
    assert result.error == "could not find the server example.invalid"


@pytest.mark.parametrize("source", ["http://[::1/feed", "ftp://example.com/feed", "gopher://x/1"])
def test_bad_addresses_come_back_as_errors(fetcher, source):
    result = fetcher.fetch(source)
    assert result.error and result.content is None


def test_fetch_all_does_not_wait_for_a_slow_source(feed_server):
    # The slow source answers only once the test has seen every other result, so the
    # test passes only if those results were yielded while it was still pending.
    others_arrived = threading.Event()

    def slow_answer(request):
        others_arrived.wait(5)
        return Reply(body=FEED)

    slow = feed_server.route("/slow", slow_answer)
    fast = [feed_server.route(f"/fast{n}", Reply(body=FEED, pause=0.05)) for n in range(9)]
    requests = [(slow, None, None), *((url, None, None) for url in fast)]
    order = []
    with Fetcher(read_timeout=6.0, total_timeout=10.0, concurrency=8) as fetcher:
        started = time.monotonic()
        for result in fetcher.fetch_all(requests):
            assert result.content == FEED, result.error
            order.append(result.url)
            if len(order) == len(fast):
                waited_for_fast = time.monotonic() - started
                others_arrived.set()
    assert sorted(order) == sorted([slow, *fast])
    assert order[-1] == slow
    assert waited_for_fast < 4  # well before the slow source's 5 s wait would have run out


def test_fetch_all_runs_at_most_concurrency_at_once(feed_server):
    urls = [feed_server.route(f"/f{n}", Reply(body=FEED, delay=0.3)) for n in range(6)]
    with Fetcher(read_timeout=3.0, concurrency=3) as fetcher:
        started = time.monotonic()
        results = list(fetcher.fetch_all(urls))
        elapsed = time.monotonic() - started
    assert len(results) == 6 and all(result.content == FEED for result in results)
    assert 0.55 < elapsed < 1.5  # two rounds of three, not one round of six


# -- connections kept open, proxies, addresses --------------------------------------------


def test_connections_are_kept_open_between_fetches(feed_server, fetcher):
    urls = [feed_server.route(f"/k{n}", Reply(body=FEED)) for n in range(3)]
    urls.append(feed_server.route("/k-304", conditional(FEED, etag='"v"')))
    for url in urls:
        assert fetcher.fetch(url, etag='"v"').error is None
    clients = {request.client for request in feed_server.requests}
    assert len(feed_server.requests) == 4 and len(clients) == 1


def test_a_connection_closed_by_the_server_is_not_kept(feed_server, fetcher):
    first = feed_server.route("/closing", Reply(body=FEED, headers={"Connection": "close"}))
    second = feed_server.route("/after", Reply(body=FEED))
    assert fetcher.fetch(first).content == FEED
    assert fetcher.fetch(second).content == FEED
    assert len({request.client for request in feed_server.requests}) == 2


def test_a_kept_connection_the_server_hung_up_is_replaced(feed_server, fetcher):
    url = feed_server.route("/feed.xml", Reply(body=FEED))
    assert fetcher.fetch(url).content == FEED
    feed_server.hang_up()
    time.sleep(0.05)
    result = fetcher.fetch(url)
    assert result.error is None and result.content == FEED
    assert len({request.client for request in feed_server.requests}) == 2


def test_an_unfinished_body_never_leaves_its_connection_for_reuse(feed_server, fetcher):
    big = feed_server.route("/big", Reply(body=b"x" * 200_000))
    with Fetcher(max_bytes=100_000) as small_fetcher:
        assert small_fetcher.fetch(big).error == "the feed is larger than 98 KiB"
        ok = feed_server.route("/ok", Reply(body=FEED))
        assert small_fetcher.fetch(ok).content == FEED
    assert len({request.client for request in feed_server.requests}) == 2


def test_http_proxy_from_the_environment(feed_server, fetcher, monkeypatch):
    # The test server plays the proxy: it is asked for the full address.
    feed_server.route("http://feeds.example/news.xml", Reply(body=FEED))
    monkeypatch.setenv("http_proxy", f"http://someone:secret@127.0.0.1:{feed_server.port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    with Fetcher() as proxied:
        result = proxied.fetch("http://feeds.example/news.xml")
    assert result.error is None and result.content == FEED
    sent = feed_server.requests[0].headers
    assert sent["host"] == "feeds.example"
    assert sent["proxy-authorization"] == "Basic c29tZW9uZTpzZWNyZXQ="   # someone:secret


def test_no_proxy_is_respected(feed_server, monkeypatch):
    url = feed_server.route("/direct.xml", Reply(body=FEED))
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with Fetcher() as fetcher:
        assert fetcher.fetch(url).content == FEED


def test_addresses_with_spaces_and_other_letters_are_escaped(feed_server, fetcher):
    feed_server.route("/caf%C3%A9/news%20feed.xml?q=%C3%A9t%C3%A9", Reply(body=FEED))
    result = fetcher.fetch(feed_server.url("/café/news feed.xml?q=été"))
    assert result.error is None and result.content == FEED


def test_credentials_in_the_address_are_sent_as_basic_auth(feed_server, fetcher):
    feed_server.route("/private.xml", Reply(body=FEED))
    result = fetcher.fetch(f"http://reader:p%40ss@127.0.0.1:{feed_server.port}/private.xml")
    assert result.content == FEED
    assert feed_server.requests[0].headers["authorization"] == "Basic cmVhZGVyOnBAc3M="  # reader:p@ss


def test_a_garbled_answer_is_an_error_in_words(fetcher):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer_nonsense():
        connection, _ = listener.accept()
        connection.recv(4096)
        connection.sendall(b"NONSENSE\r\n\r\n")
        connection.close()

    threading.Thread(target=answer_nonsense, daemon=True).start()
    result = fetcher.fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml")
    listener.close()
    assert result.error == "the server 127.0.0.1 broke off the connection or answered in a garbled way"


# -- https ---------------------------------------------------------------------------------


def test_https_with_a_certificate_nobody_vouches_for_is_refused(tls_feed_server, fetcher, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    url = tls_feed_server.route("/feed.xml", Reply(body=FEED))
    error = fetcher.fetch(url).error
    assert error.startswith("could not make a secure connection to 127.0.0.1: ")
    assert "certificate verify failed" in error
    assert tls_feed_server.requests == []


def test_https_with_a_trusted_certificate_and_a_kept_connection(tls_feed_server, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_CERTIFICATE))    # as a company's own authority
    urls = [tls_feed_server.route(f"/feed{n}.xml", Reply(body=FEED, headers={"ETag": '"e"'}))
            for n in range(3)]
    with Fetcher() as fetcher:
        results = [fetcher.fetch(url) for url in urls]
    assert [r.content for r in results] == [FEED] * 3 and results[0].etag == '"e"'
    assert len({request.client for request in tls_feed_server.requests}) == 1


def test_https_through_a_proxy_tunnel(tls_feed_server, monkeypatch):
    """An https feed behind a proxy goes through a CONNECT tunnel; the proxy sees no content."""
    import socket
    import threading

    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_CERTIFICATE))
    url = tls_feed_server.route("/tunnelled.xml", Reply(body=FEED))
    asked: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def proxy():
        client, _ = listener.accept()
        head = b""
        while b"\r\n\r\n" not in head:
            head += client.recv(4096)
        asked.append(head)
        upstream = socket.create_connection(("127.0.0.1", tls_feed_server.port))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    threading.Thread(target=proxy, daemon=True).start()
    monkeypatch.setenv("https_proxy", f"http://someone:secret@127.0.0.1:{listener.getsockname()[1]}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    with Fetcher(total_timeout=5.0) as fetcher:
        result = fetcher.fetch(url)
    listener.close()
    assert result.error is None and result.content == FEED
    assert asked[0].startswith(f"CONNECT 127.0.0.1:{tls_feed_server.port} HTTP/1.".encode())
    assert b"Proxy-Authorization: Basic c29tZW9uZTpzZWNyZXQ=" in asked[0]


# -- local files ----------------------------------------------------------------------------


def test_local_path_file_url_and_relative_path(tmp_path, monkeypatch, fetcher):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED)
    monkeypatch.chdir(tmp_path)
    for source in (str(feed), feed.as_uri(), "feed.xml", "./feed.xml"):
        result = fetcher.fetch(source)
        assert result.error is None and result.content == FEED, source
        assert result.status is None and result.url == source


def test_unchanged_local_file_is_not_modified(tmp_path, fetcher):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED)
    first = fetcher.fetch(str(feed))
    again = fetcher.fetch(str(feed), etag=first.etag)
    assert again.not_modified and again.content is None
    feed.write_bytes(FEED + b"\n")
    changed = fetcher.fetch(str(feed), etag=first.etag)
    assert changed.content == FEED + b"\n"


def test_local_file_errors_in_words(tmp_path, fetcher):
    assert fetcher.fetch(str(tmp_path / "gone.xml")).error == f"there is no file {tmp_path / 'gone.xml'}"
    assert fetcher.fetch(str(tmp_path)).error == f"{tmp_path} is a folder, not a feed"
    hint = fetcher.fetch("example.com").error
    assert hint == "there is no file example.com (for a web address, start it with https://)"
    assert "another computer" in fetcher.fetch("file://server/share/feed.xml").error


def test_local_file_size_cap(tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 5000)
    with Fetcher(max_bytes=4096) as fetcher:
        assert fetcher.fetch(str(big)).error == "the feed is larger than 4 KiB"


def test_endless_device_is_capped():
    with Fetcher(max_bytes=1000) as fetcher:
        assert fetcher.fetch("/dev/zero").error == "the feed is larger than 1000 bytes"


# -- which addresses are web addresses --------------------------------------------------------


def test_check_web_url():
    assert check_web_url("  https://example.com/feed\x1b[31m ") == "https://example.com/feed"
    assert is_web_url("http://example.com") and not is_web_url("http://")
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "data:text/xml,<rss/>", "/etc/passwd",
                "smb://server/share", "", "feed.xml"):
        with pytest.raises(ValueError, match="not a web address|empty address"):
            check_web_url(bad)


def test_is_local_source():
    assert is_local_source("/tmp/feed.xml") and is_local_source("feed.xml")
    assert is_local_source("file:///tmp/feed.xml") and is_local_source("C:\\feeds\\x.xml")
    assert not is_local_source("https://example.com/feed") and not is_local_source("ftp://x/y")


# -- fetched, then parsed: what a refresh does --------------------------------------------


def test_entity_bomb_from_the_server_is_refused(feed_server, fetcher):
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + b"A" * 50_000 + b'">\n]>\n'
            b'<rss version="2.0"><channel><title>' + b"&a;" * 5000 + b"</title>"
            b"<item><title>t</title></item></channel></rss>")
    result = fetcher.fetch(feed_server.route("/bomb.xml", Reply(body=bomb)))
    started = time.monotonic()
    with pytest.raises(FeedError, match="declares its own XML entities"):
        parse_feed(result.content, result.url, result.content_type)
    assert time.monotonic() - started < 0.5


def test_web_page_from_the_server_is_not_a_feed(feed_server, fetcher):
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    result = fetcher.fetch(feed_server.route("/", Reply(body=page, headers={"Content-Type": "text/html"})))
    with pytest.raises(FeedError, match="this is not a feed: it is a web page"):
        parse_feed(result.content, result.url, result.content_type)


def test_escape_sequences_from_the_server_are_cleaned(feed_server, fetcher):
    nasty = ("<rss version='2.0'><channel><title>News\x1b]52;c;ZXZpbA==\x07 today</title>"
             "<item><title>\x1b[2J\x1b[31mRed\u202e alert</title><guid>g</guid>"
             "<author>Eve\x9b31m</author><description>body\x1b]8;;http://evil/\x1b\\link</description>"
             "</item></channel></rss>").encode()
    result = fetcher.fetch(feed_server.route("/nasty.xml", Reply(body=nasty, gzip=True)))
    feed = parse_feed(result.content, result.url, result.content_type)
    entry = feed.entries[0]
    assert feed.title == "News today"
    assert entry.title == "Red alert"
    assert entry.author.startswith("Eve") and "\x9b" not in entry.author  # feedparser maps C1 to cp1252
    assert entry.summary == "bodylink"
