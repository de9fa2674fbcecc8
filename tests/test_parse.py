"""Parsing fetched bytes into cleaned entries; identity; refusing bombs and non-feeds."""

from __future__ import annotations

import calendar
import io
import re
import time
from pathlib import Path

import feedparser
import pytest

from reader.core.models import Entry, ParsedFeed
from reader.core.parse import FeedError, _refuse_growth, entry_key, parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>The   Example
  Times</title>
  <link>https://example.com/</link>
  <item>
    <title>Bukele meets Rubio</title>
    <link>https://example.com/news/1</link>
    <guid isPermaLink="false">urn:example:1</guid>
    <dc:creator>Ana Reporter</dc:creator>
    <pubDate>Mon, 03 Feb 2025 10:30:00 +0100</pubDate>
    <description>Short &lt;b&gt;summary&lt;/b&gt;.</description>
    <content:encoded><![CDATA[<p>The long body.</p><p><a href="/rel">relative</a></p>]]></content:encoded>
  </item>
  <item>
    <title>No guid here</title>
    <link>/news/2</link>
    <description>Second.</description>
  </item>
  <item>
    <title>Sneaky</title>
    <link>javascript:alert(1)</link>
    <guid>urn:example:3</guid>
  </item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/">
  <title>Atom blog</title>
  <link href="https://blog.example.org/"/>
  <id>tag:blog.example.org,2025:feed</id>
  <updated>2025-03-01T12:00:00Z</updated>
  <entry xml:base="posts/">
    <id>tag:blog.example.org,2025:1</id>
    <title type="html">Lake &lt;i&gt;Coatepeque&lt;/i&gt;</title>
    <link href="one.html"/>
    <updated>2025-03-01T12:00:00Z</updated>
    <author><name>Writer</name></author>
    <summary>A summary.</summary>
    <content type="html">&lt;p&gt;&lt;img src="pic.jpg"&gt;&lt;/p&gt;</content>
  </entry>
</feed>"""

FEEDPARSER_TESTS = Path("/work/shared/data/feedparser-tests")
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def test_rss_entries_are_read_and_cleaned():
    feed = parse_feed(RSS, "https://example.com/feed.xml", "application/rss+xml")
    assert feed.title == "The Example Times"
    assert feed.link == "https://example.com/"
    assert feed.warning is None
    first, second, third = feed.entries
    assert first.key == "urn:example:1"
    assert first.title == "Bukele meets Rubio"
    assert first.link == "https://example.com/news/1"
    assert first.author == "Ana Reporter"
    assert first.published == calendar.timegm((2025, 2, 3, 9, 30, 0))
    assert first.summary == "Short <b>summary</b>."
    assert first.content == '<p>The long body.</p><p><a href="/rel">relative</a></p>'
    assert first.base == "https://example.com/news/1"  # no xml:base: the entry's link
    assert second.link == "https://example.com/news/2"  # resolved against the feed's address
    assert second.key == "https://example.com/news/2"
    assert second.content == "" and second.published is None
    assert third.link == "" and third.key == "urn:example:3"
    assert third.base == "https://example.com/feed.xml"  # no base, no link: the feed's address


def test_atom_xml_base_sets_base_and_resolves_links():
    feed = parse_feed(ATOM, "https://blog.example.org/atom.xml")
    entry = feed.entries[0]
    assert entry.base == "https://blog.example.org/posts/"
    assert entry.link == "https://blog.example.org/posts/one.html"
    assert entry.title == "Lake <i>Coatepeque</i>"
    assert entry.author == "Writer"
    assert entry.published == calendar.timegm((2025, 3, 1, 12, 0, 0))
    assert entry.summary == "A summary."
    assert entry.content == '<p><img src="pic.jpg"></p>'


def test_longest_content_wins():
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><id>1</id><title>t</title>'
            b'<content type="text">short</content></entry></feed>')
    rss = (b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>x</title>'
           b'<item><guid>1</guid><content:encoded>the much longer one</content:encoded>'
           b'<content:encoded>mid</content:encoded></item></channel></rss>')
    assert parse_feed(atom).entries[0].content == "short"
    assert parse_feed(rss).entries[0].content == "the much longer one"


@pytest.mark.parametrize("date, expected", [
    ("Sat, 01 Jan 2000 00:00:00 GMT", 946684800),
    ("Sat, 01 Jan 1910 00:00:00 GMT", None),    # before 1970
    ("Fri, 01 Jan 2players 00:00:00 GMT", None),  # not a date
    ("Sat, 01 Jan 2895 00:00:00 GMT", None),    # far future
])
def test_published_dates(date, expected):
    body = f'<rss version="2.0"><channel><title>x</title><item><guid>1</guid><pubDate>{date}</pubDate></item></channel></rss>'
    assert parse_feed(body.encode()).entries[0].published == expected


def test_updated_is_used_when_published_is_absent():
    entry = parse_feed(ATOM).entries[0]
    assert entry.published == calendar.timegm((2025, 3, 1, 12, 0, 0))


@pytest.mark.parametrize("link", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x",
                                  "ftp://example.com/x", "http://"])
def test_only_web_links_are_kept(link):
    body = f'<rss version="2.0"><channel><title>x</title><item><guid>1</guid><link>{link}</link></item></channel></rss>'
    feed = parse_feed(body.encode(), "https://example.com/feed")
    assert feed.entries[0].link == ""
    assert feed.entries[0].base == "https://example.com/feed"


# -- identity -------------------------------------------------------------------------------


def test_entry_key_order_id_then_link_then_hash():
    assert entry_key({"id": " urn:1 ", "link": "https://x/1"}) == "urn:1"
    assert entry_key({"id": "  ", "link": "https://x/1"}) == "https://x/1"
    assert entry_key({"link": "/1"}, "https://x/feed") == "https://x/1"
    by_title = entry_key({"title": "Hello", "published": "yesterday"})
    assert re.fullmatch("[0-9a-f]{40}", by_title)
    assert by_title == entry_key({"title": "Hello", "published": "yesterday", "summary": "edited later"})
    assert by_title != entry_key({"title": "Hello", "published": "today"})
    assert entry_key({"summary": "one"}) != entry_key({"summary": "two"})  # nothing else to go on


def test_entry_key_hashes_huge_ids():
    key = entry_key({"id": "x" * 5000})
    assert re.fullmatch("[0-9a-f]{40}", key)


def test_keys_are_stable_across_refreshes():
    body = (b'<rss version="2.0"><channel><title>x</title>'
            b'<item><title>A</title><pubDate>Sat, 01 Jan 2000 00:00:00 GMT</pubDate></item>'
            b'<item><title>B</title></item><item><description>only text</description></item>'
            b'</channel></rss>')
    first = [entry.key for entry in parse_feed(body, "https://x/feed").entries]
    again = [entry.key for entry in parse_feed(body, "https://x/feed").entries]
    assert first == again and len(set(first)) == 3


# -- not a feed -------------------------------------------------------------------------------


@pytest.mark.parametrize("content, words", [
    (b"", "it is empty"),
    (b"  \n\t ", "it is empty"),
    (b"<!DOCTYPE html>\n<html><head><title>Hi</title></head><body><p>x</p></body></html>", "web page"),
    (b"<html><body>hello</body></html>", "web page"),
    (bytes(range(256)) * 8, "binary data"),
    (b"just some words, nothing more", "no RSS or Atom"),
    (b"<rss version='2.0'><channel><title", "the XML is broken"),
    (b'{"items": [1, 2, 3]}', "no RSS or Atom"),
])
def test_not_a_feed(content, words):
    with pytest.raises(FeedError, match=f"^this is not a feed: .*{words}"):
        parse_feed(content, "https://example.com/")


def test_malformed_feed_with_entries_keeps_them_and_warns():
    broken = (b'<rss version="2.0"><channel><title>Broken & co</title>'
              b'<item><title>One</title><guid>1</guid></item>'
              b'<item><title>Two <b>bold</title><guid>2</guid></item></channel>')
    feed = parse_feed(broken)
    assert [entry.key for entry in feed.entries] == ["1", "2"]
    assert re.fullmatch(r"the feed has XML errors \(line \d+: .+\); it was read leniently", feed.warning)


def test_empty_but_valid_feed_is_fine():
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    assert feed.title == "Quiet" and feed.entries == [] and feed.warning is None


def test_a_body_that_spells_a_path_is_not_read_from_disk(tmp_path):
    # feedparser.parse(bytes) would open() a path it is given; parse_feed must not.
    local = tmp_path / "secret.xml"
    local.write_bytes(RSS)
    with pytest.raises(FeedError, match="no RSS or Atom"):
        parse_feed(str(local).encode())


# -- bombs ---------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"""

QUADRATIC = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + b"A" * 100_000 + b'">\n]>\n'
             b"<rss version='2.0'><channel><title>x</title><item><title>" + b"&a;" * 20_000
             + b"</title></item></channel></rss>")

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title><guid>1</guid></item></channel></rss>"""

PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<rss version="2.0"><channel><title>x</title><item><guid>1</guid></item></channel></rss>"""

HIDDEN_BEHIND_A_COMMENT = (b'<?xml version="1.0"?>\n<!-- <a> -->\n<!DOCTYPE rss [\n<!ENTITY a "'
                           + b"A" * 100_000 + b'">\n]>\n<rss version="2.0"><channel><title>'
                           + b"&a;" * 2000 + b"</title></channel></rss>")


@pytest.mark.parametrize("bomb", [
    BILLION_LAUGHS, QUADRATIC, XXE, PARAMETER, HIDDEN_BEHIND_A_COMMENT,
    QUADRATIC.decode().encode("utf-16"),                                      # with a BOM
    QUADRATIC.decode().encode("utf-16-be"),                                   # without one
    QUADRATIC.replace(b'version="1.0"?>', b'version="1.0" encoding="utf-7"?>')
             .replace(b"<!ENTITY", b"+ADwAIQ-ENTITY"),                        # spelled in UTF-7
    QUADRATIC.replace(b"<!ENTITY", b"<!ENTITY\n"),
], ids=["billion-laughs", "quadratic", "xxe", "parameter-entity", "behind-comment",
        "utf-16", "utf-16-no-bom", "utf-7", "newline"])
def test_entity_bombs_are_refused_fast(bomb):
    started = time.monotonic()
    with pytest.raises(FeedError, match="declares its own XML entities"):
        parse_feed(bomb, "https://example.com/feed")
    assert time.monotonic() - started < 0.5


def test_utf16_charset_from_content_type_is_checked_too():
    with pytest.raises(FeedError, match="declares its own XML entities"):
        parse_feed(QUADRATIC.decode().encode("utf-16-le"), content_type="application/xml; charset=utf-16le")


def test_what_feedparser_alone_would_do_with_the_quadratic_bomb():
    # Why the check exists: without it, the lenient parser expands the entity.
    small = QUADRATIC.replace(b"&a;" * 20_000, b"&a;" * 50)
    result = feedparser.parse(io.BytesIO(small), sanitize_html=False, resolve_relative_uris=False)
    assert len(result.entries[0].title) == 50 * 100_000


def test_character_entities_are_still_allowed():
    old = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n<!ENTITY copy "&#xA9;">\n]>\n'
           b'<rss version="0.91"><channel><title>A&nbsp;B &copy;</title>'
           b'<item><title>x</title><guid>1</guid></item></channel></rss>')
    assert parse_feed(old).title.replace("\u00a0", " ") == "A B \u00a9"  # feedparser may turn it into a space


def test_article_text_about_entities_is_not_a_bomb():
    escaped = (b'<rss version="2.0"><channel><title>Sec blog</title><item><guid>1</guid>'
               b"<description>Beware &lt;!ENTITY x SYSTEM &quot;file:///etc/passwd&quot;&gt;</description>"
               b"</item></channel></rss>")
    assert "<!ENTITY x" in parse_feed(escaped).entries[0].summary


def test_text_far_larger_than_the_input_is_refused():
    # The second line of defence, for any expansion the entity check did not foresee.
    bloated = ParsedFeed(title="t", entries=[Entry(key="1", content="A" * 3_000_000)])
    with pytest.raises(FeedError, match="expanded to far more than the feed itself"):
        _refuse_growth(bloated, 1000)
    _refuse_growth(bloated, 1_000_000)  # 3 characters a byte is ordinary


# -- escapes and the feedparser test corpus -------------------------------------------------


def test_escape_sequences_and_bidi_are_removed():
    nasty = ("<rss version='2.0'><channel><title>\x1b]52;c;Y2xpcA==\x07Title\u202e</title>"
             "<link>https://example.com/\x1b[1m</link>"
             "<item><title>\x1b[31mred\x1b[0m</title><guid>\x1b[2Jg</guid><link>https://e.com/\u2066x</link>"
             "<author>\x1b]8;;https://evil/\x1b\\Mallory\x1b]8;;\x1b\\</author>"
             "<description>line one\r\nline two\x07</description></item></channel></rss>").encode()
    feed = parse_feed(nasty)
    entry = feed.entries[0]
    assert feed.title == "Title" and feed.link == "https://example.com/"
    assert (entry.title, entry.key, entry.link, entry.author) == ("red", "g", "https://e.com/x", "Mallory")
    assert entry.summary == "line one\nline two"


def _strings(feed: ParsedFeed):
    yield feed.title
    yield feed.link
    yield feed.warning or ""
    for entry in feed.entries:
        yield from (entry.key, entry.title, entry.link, entry.author, entry.summary, entry.content, entry.base)


def test_every_feedparser_test_file_parses_or_is_refused_cleanly():
    files = sorted(FEEDPARSER_TESTS.rglob("*.xml"))
    assert len(files) > 2000
    parsed = refused = 0
    for path in files:
        try:
            feed = parse_feed(path.read_bytes(), "http://example.com/feed.xml")
        except FeedError as error:
            assert str(error) and not UNSAFE.search(str(error)), path
            refused += 1
            continue
        parsed += 1
        for text in _strings(feed):
            assert isinstance(text, str) and not UNSAFE.search(text), (path, text)
        for entry in feed.entries:
            assert entry.key, path
            assert entry.published is None or 0 <= entry.published
            assert entry.link == "" or entry.link.lower().startswith(("http://", "https://")), (path, entry.link)
            assert "\n" not in entry.title and "\n" not in entry.link
    assert parsed > 1500  # most of them are feeds, and must stay readable
    print(f"{parsed} parsed, {refused} refused")
