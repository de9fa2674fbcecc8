"""OPML import and export: other readers' files, round trips, and hostile input."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree

import pytest

from reader.core.opml import OpmlFeed, read_opml, write_opml

NEWSBOAT_EXPORT = b"""<?xml version="1.0"?>
<opml version="1.0">
  <head>
    <title>newsboat - Exported Feeds</title>
  </head>
  <body>
    <outline type="rss" xmlUrl="https://lwn.net/headlines/rss" htmlUrl="https://lwn.net" title="LWN.net"/>
    <outline type="rss" xmlUrl="https://www.theguardian.com/world/rss" htmlUrl="" title="World news | The Guardian"/>
    <outline type="rss" xmlUrl="https://example.com/untitled.xml" htmlUrl="" title=""/>
  </body>
</opml>
"""

FEEDLY_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head>
    <title>Ana subscriptions in feedly Cloud</title>
  </head>
  <body>
    <outline text="Tech" title="Tech">
      <outline type="rss" text="Ars Technica" title="Ars Technica"
               xmlUrl="https://feeds.arstechnica.com/arstechnica/index" htmlUrl="https://arstechnica.com"/>
      <outline type="rss" text="Hacker News" title="Hacker News" xmlUrl="https://news.ycombinator.com/rss"
               htmlUrl="https://news.ycombinator.com/"/>
    </outline>
    <outline text="World" title="World">
      <outline text="Latin America" title="Latin America">
        <outline type="rss" text="El Faro" title="El Faro" xmlUrl="https://elfaro.net/rss" htmlUrl="https://elfaro.net"/>
      </outline>
      <outline type="rss" text="Hacker News" title="Hacker News" xmlUrl="https://news.ycombinator.com/rss"/>
    </outline>
    <outline type="rss" text="Caf\u00e9 &amp; Cr\u00e8me" xmlUrl="https://caf\u00e9.example/feed"/>
  </body>
</opml>
""".encode("utf-8")


def test_newsboat_export():
    feeds, problems = read_opml(NEWSBOAT_EXPORT)
    assert problems == []
    assert feeds == [
        OpmlFeed("https://lwn.net/headlines/rss", "LWN.net", "", "https://lwn.net"),
        OpmlFeed("https://www.theguardian.com/world/rss", "World news | The Guardian"),
        OpmlFeed("https://example.com/untitled.xml", "https://example.com/untitled.xml"),
    ]


def test_feedly_export_with_nested_categories():
    feeds, problems = read_opml(FEEDLY_EXPORT)
    assert problems == []
    assert [(feed.title, feed.category) for feed in feeds] == [
        ("Ars Technica", "Tech"),
        ("Hacker News", "Tech"),              # listed twice; the first category wins
        ("El Faro", "World/Latin America"),
        ("Café & Crème", ""),
    ]
    assert feeds[2].url == "https://elfaro.net/rss" and feeds[2].site_url == "https://elfaro.net"


def test_utf16_file():
    feeds, _ = read_opml(FEEDLY_EXPORT.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert [feed.title for feed in feeds][0] == "Ars Technica" and len(feeds) == 4


def test_round_trip_of_records():
    feeds = [
        OpmlFeed("https://a.example/feed", "A <&> \"quoted\" 'feed'", "News", "https://a.example/"),
        OpmlFeed("https://b.example/rss?x=1&y=2", "B", "News/Europe"),
        OpmlFeed("http://c.example/atom", "C"),
        OpmlFeed("https://d.example/feed", "D", "Tech"),
    ]
    again, problems = read_opml(write_opml(feeds).encode("utf-8"))
    assert problems == []
    assert sorted(again, key=lambda feed: feed.url) == sorted(feeds, key=lambda feed: feed.url)


def test_round_trip_of_pairs():
    pairs = [("https://a.example/feed", "Alpha"), ("https://b.example/feed", "Beta")]
    feeds, _ = read_opml(write_opml(pairs).encode())
    assert [(feed.url, feed.title) for feed in feeds] == pairs


def test_export_is_opml_2_that_others_read():
    text = write_opml([OpmlFeed("https://a.example/feed", "Alpha", "News", "https://a.example/")],
                      title="My feeds")
    root = ElementTree.fromstring(text.encode())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "My feeds"
    assert root.findtext("head/dateCreated")
    category = root.find("body/outline")
    assert (category.get("text"), category.get("title")) == ("News", "News")
    feed = category.find("outline")
    assert feed.attrib == {"type": "rss", "text": "Alpha", "title": "Alpha",
                           "xmlUrl": "https://a.example/feed", "htmlUrl": "https://a.example/"}


def test_export_cleans_what_it_writes():
    text = write_opml([("https://a.example/feed", "Evil\x1b]52;c;eA==\x07 title\u202e")])
    assert "\x1b" not in text and "\u202e" not in text
    feeds, _ = read_opml(text.encode())
    assert feeds[0].title == "Evil title"


def test_non_web_addresses_are_skipped_with_a_reason():
    data = b"""<opml version="2.0"><body>
      <outline text="passwd" xmlUrl="file:///etc/passwd"/>
      <outline text="share" xmlUrl="smb://server/share/feed.xml"/>
      <outline text="js" xmlUrl="javascript:alert(1)"/>
      <outline text="data" xmlUrl="data:text/xml,&lt;rss/&gt;"/>
      <outline text="local" xmlUrl="/home/ana/feed.xml"/>
      <outline text="good" xmlUrl="https://good.example/feed" htmlUrl="javascript:alert(2)"/>
    </body></opml>"""
    feeds, problems = read_opml(data)
    assert feeds == [OpmlFeed("https://good.example/feed", "good")]  # the javascript: site is dropped
    assert problems == [
        "skipped file:///etc/passwd: only web addresses can be imported",
        "skipped smb://server/share/feed.xml: only web addresses can be imported",
        "skipped javascript:alert(1): only web addresses can be imported",
        "skipped data:text/xml,<rss/>: only web addresses can be imported",
        "skipped /home/ana/feed.xml: only web addresses can be imported",
    ]


def test_titles_are_cleaned():
    # XML cannot carry ESC at all, but C1 controls, bidi overrides and newlines it can.
    data = ('<opml version="2.0"><body><outline text="x" title="\x9b31mRed\u202e &#10;\u2066 news\x85" '
            'xmlUrl="https://r.example/feed"/></body></opml>').encode()
    feeds, _ = read_opml(data)
    assert feeds[0].title == "Red news"


@pytest.mark.parametrize("bomb", [
    b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<opml version="2.0"><body><outline text="&d;&d;&d;" xmlUrl="https://x.example/"/></body></opml>""",
    b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://x.example/"/></body></opml>""",
    b"""<!DOCTYPE opml><opml version="2.0"><body/></opml>""",
    ("<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE opml [<!ENTITY a 'x'>]>"
     "<opml version='2.0'><body/></opml>").encode("utf-16"),
], ids=["billion-laughs", "xxe", "plain-doctype", "utf-16"])
def test_doctype_and_entities_are_refused(bomb):
    started = time.monotonic()
    with pytest.raises(ValueError, match="it has a DOCTYPE"):
        read_opml(bomb)
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("data, words", [
    (b"", "empty|broken"),
    (b"<rss version='2.0'><channel/></rss>", "it starts with <rss>"),
    (b"<html><body>hi</body></html>", "it starts with <html>"),
    (b"\x00\x01\x02 junk", "broken"),
    (b"<opml><body><outline text='a'", "broken"),
])
def test_not_opml(data, words):
    with pytest.raises(ValueError, match=f"this is not an OPML file.*({words})"):
        read_opml(data)


def test_broken_after_some_feeds_keeps_them():
    data = (b'<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example/feed"/>'
            b'<outline text="B & C" xmlUrl="https://b.example/feed"/></body></opml>')
    feeds, problems = read_opml(data)
    assert [feed.url for feed in feeds] == ["https://a.example/feed"]
    assert problems == ["the file is broken at line 1: not well-formed (invalid token); "
                        "feeds after that point were not read"]


def test_lowercase_attribute_names():
    feeds, _ = read_opml(b'<opml><body><outline title="T" xmlurl="https://t.example/f"/></body></opml>')
    assert feeds == [OpmlFeed("https://t.example/f", "T")]
