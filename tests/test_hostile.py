"""Hostile feeds end to end: a corpus of broken and malicious files, attacks served over HTTP, fuzzing.

Everything goes through the real pipeline: a real SQLite file, refresh() (fetch, parse, store),
then read_body + render_body of every stored article. Single attacks on one stage are tested
beside that stage (test_fetch, test_parse, test_opml, test_render); these are the whole-way ones.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings

import hostile_corpus as corpus
from feed_server import Reply, endless, redirect
from hostile_corpus import UNSAFE, check_database, check_pipeline, feed_documents, ingest

from reader.core.refresh import refresh
from reader.core.store import ALL, Store

READER = [sys.executable, "-m", "reader.cli"]

GOOD_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Good News</title><link>https://good.example/</link>
<item><title>Harvest in Kenya</title><link>https://good.example/1</link><guid>good-1</guid>
<description>Farmers near Nakuru expect a good harvest.</description></item>
<item><title>Talks in Geneva</title><link>https://good.example/2</link><guid>good-2</guid>
<description>Diplomats met in Geneva.</description></item>
</channel></rss>"""


# --- the corpus ---------------------------------------------------------------------------------


def test_generated_corpus_is_deterministic_and_covers_the_brief():
    first, second = corpus.corpus(), corpus.corpus()
    assert len(first) >= 100
    digest = lambda files: hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(files.items()))).hexdigest()
    assert digest(first) == digest(second)
    names = set(first)
    for fmt in corpus.FORMATS:      # every format carries every attack, raw and as references
        for attack in [*corpus.ESCAPES, *(f"markup-{m}" for m in corpus.MARKUP)]:
            assert {f"{fmt}-{attack}-raw.xml", f"{fmt}-{attack}-charref.xml"} <= names
    for needed in ("empty.xml", "binary-junk.xml", "html-page.xml", "xml-unclosed-cdata.xml",
                   "enc-utf16le-bom.xml", "enc-utf16le-nobom.xml", "enc-utf8-declared-latin1-bytes.xml",
                   "enc-iso8859-1.xml", "enc-none-utf8.xml", "rss20-relative-base.xml",
                   "rss20-relative-nobase.xml", "xml-nul-everywhere.xml"):
        assert needed in names


def _assert_clean(report):
    assert not report.crashes, "\n\n".join(report.crashes[:3])
    assert not report.problems, "\n".join(report.problems[:20])
    assert report.rendered == report.articles


def test_feedparser_suite_through_refresh_store_and_render(tmp_path):
    files = corpus.feedparser_files()
    assert len(files) > 2000
    report = ingest(tmp_path / "fp.db", files, check_colour=False)
    print(report.summary(), report.refused)
    _assert_clean(report)
    assert report.accepted > 1900
    assert report.articles > 1000


def test_generated_corpus_through_refresh_store_and_render(tmp_path):
    paths = corpus.generate(tmp_path / "corpus")
    report = ingest(tmp_path / "hostile.db", paths)
    print(report.summary(), report.refused)
    _assert_clean(report)
    assert report.accepted + sum(report.refused.values()) == len(paths)
    assert report.markup_checked >= 50           # bodies with markup were rendered and checked
    with Store(tmp_path / "hostile.db") as store:
        feeds = {Path(f.url).name: f for f in store.feeds()}
        # Refusals are recorded on the feed in words; the non-feeds are refused, not stored.
        for name in ("empty.xml", "binary-junk.xml", "html-page.xml", "nul-bytes.xml", "png.xml"):
            assert feeds[name].last_error and feeds[name].total == 0, name
        assert feeds["html-page.xml"].last_error == "this is not a feed: it is a web page (HTML), not RSS or Atom"
        # Markup in titles, feed names and authors is stored as the characters it is.
        for fmt in corpus.FORMATS:
            assert feeds[f"{fmt}-markup-click-charref.xml"].title == "Feed [@click=app.quit]x[/] title"
        titles = [r.title for r in store.articles(ALL, limit=100_000)]
        assert sum("[@click=app.quit]x[/]" in t for t in titles) >= 30
        assert sum("[link=file:///etc/passwd]p[/link]" in t for t in titles) >= 30
        # Escape sequences go whole, parameters and all, not just their ESC.
        for row in store.execute("SELECT title || author || summary || content FROM articles"):
            for leftover in ("52;c;", "]8;;", "[2J", "[?1049h", "cm0gLXJm"):
                assert leftover not in row[0]
        # Links of entries: only web addresses.
        for (link,) in store.execute("SELECT link FROM articles WHERE link != ''"):
            assert link.startswith(("http://", "https://")), link


def test_an_out_of_range_character_reference_does_not_abort_the_refresh(tmp_path):
    """feedparser's lenient parser raises ValueError on &#x110000; in a malformed feed."""
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<rss version="2.0"><channel><title>t\x01</title><item><title>&#x110000;</title>'
                    b"<guid>x</guid></item></channel></rss>")
    good = tmp_path / "good.xml"
    good.write_bytes(GOOD_RSS)
    with Store(tmp_path / "r.db") as store:
        bad_feed, good_feed = store.add_feed(str(bad)), store.add_feed(str(good))
        refresh(store)          # must not raise
        assert store.feed(good_feed.id).total == 2
        error = store.feed(bad_feed.id).last_error
        assert error and "Traceback" not in error and not UNSAFE.search(error)


def _crawling_feeds() -> dict[str, bytes]:
    """Feeds that make feedparser take quadratic time: a long author (its e-mail regex
    backtracks) and an element with very many attributes."""
    author = ('<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
              "<title>t</title><item><guid>g</guid><dc:creator>" + "A" * 200_000
              + "</dc:creator></item></channel></rss>").encode()
    attributes = ('<rss version="2.0"><channel><title>t</title><item '
                  + " ".join(f'a{i}="v"' for i in range(40_000))
                  + "><guid>g</guid></item></channel></rss>").encode()
    return {"author": author, "attributes": attributes}


@pytest.mark.parametrize("name", ["author", "attributes"])
def test_a_feed_that_makes_the_parser_crawl_is_stopped_and_the_others_are_stored(
        tmp_path, feed_server, name):
    # Parsed as is, each of these takes minutes. With a one-second limit its worker is
    # killed, the feed gets a clear error, and the feeds beside it are stored.
    slow_url = feed_server.route(f"/{name}.xml", Reply(body=_crawling_feeds()[name]))
    good_url = feed_server.route("/good.xml", Reply(body=GOOD_RSS))
    with Store(tmp_path / "crawl.db") as store:
        slow, good = store.add_feed(slow_url), store.add_feed(good_url)
        summary = refresh(store, time_limit=lambda size: 1.0)
        assert summary.feeds == 2 and summary.failed == 1
        assert "took too long" in store.feed(slow.id).last_error
        assert store.feed(good.id).total == 2 and store.feed(good.id).last_error is None
        # the next refresh works again (a fresh pool of workers)
        store.remove_feed(slow.id)
        assert refresh(store).failed == 0


# --- attacks over HTTP, through refresh ---------------------------------------------------------


def _refresh_beside_good_feeds(tmp_path, feed_server, path: str, reply) -> tuple[Store, object, object]:
    """Serve `reply` at `path` beside a good feed, with a third feed already stored and starred;
    refresh all three at once. Returns the store, the attacked feed and the good feed."""
    bad_url = feed_server.route(path, reply)
    good_url = feed_server.route("/good.xml", Reply(body=GOOD_RSS, headers={"Content-Type": "application/rss+xml"}))
    old_url = feed_server.route("/old.xml", Reply(body=GOOD_RSS.replace(b"good-", b"old-"), headers={"ETag": '"v1"'}))
    store = Store(tmp_path / "attack.db")
    old = store.add_feed(old_url)
    refresh(store, [old.id])
    kept = store.articles(ALL.in_feed(old.id))
    store.set_starred(kept[0].id, True)
    store.mark_read([kept[1].id])
    bad, good = store.add_feed(bad_url), store.add_feed(good_url)
    summary = refresh(store)
    assert summary.feeds == 3
    assert store.feed(good.id).total == 2 and store.feed(good.id).last_error is None
    after = {r.id: r for r in store.articles(ALL.in_feed(old.id))}
    assert after[kept[0].id].starred and after[kept[1].id].read and len(after) == 2
    assert store.integrity_ok()
    problems: list[str] = []
    check_database(store.path, problems)
    assert not problems, problems
    return store, store.feed(bad.id), store.feed(good.id)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><guid>b</guid></item></channel></rss>"""


def _quadratic_blowup() -> bytes:
    big = "A" * 100_000
    refs = "&a;" * 10_000
    return (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]>'
            f'<rss version="2.0"><channel><title>q</title><item><guid>q</guid><description>{refs}'
            "</description></item></channel></rss>").encode()


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x &xxe;</title><item><title>&xxe;</title><guid>x</guid>
<description>&xxe;</description></item></channel></rss>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<rss version="2.0"><channel><title>x</title><item><title>p</title><guid>p</guid></item></channel></rss>"""

XXE_EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "file:///etc/passwd">
<rss version="2.0"><channel><title>dtd</title><item><title>t</title><guid>d</guid>
<description>plain</description></item></channel></rss>"""


def _passwd_leaked(store: Store) -> bool:
    secrets = [line.split(":")[0] + ":x:" for line in Path("/etc/passwd").read_text().splitlines()[:3]]
    with sqlite3.connect(store.path) as db:
        dump = "\n".join(db.iterdump())
    return any(secret in dump for secret in secrets) or "/bin/bash" in dump or "nologin" in dump


@pytest.mark.parametrize("name, body, words", [
    ("billion-laughs", BILLION_LAUGHS, "declares its own XML entities"),
    ("quadratic", _quadratic_blowup(), "declares its own XML entities"),
    ("xxe", XXE, "declares its own XML entities"),
    ("xxe-parameter", XXE_PARAMETER, "declares its own XML entities"),
])
def test_entity_attacks_are_refused_and_the_rest_is_stored(tmp_path, feed_server, name, body, words):
    store, bad, _ = _refresh_beside_good_feeds(tmp_path, feed_server, f"/{name}.xml",
                                               Reply(body=body, headers={"Content-Type": "application/rss+xml"}))
    assert words in (bad.last_error or "") and bad.total == 0
    assert not _passwd_leaked(store)
    store.close()


def test_an_external_dtd_is_never_read(tmp_path, feed_server):
    store, bad, _ = _refresh_beside_good_feeds(tmp_path, feed_server, "/dtd.xml",
                                               Reply(body=XXE_EXTERNAL_DTD, headers={"Content-Type": "application/rss+xml"}))
    assert not _passwd_leaked(store)
    assert bad.total == 1           # the feed itself is harmless and kept
    store.close()


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """64 MiB of zeros gzipped to about 64 kB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    return b"".join([*(packer.compress(zeros) for _ in range(64)), packer.flush()])


def test_gzip_bomb_is_refused_and_the_rest_is_stored(tmp_path, feed_server, gzip_bomb):
    store, bad, _ = _refresh_beside_good_feeds(
        tmp_path, feed_server, "/bomb.xml", Reply(body=gzip_bomb, headers={"Content-Encoding": "gzip"}))
    assert bad.last_error == "the feed is larger than 20 MiB" and bad.total == 0
    store.close()


def test_gzip_bomb_of_a_valid_feed_that_expands_past_the_cap(tmp_path, feed_server):
    # A real feed whose text (one huge repeated description) gzips 1000:1.
    body = GOOD_RSS.replace(b"Diplomats met in Geneva.", b"Geneva " * 4_000_000)
    store, bad, _ = _refresh_beside_good_feeds(
        tmp_path, feed_server, "/zfeed.xml", Reply(body=gzip.compress(body, 9), headers={"Content-Encoding": "gzip"}))
    assert bad.last_error == "the feed is larger than 20 MiB"
    store.close()


def test_redirect_loop_is_an_error_and_the_rest_is_stored(tmp_path, feed_server):
    feed_server.route("/loop-b", redirect("/loop-a", 302))
    store, bad, _ = _refresh_beside_good_feeds(tmp_path, feed_server, "/loop-a", redirect("/loop-b", 301))
    assert bad.last_error == "too many redirects (more than 5)"
    assert bad.url.endswith("/loop-a")        # a loop is not a move
    store.close()


def test_redirect_to_a_local_file_is_refused_and_the_rest_is_stored(tmp_path, feed_server):
    store, bad, _ = _refresh_beside_good_feeds(tmp_path, feed_server, "/to-file", redirect("file:///etc/passwd"))
    assert "not a web address" in bad.last_error and bad.total == 0
    assert not _passwd_leaked(store)
    store.close()


def test_tarpit_ends_at_the_deadline_and_others_arrive_meanwhile(tmp_path, feed_server):
    """An endless trickling body and headers sent a line at a time, beside a good feed,
    through refresh with a 1.5 s deadline per fetch: the good feed is stored, the two pits
    end with a clear error. (That the good feed does not wait for them is tested on the
    Fetcher in test_fetch.py.)"""
    tarpit = feed_server.route("/tarpit", endless(b"<", pause=0.05))
    headers_pit = feed_server.route("/headers", Reply(body=GOOD_RSS, headers={f"X-{i}": "y" for i in range(200)},
                                                      header_pause=0.05))
    good = feed_server.route("/good.xml", Reply(body=GOOD_RSS))
    with Store(tmp_path / "tarpit.db") as store:
        for url in (tarpit, headers_pit, good):
            store.add_feed(url)
        refresh(store, fetch_options={"total_timeout": 1.5, "read_timeout": 1.0})
        feeds = {f.url: f for f in store.feeds()}
        assert feeds[good].total == 2
        for url in (tarpit, headers_pit):
            assert feeds[url].last_error == "the server took too long (more than 1.5 s)"


def test_escape_sequences_in_http_headers_and_body_through_refresh(tmp_path, feed_server):
    body = corpus.rss2("Feed \x1b]52;c;cm0=\x07", [corpus._attacked_item("\x1b[2J\u202e", 1)], "charref").encode()
    store, bad, _ = _refresh_beside_good_feeds(
        tmp_path, feed_server, "/esc.xml",
        Reply(body=body, headers={"ETag": '"\x1b]52;c;eA==\x07"', "Last-Modified": "\x1b[2J Mon"}))
    assert bad.total == 1 and bad.title == "Feed"
    row = store.execute("SELECT etag, last_modified FROM feeds WHERE id = ?", (bad.id,))[0]
    assert all(v is None or not UNSAFE.search(v) for v in row)
    store.close()


# --- the command line ---------------------------------------------------------------------------


def _reader(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*READER, "--db", str(db), *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "COLUMNS": "100"})


def test_file_and_other_addresses_in_opml_are_refused_by_import(tmp_path, feed_server):
    good = feed_server.route("/good.xml", Reply(body=GOOD_RSS))
    outlines = [good, "file:///etc/passwd", "/etc/passwd", "file://localhost/etc/shadow",
                "smb://evil.example/share/feed.xml", "javascript:alert(1)", "data:text/xml,<rss/>",
                "ftp://evil.example/feed.xml", "~/feed.xml", "FILE:///etc/hosts", " file:///etc/passwd"]
    opml = tmp_path / "subs.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head><title>s</title></head><body>'
                    + "".join(f'<outline type="rss" text="f{i}" xmlUrl={quoteattr(u)}/>' for i, u in enumerate(outlines))
                    + "</body></opml>")
    db = tmp_path / "r.db"
    out = _reader(db, "import-opml", str(opml))
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    with Store(db) as store:
        urls = [f.url for f in store.feeds()]
        assert urls == [good]
        assert store.feeds()[0].total == 2
        assert not _passwd_leaked(store)
    assert out.stderr.count("only web addresses can be imported") == len(outlines) - 1, out.stderr


@pytest.mark.parametrize("search", ['"NEAR(title:x *', "title:x", "*", "AND OR NOT", '"', "(((", "x NEAR/2 y",
                                    "^x", "- -", "\x1b[2J", "' OR 1=1 --", "a" * 5000])
def test_fts_syntax_in_search_is_harmless(tmp_path, search):
    db = tmp_path / "r.db"
    feed = tmp_path / "good.xml"
    feed.write_bytes(GOOD_RSS)
    assert _reader(db, "add", str(feed)).returncode == 0
    out = _reader(db, "articles", "--search", search)
    assert out.returncode == 0, out.stderr
    assert out.stderr == "" and "Traceback" not in out.stdout


def test_hostile_titles_printed_by_the_cli_carry_no_escapes(tmp_path):
    path = tmp_path / "esc.xml"
    path.write_bytes(corpus.corpus()["rss20-osc52-raw.xml"])
    db = tmp_path / "r.db"
    assert _reader(db, "add", str(path)).returncode == 0
    for args in (["articles"], ["feeds"], ["articles", "--json"], ["show", "1", "--no-highlight"],
                 ["show", "1", "--no-highlight", "--plain", "--show-removed"]):
        out = _reader(db, *args)
        assert out.returncode == 0, (args, out.stderr)
        assert not UNSAFE.search(out.stdout), (args, out.stdout)
        assert "cm0gLXJm" not in out.stdout


# --- fuzzing (a sample; bench/fuzz.py runs 10,000+) ---------------------------------------------


@settings(max_examples=200, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(feed_documents())
def test_fuzzed_feeds_through_parse_blocks_dedup_render(document):
    check_pipeline(document)
