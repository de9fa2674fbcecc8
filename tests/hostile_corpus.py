"""Hostile and broken feed files, generated deterministically, and the checks every one must pass.

    from hostile_corpus import generate, ingest, unsafe_strings
    paths = generate(tmp_path / "corpus")          # ~250 small files, same bytes every time
    report = ingest(tmp_path / "db.sqlite", paths)  # add + refresh + read_body/render_body each article

Used by tests/test_hostile.py (small files) and bench/hostile_ingest.py (plus the giant ones).
"""

from __future__ import annotations

import codecs
import gzip
import io
import random
import re
import sqlite3
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import escape

FEEDPARSER_TESTS = Path("/work/shared/data/feedparser-tests")

# What no stored or shown string may contain: C0 (but \n and \t), DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Rich's own colour codes in a rendered-with-colour string (removed before looking for leaks).
_SGR = re.compile(r"\x1b\[[0-9;]*m")

# Text attacks put into every text field of a feed.
ESCAPES = {
    "osc52": "\x1b]52;c;cm0gLXJmIH4vKgo=\x07",                         # clipboard write
    "osc52st": "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\",                      # ... ended by ST
    "osc8": "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",  # fake hyperlink
    "csi": "\x1b[2J\x1b[H\x1b[31mred\x1b[0m\x1b[?1049h",                 # clear, move, colour
    "c1": "\x9b31m\x9d0;title\x07\x85",                                  # 8-bit CSI/OSC, NEL
    "bidi": "\u202eevil.exe\u202c \u2066iso\u2069 \u200f\u061c",
    "controls": "a\x01b\x07c\x08d\x0be\x0cf\x7fg\x00h",
}
MARKUP = {
    "bold": "[bold]not bold[/bold]",
    "click": "[@click=app.quit]x[/]",
    "link": "[link=file:///etc/passwd]p[/link]",
    "style": "[red on white blink]r[/]",
}
# Literal markup that must show as typed in rendered bodies.
MARKUP_LITERALS = ("[@click=app.quit]", "[link=file:///etc/passwd]", "[bold]")

DANGEROUS_HREFS = (
    "file:///etc/passwd", "smb://evil.example/share", "javascript:alert(1)",
    "JaVaScRiPt:alert(2)", " javascript:alert(3)", "jav&#x09;ascript:alert(4)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
    "\x01javascript:alert(5)", "file:/etc/shadow", "ftp://evil.example/x",
)
SAFE_SCHEMES = ("http://", "https://", "mailto:")

DATES = (
    "Mon, 03 Feb 2025 10:30:00 +0100", "Mon, 3 Feb 2025 10:30 GMT", "03 Feb 2025 10:30:00 EST",
    "Monday, 03-Feb-25 10:30:00 PST", "Mon, 03 Feb 25 10:30:00 Z", "Feb 3 2025",
    "2025-02-03T10:30:00Z", "2025-02-03T10:30:00+05:30", "2025-02-03T10:30:00.123456-08:00",
    "2025-02-03 10:30:00", "2025-02-03T10:30:00", "20250203T103000Z", "2025-W06-1", "2025-034",
    "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "Mon, 01 Jan 0000 00:00:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT", "yesterday", "now", "1738578600", "-1", "1e309",
    "2025-02-30T10:00:00Z", "2025-13-45T99:99:99Z", "", "   ", "\x1b[31m2025-02-03\x1b[0m",
    "9" * 400,
)


# --- building feeds ---------------------------------------------------------------------------


def _text(value: str, how: str) -> str:
    """`value` as XML character data: raw control bytes, character references, or CDATA."""
    if how == "cdata":
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    escaped = escape(value)
    if how == "charref":
        return "".join(f"&#x{ord(c):x};" if UNSAFE.match(c) else c for c in escaped)
    return escaped  # raw: controls as the bytes themselves (not well-formed XML)


@dataclass
class Item:
    title: str | None = "Title"
    link: str | None = "https://news.example/a"
    guid: str | None = "urn:item:1"
    author: str | None = "Ana Author"
    date: str | None = "Mon, 03 Feb 2025 10:30:00 GMT"
    summary: str | None = "A summary."
    content: str | None = "<p>The body.</p>"
    category: str | None = "World"
    base: str | None = None         # xml:base on the entry (Atom) or the content


def rss2(title: str, items: Iterable[Item], how: str = "raw", link: str = "https://news.example/",
         version: str = "2.0", prolog: str = '<?xml version="1.0" encoding="utf-8"?>\n',
         base: str | None = None) -> str:
    parts = [prolog, f'<rss version="{version}" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
             'xmlns:dc="http://purl.org/dc/elements/1.1/"'
             + (f' xml:base="{escape(base)}"' if base else "") + "><channel>"]
    parts.append(f"<title>{_text(title, how)}</title><link>{_text(link, how)}</link>"
                 "<description>d</description>")
    for it in items:
        parts.append("<item>")
        if it.title is not None:
            parts.append(f"<title>{_text(it.title, how)}</title>")
        if it.link is not None:
            parts.append(f"<link>{_text(it.link, how)}</link>")
        if it.guid is not None:
            parts.append(f'<guid isPermaLink="false">{_text(it.guid, how)}</guid>')
        if it.author is not None:
            parts.append(f"<dc:creator>{_text(it.author, how)}</dc:creator>")
        if it.date is not None:
            parts.append(f"<pubDate>{_text(it.date, how)}</pubDate>")
        if it.category is not None:
            parts.append(f"<category>{_text(it.category, how)}</category>")
        if it.summary is not None:
            parts.append(f"<description>{_text(it.summary, how)}</description>")
        if it.content is not None:
            attr = f' xml:base="{escape(it.base)}"' if it.base else ""
            parts.append(f"<content:encoded{attr}>{_text(it.content, 'cdata' if how == 'raw' else how)}"
                         "</content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts)


def rss091(title: str, items: Iterable[Item], how: str = "raw") -> str:
    prolog = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
              '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n')
    return rss2(title, [_plain_item(i) for i in items], how, version="0.91", prolog=prolog)


def rss092(title: str, items: Iterable[Item], how: str = "raw") -> str:
    return rss2(title, items, how, version="0.92")


def _plain_item(it: Item) -> Item:
    return Item(title=it.title, link=it.link, guid=None, author=None, date=None,
                summary=it.summary, content=None, category=None)


def rss10(title: str, items: Iterable[Item], how: str = "raw") -> str:
    items = list(items)
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
             'xmlns:content="http://purl.org/rss/1.0/modules/content/">',
             f'<channel rdf:about="https://news.example/"><title>{_text(title, how)}</title>'
             '<link>https://news.example/</link><description>d</description></channel>']
    for n, it in enumerate(items):
        about = escape(it.link or f"https://news.example/{n}", {'"': "&quot;"})
        parts.append(f'<item rdf:about="{about}">')
        if it.title is not None:
            parts.append(f"<title>{_text(it.title, how)}</title>")
        if it.link is not None:
            parts.append(f"<link>{_text(it.link, how)}</link>")
        if it.author is not None:
            parts.append(f"<dc:creator>{_text(it.author, how)}</dc:creator>")
        if it.date is not None:
            parts.append(f"<dc:date>{_text(it.date, how)}</dc:date>")
        if it.category is not None:
            parts.append(f"<dc:subject>{_text(it.category, how)}</dc:subject>")
        if it.summary is not None:
            parts.append(f"<description>{_text(it.summary, how)}</description>")
        if it.content is not None:
            parts.append(f"<content:encoded>{_text(it.content, 'cdata' if how == 'raw' else how)}</content:encoded>")
        parts.append("</item>")
    parts.append("</rdf:RDF>\n")
    return "".join(parts)


def atom10(title: str, items: Iterable[Item], how: str = "raw", base: str | None = None,
           ns: str = "http://www.w3.org/2005/Atom", version: str = "") -> str:
    date_tag = "updated" if not version else "modified"
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n',
             f'<feed xmlns="{ns}"' + (f' version="{version}"' if version else "")
             + (f' xml:base="{escape(base)}"' if base else "") + ">",
             f'<title type="text">{_text(title, how)}</title><link href="https://news.example/"/>'
             f"<id>urn:feed</id><{date_tag}>2025-02-03T10:30:00Z</{date_tag}>"]
    for it in items:
        parts.append("<entry" + (f' xml:base="{escape(it.base)}"' if it.base else "") + ">")
        if it.title is not None:
            parts.append(f'<title type="html">{_text(it.title, how)}</title>')
        if it.link is not None:
            parts.append(f'<link rel="alternate" href="{escape(it.link, {chr(34): "&quot;"})}"/>')
        if it.guid is not None:
            parts.append(f"<id>{_text(it.guid, how)}</id>")
        if it.author is not None:
            parts.append(f"<author><name>{_text(it.author, how)}</name></author>")
        if it.date is not None:
            parts.append(f"<{date_tag}>{_text(it.date, how)}</{date_tag}>")
            parts.append(f"<published>{_text(it.date, how)}</published>" if not version else
                         f"<issued>{_text(it.date, how)}</issued>")
        if it.category is not None:
            parts.append(f'<category term="{escape(it.category, {chr(34): "&quot;"})}"/>')
        if it.summary is not None:
            parts.append(f'<summary type="html">{_text(it.summary, how)}</summary>')
        if it.content is not None:
            parts.append(f'<content type="html">{_text(it.content, how)}</content>')
        parts.append("</entry>")
    parts.append("</feed>\n")
    return "".join(parts)


def atom03(title: str, items: Iterable[Item], how: str = "raw") -> str:
    return atom10(title, items, how, ns="http://purl.org/atom/ns#", version="0.3")


FORMATS: dict[str, Callable[..., str]] = {
    "rss091": rss091, "rss092": rss092, "rss10": rss10, "rss20": rss2, "atom03": atom03, "atom10": atom10,
}


def _attacked_item(payload: str, n: int) -> Item:
    """An entry with `payload` in every text field (the link keeps a real address around it)."""
    return Item(
        title=f"Title {n} {payload} end",
        link=f"https://news.example/{n}?q={payload}",
        guid=f"urn:{n}:{payload}",
        author=f"Author {payload}",
        date=f"Mon, 03 Feb 2025 10:30:00 GMT{payload}",
        summary=f"Summary {n} says {payload} plainly.",
        content=f"<p>Content {n} carries {escape(payload)} inside.</p>"
                f"<p><a href=\"https://ok.example/{n}\">{escape(payload)}</a></p>",
        category=f"cat {payload}",
    )


def _markup_body(n: int) -> str:
    literal = " and ".join(escape(m) for m in MARKUP.values())
    return f"<p>Paragraph {n} quotes {literal} as plain characters.</p>"


def _hostile_links_body() -> str:
    links = "".join(f'<p>Link <a href="{escape(h, {chr(34): "&quot;"})}">to {i}</a> here.</p>'
                    for i, h in enumerate(DANGEROUS_HREFS))
    images = "".join(f'<img src="{escape(h, {chr(34): "&quot;"})}" alt="img {i}">'
                     for i, h in enumerate(DANGEROUS_HREFS))
    return (links + images + '<p><a href="https://safe.example/ok">a fine link</a>'
            '<a href="mailto:desk@news.example">mail</a></p>'
            '<iframe src="javascript:alert(9)"></iframe><form action="file:///etc/passwd"><input></form>'
            '<script>alert(1)</script><style>p{}</style>')


def _nested(depth: int, tag: str = "div") -> str:
    return f"<{tag}>" * depth + "deep text" + f"</{tag}>" * depth


# --- the corpus -------------------------------------------------------------------------------


def corpus() -> dict[str, bytes]:
    """Every generated file: name -> bytes. Deterministic (fixed seeds, no clock)."""
    files: dict[str, bytes] = {}
    rng = random.Random(20250203)

    def put(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
        assert name not in files, name
        files[name] = data if isinstance(data, bytes) else data.encode(encoding, "surrogatepass")

    # Every format x every text attack x (raw bytes | character references).
    payloads = {**ESCAPES, **{f"markup-{k}": v for k, v in MARKUP.items()}}
    for fmt, build in FORMATS.items():
        for name, payload in payloads.items():
            for how in ("raw", "charref"):
                items = [_attacked_item(payload, n) for n in range(3)]
                items.append(Item(title=f"Markup {name}", guid=f"urn:markup:{name}",
                                  link="https://news.example/markup", content=_markup_body(1),
                                  summary=None))
                put(f"{fmt}-{name}-{how}.xml", build(f"Feed {payload} title", items, how))
        put(f"{fmt}-links.xml", build("Links", [Item(guid="urn:links", content=_hostile_links_body(),
                                                      summary=_hostile_links_body())]))
        for link in DANGEROUS_HREFS[:4]:
            put(f"{fmt}-entrylink-{DANGEROUS_HREFS.index(link)}.xml",
                build("Entry links", [Item(link=link, guid=None, title=f"to {link}")], "charref"))
        put(f"{fmt}-bare-entries.xml", build("Bare", [
            Item(title=None, link=None, guid=None, author=None, date=None, summary=None, content=None,
                 category=None),
            Item(title=None, link=None, guid=None, date=None, summary="only a summary"),
            Item(title="only a title", link=None, guid=None, date=None, summary=None, content=None),
            Item(title="", link="", guid="", author="", date="", summary="", content="", category=""),
        ]))
        put(f"{fmt}-dates.xml", build("Dates", [Item(title=f"d{n}", guid=f"urn:d{n}", date=d)
                                                 for n, d in enumerate(DATES)], "charref"))
        put(f"{fmt}-huge-title.xml", build("T" * 100_000, [Item(title="W " * 60_000, guid="urn:huge",
                                                                 author="A" * 2_000)]))
        put(f"{fmt}-nested.xml", build("Nested", [
            Item(guid="urn:n1", content=_nested(5_000)),
            Item(guid="urn:n2", content=_nested(2_000, "blockquote") + _nested(2_000, "ul><li")),
            Item(guid="urn:n3", content="<table>" * 500 + "<tr><td>" * 500 + "cell"),
            Item(guid="urn:n4", content=_nested(20_000, "b")),
        ]))
        put(f"{fmt}-duplicate-ids.xml", build("Dups", [Item(title=f"same {n}", guid="urn:same")
                                                       for n in range(5)]))

    # Relative links, with and without xml:base.
    rel = [Item(guid="urn:rel1", link="/relative/one", content='<p><a href="two.html">two</a>'
                '<img src="../pic.png" alt="pic"><a href="//proto.example/x">proto</a></p>'),
           Item(guid="urn:rel2", link="three", base="https://base.example/entry/",
                content='<p><a href="four">four</a></p>')]
    put("rss20-relative-nobase.xml", rss2("Rel", rel, link="/home"))
    put("rss20-relative-base.xml", rss2("Rel", rel, base="https://base.example/feed/"))
    put("atom10-relative-base.xml", atom10("Rel", rel, base="https://base.example/feed/"))
    put("atom10-relative-nobase.xml", atom10("Rel", rel))
    put("atom10-base-javascript.xml", atom10("Rel", rel, base="javascript:alert(1)//"))
    put("atom10-base-file.xml", atom10("Rel", rel, base="file:///etc/"))

    # Encodings.
    latin = "Caf\u00e9 S\u00e3o Paulo \u00fcber na\u00efve"
    body = rss2(latin, [Item(title=latin, guid="urn:enc", summary=latin)], prolog="")
    decl = '<?xml version="1.0" encoding="{}"?>\n'
    put("enc-utf8-declared-latin1-bytes.xml", (decl.format("utf-8") + body).encode("latin-1"))
    put("enc-iso8859-1.xml", (decl.format("iso-8859-1") + body).encode("latin-1"))
    put("enc-windows-1252.xml", (decl.format("windows-1252") + body + "\u201cq\u201d").encode("cp1252"))
    put("enc-koi8r.xml", (decl.format("koi8-r") + rss2("\u041d\u043e\u0432\u043e\u0441\u0442\u0438",
                                                        [Item()], prolog="")).encode("koi8-r"))
    put("enc-utf16le-bom.xml", codecs.BOM_UTF16_LE + (decl.format("utf-16") + body).encode("utf-16-le"))
    put("enc-utf16be-bom.xml", codecs.BOM_UTF16_BE + (decl.format("utf-16") + body).encode("utf-16-be"))
    put("enc-utf16le-nobom.xml", (decl.format("utf-16") + body).encode("utf-16-le"))
    put("enc-utf16be-nobom-nodecl.xml", body.encode("utf-16-be"))
    put("enc-utf16-declared-utf8-bytes.xml", (decl.format("utf-16") + body).encode("utf-8"))
    put("enc-utf8-declared-utf16.xml", (decl.format("utf-8") + body).encode("utf-16"))
    put("enc-none-utf8.xml", body.encode("utf-8"))
    put("enc-none-latin1.xml", body.encode("latin-1"))
    put("enc-utf8-bom.xml", codecs.BOM_UTF8 + (decl.format("utf-8") + body).encode("utf-8"))
    put("enc-bogus-name.xml", (decl.format("x-no-such-charset") + body).encode("utf-8"))
    put("enc-rot13.xml", (decl.format("rot13") + body).encode("utf-8"))
    put("enc-utf7.xml", (decl.format("utf-7") + body).encode("utf-7"))
    put("enc-utf32.xml", (decl.format("utf-32") + body).encode("utf-32"))
    put("enc-invalid-utf8-sequences.xml", (decl.format("utf-8") + body).encode("utf-8")
        .replace(b"Paulo", b"Pa\xc3\x28lo\xff\xfe\xed\xa0\x80"))
    put("enc-surrogate-charrefs.xml", rss2("Surrogates &#xD800; &#xDFFF;", [Item(title="&#xD83D;&#xDE00;")]))

    # Broken XML.
    good = rss2("Good", [Item(guid=f"urn:g{n}", title=f"g{n}") for n in range(3)])
    put("xml-truncated-half.xml", good[: len(good) // 2])
    put("xml-truncated-in-tag.xml", good[: good.index("<item>") + 4])
    put("xml-unclosed-cdata.xml", rss2("CDATA", [Item()]).replace("]]></content:encoded>", "</content:encoded>"))
    put("xml-unclosed-cdata-end.xml", good.replace("</channel></rss>", "<item><description><![CDATA[never closed"))
    put("xml-mismatched-tags.xml", good.replace("</title>", "</titel>", 2))
    put("xml-two-roots.xml", good + good)
    put("xml-garbage-after.xml", good + "\x00\x01junk<<<>>>&&&")
    put("xml-undefined-entities.xml", good.replace("g1", "&nbsp;&copy;&undefined;&#99999999;&#x110000;"))
    put("xml-bad-attribute.xml", good.replace("<rss ", "<rss a=b c='\x01' "))
    put("xml-nul-everywhere.xml", good.replace("<title>", "<title>\x00").replace("g2", "g\x002\x00"))
    put("xml-nul-charref.xml", good.replace("g2", "g&#0;2&#x0;"))
    put("xml-doctype-html.xml", "<!DOCTYPE html>" + good)
    put("xml-processing-instructions.xml", good.replace("<channel>", "<channel><?php system('x'); ?>"))
    put("xml-comment-unclosed.xml", good.replace("<channel>", "<channel><!-- never closed"))
    put("xml-only-prolog.xml", '<?xml version="1.0"?>')
    put("xml-root-only.xml", "<rss/>")
    put("xml-empty-channel.xml", '<rss version="2.0"><channel></channel></rss>')
    put("xml-deep-elements.xml", '<rss version="2.0"><channel><item><title>deep</title>'
        + "<x>" * 20_000 + "</x>" * 20_000 + "</item></channel></rss>")
    put("xml-many-attributes.xml", good.replace("<item>", "<item " + " ".join(f"a{i}='v'" for i in range(1000)) + ">", 1))
    put("xml-long-name.xml", good.replace("<item>", "<" + "n" * 100_000 + "/><item>", 1))
    put("xml-xinclude.xml", good.replace("<channel>", '<channel xmlns:xi="http://www.w3.org/2001/XInclude">'
                                         '<xi:include href="file:///etc/passwd" parse="text"/>'))
    put("xml-external-dtd.xml", good.replace('<rss ', '<!DOCTYPE rss SYSTEM "file:///etc/passwd">\n<rss ', 1))

    # Not feeds at all.
    put("html-page.xml", "<!DOCTYPE html><html><head><title>Home</title></head><body><h1>Hi</h1></body></html>")
    put("html-page-no-doctype.xml", "<html><body><p>Hello</p></body></html>")
    put("html-with-feed-link.xml", '<html><head><link rel="alternate" type="application/rss+xml" href="/feed">'
        "</head><body>x</body></html>")
    put("empty.xml", b"")
    put("whitespace.xml", b" \n\t\r\n   ")
    put("nul-bytes.xml", b"\x00" * 4096)
    put("binary-junk.xml", bytes(rng.randrange(256) for _ in range(8192)))
    put("binary-junk-small.xml", bytes(rng.randrange(256) for _ in range(7)))
    put("png.xml", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2000)))
    put("gzip-not-decoded.xml", gzip.compress(good.encode(), mtime=0))
    put("json-feed.xml", '{"version": "https://jsonfeed.org/version/1", "title": "J", "items": []}')
    put("plain-text.xml", "Just some words, no markup at all.\n" * 50)
    put("bom-only.xml", codecs.BOM_UTF8)
    put("terminal-escapes-only.xml", "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J")
    put("opml-not-feed.xml", '<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="file:///etc/passwd"/></body></opml>')
    put("svg.xml", '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    # Random structures from a seeded generator: some well-formed, some truncated.
    for n in range(40):
        fmt = rng.choice(list(FORMATS))
        count = rng.randrange(0, 6)
        items = [_random_item(rng, k) for k in range(count)]
        text = FORMATS[fmt](_random_text(rng, 30), items, rng.choice(("raw", "charref")))
        if rng.random() < 0.25:
            text = text[: rng.randrange(len(text) + 1)]
        put(f"random-{n:02d}-{fmt}.xml", text)
    return files


_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ  0123456789 .,;:!?'\"&<>[]/=@#%-_()\n\t\r"
    "\x00\x01\x07\x08\x1b\x7f\x85\x9b\x9d\u202e\u2066\u200f\u00e9\u4e2d\U0001f600\ufeff\ufffe"
)


def _random_text(rng: random.Random, most: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(most + 1)))


def _random_html(rng: random.Random) -> str:
    tags = ["p", "div", "b", "i", "a", "ul", "li", "ol", "blockquote", "pre", "code", "table", "tr",
            "td", "h1", "h2", "img", "br", "span", "script", "style", "iframe"]
    out = []
    for _ in range(rng.randrange(30)):
        r = rng.random()
        tag = rng.choice(tags)
        if r < 0.3:
            out.append(f"<{tag}>")
        elif r < 0.5:
            out.append(f"</{tag}>")
        elif r < 0.6:
            href = rng.choice(DANGEROUS_HREFS + ("https://x.example/", "/rel", "", "#frag"))
            out.append(f'<a href="{escape(href)}">')
        elif r < 0.65:
            out.append(f'<img src="{escape(rng.choice(DANGEROUS_HREFS))}" alt="{escape(_random_text(rng, 5))}">')
        else:
            out.append(escape(_random_text(rng, 40)))
    return "".join(out)


def _random_item(rng: random.Random, k: int) -> Item:
    def maybe(value):
        return value if rng.random() < 0.8 else None

    return Item(
        title=maybe(_random_text(rng, 40)), link=maybe(rng.choice(("https://r.example/", "/x", "javascript:x", ""))
                                                       + _random_text(rng, 5)),
        guid=maybe(rng.choice((f"urn:{k}", "", "urn:same"))), author=maybe(_random_text(rng, 10)),
        date=maybe(rng.choice(DATES)), summary=maybe(_random_html(rng)), content=maybe(_random_html(rng)),
        category=maybe(_random_text(rng, 8)),
    )


def generate(folder: Path) -> list[Path]:
    """Write the corpus into `folder`; returns the paths, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in corpus().items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return sorted(paths)


def feedparser_files(every: int = 1) -> list[Path]:
    """feedparser's own test feeds (every `every`-th one, in a fixed order)."""
    return sorted(FEEDPARSER_TESTS.rglob("*.xml"))[::every]


# --- the giant files (bench only) -------------------------------------------------------------


def write_big_feed(path: Path, megabytes: int = 50) -> Path:
    """One RSS feed of about `megabytes` MB: a few hundred entries with long bodies."""
    paragraph = "<p>" + ("Word salad about El Salvador and Nayib Bukele. " * 40) + "</p>"
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>'
                  "<link>https://big.example/</link><description>d</description>")
        n = 0
        while out.tell() < megabytes * 1_000_000:
            out.write(f"<item><title>Big {n}</title><link>https://big.example/{n}</link><guid>big-{n}</guid>"
                      f"<description>{escape(paragraph * 20)}</description></item>")
            n += 1
        out.write("</channel></rss>\n")
    return path


def write_many_entries_feed(path: Path, entries: int = 100_000) -> Path:
    """One Atom feed of `entries` short entries."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                  "<title>Many</title><id>urn:many</id><updated>2025-02-03T00:00:00Z</updated>")
        for n in range(entries):
            out.write(f"<entry><id>m{n}</id><title>Entry {n}</title><link href=\"https://m.example/{n}\"/>"
                      f"<updated>2025-02-03T00:00:00Z</updated><summary>Body of {n}.</summary></entry>")
        out.write("</feed>\n")
    return path


# --- ingesting and checking -------------------------------------------------------------------


@dataclass
class IngestReport:
    files: int = 0
    accepted: int = 0                     # refreshed without an error (a warning is fine)
    refused: dict[str, int] = field(default_factory=dict)   # error message -> feeds
    crashes: list[str] = field(default_factory=list)        # exceptions that escaped, with where
    articles: int = 0
    rendered: int = 0
    markup_checked: int = 0               # bodies holding Rich markup that had to show literally
    slowest: tuple[float, str] = (0.0, "")                  # seconds, file
    problems: list[str] = field(default_factory=list)       # broken promises found by the checks

    def summary(self) -> str:
        return (f"{self.files} files, {self.accepted} accepted, {sum(self.refused.values())} refused, "
                f"{len(self.crashes)} crashes, {self.articles} articles, {self.rendered} rendered, "
                f"{len(self.problems)} problems")


def _normal_error(message: str) -> str:
    """An error with its specifics (sizes, lines, paths) blurred, so alike errors count together."""
    message = re.sub(r"/[^\s]*", "PATH", message)
    message = re.sub(r"line \d+", "line N", message)
    return re.sub(r"\d[\d,]*", "N", message)


def ingest(db_path: Path, paths: list[Path], *, render_width: int = 80,
           check_colour: bool = True, on_progress: Callable[[str], None] | None = None) -> IngestReport:
    """Subscribe to every file, refresh them all in one go, then read and render every article."""
    from rich.console import Console

    from reader.analysis import read_article
    from reader.core.refresh import refresh
    from reader.core.store import Store
    from reader.text.render import render_body

    report = IngestReport(files=len(paths))
    name_of: dict[int, str] = {}
    per_file: dict[str, float] = {}
    with Store(db_path) as store:
        for path in paths:
            name_of[store.add_feed(str(path)).id] = str(path)
        last = [time.perf_counter()]

        def on_feed(outcome, done, total):
            now = time.perf_counter()
            per_file[name_of[outcome.feed_id]] = now - last[0]
            last[0] = now
            if on_progress and done % 500 == 0:
                on_progress(f"refreshed {done}/{total}")

        try:
            refresh(store, on_feed=on_feed)
        except Exception:
            report.crashes.append("refresh (all at once): " + traceback.format_exc(limit=6))
            # Find the culprits: one feed at a time.
            for feed_id, name in name_of.items():
                try:
                    refresh(store, [feed_id], on_feed=on_feed)
                except Exception as error:
                    report.crashes.append(f"refresh of {name}: {error!r}")

        for feed in store.feeds():
            if feed.last_fetched is not None and (feed.total or not feed.last_error or "XML errors" in feed.last_error):
                report.accepted += 1
            elif feed.last_error:
                key = _normal_error(feed.last_error)
                report.refused[key] = report.refused.get(key, 0) + 1
            check_message(feed.last_error, f"last_error of {feed.url}", report.problems)

        ids = store.article_ids()
        report.articles = len(ids)
        article_file = dict(store.execute("SELECT a.id, f.url FROM articles a JOIN feeds f ON f.id = a.feed_id"))
        for count, article_id in enumerate(ids):
            article = store.article(article_id)
            where = article_file.get(article_id, "?")
            started = time.perf_counter()
            try:
                body = read_article(article)
                plain = Console(file=io.StringIO(), width=render_width, color_system=None,
                                force_terminal=False, legacy_windows=False)
                plain.print(render_body(body, show_removed=True))
                plain.print(render_body(body))
                text = plain.file.getvalue()
                if check_colour:
                    colour = Console(file=io.StringIO(), width=render_width, color_system="truecolor",
                                     force_terminal=True, legacy_windows=False)
                    colour.print(render_body(body))
                    coloured = _SGR.sub("", colour.file.getvalue())
                else:
                    coloured = ""
            except Exception:
                report.crashes.append(f"render of article {article_id} from {where}: "
                                      + traceback.format_exc(limit=6))
                continue
            per_file[where] = per_file.get(where, 0.0) + time.perf_counter() - started
            report.rendered += 1
            check_rendered(text, body, f"article {article_id} from {where}", report.problems)
            for literal in MARKUP_LITERALS:
                if literal in body.text:
                    report.markup_checked += 1
                    if literal not in text:
                        report.problems.append(f"markup {literal!r} not shown literally in article "
                                               f"{article_id} from {where}")
            if UNSAFE.search(coloured):
                report.problems.append(f"control character in the colour rendering of article {article_id} "
                                       f"from {where}: {UNSAFE.search(coloured).group()!r}")
            if on_progress and count % 20_000 == 0 and count:
                on_progress(f"rendered {count}/{len(ids)}")
        check_database(db_path, report.problems)
    if per_file:
        worst = max(per_file, key=per_file.get)
        report.slowest = (per_file[worst], worst)
    return report


def check_message(message: str | None, what: str, problems: list[str]) -> None:
    if message is None:
        return
    if not message.strip():
        problems.append(f"{what} is blank")
    if "Traceback" in message or 'File "' in message:
        problems.append(f"{what} holds a traceback: {message[:200]!r}")
    if UNSAFE.search(message) or "\n" in message:
        problems.append(f"{what} holds a control character or line break: {message[:200]!r}")


def check_rendered(text: str, body, what: str, problems: list[str]) -> None:
    """Rendered output: no control characters; only safe links in the numbered list."""
    found = UNSAFE.search(text)
    if found:
        problems.append(f"control character {found.group()!r} in the rendering of {what}")
    for link in body.links:
        if not link.url.startswith(SAFE_SCHEMES) or UNSAFE.search(link.url) or " " in link.url:
            problems.append(f"dangerous link {link.url!r} in the links of {what}")
    body_text = body.text + "".join(block.text for block in body.original)
    for line in text.splitlines():
        listed = _DANGEROUS_LISTED.match(line)
        if listed and line.strip() not in body_text:
            problems.append(f"dangerous link line {line!r} in the rendering of {what}")


# A line of the numbered links list pointing somewhere other than the web or mail.
_DANGEROUS_LISTED = re.compile(r"\s*\[\d+\]\s+(?:javascript|vbscript|file|smb|data|ftp)\s*:", re.IGNORECASE)


def check_database(db_path: Path, problems: list[str]) -> int:
    """Every string in every column of every table of the database: no control characters."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    checked = 0
    try:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        checked += 1
                        found = UNSAFE.search(value)
                        if found:
                            problems.append(f"control character {found.group()!r} stored in {table}: {value[:120]!r}")
    finally:
        db.close()
    return checked


# --- fuzzing: generated feed documents through parse -> clean -> blocks -> dedup -> render ----


def feed_documents():
    """A Hypothesis strategy for feed bytes: random structure, random text and HTML bodies."""
    from hypothesis import strategies as st

    nasty = st.sampled_from([*ESCAPES.values(), *MARKUP.values(), *DANGEROUS_HREFS, *DATES,
                             "&amp;", "&nbsp;", "&#27;", "&#x9b;", "&#0;", "&#xD800;", "&#1114112;",
                             "]]>", "<![CDATA[", "<!--", "-->", "<?", "?>", "\ufeff", "\U0001f600"])
    text = st.one_of(st.text(max_size=40), nasty,
                     st.lists(st.one_of(st.text(max_size=10), nasty), max_size=6).map("".join))
    tag = st.sampled_from(["p", "div", "b", "a", "ul", "ol", "li", "blockquote", "pre", "code",
                           "table", "tr", "td", "th", "h1", "h3", "img", "br", "span", "script",
                           "style", "iframe", "form", "hr", "figure", "figcaption"])
    href = st.one_of(st.sampled_from([*DANGEROUS_HREFS, "https://x.example/a", "/rel", "#top", "",
                                      "//proto.example/", "mailto:a@b.example", "http://[::1]:99/"]), text)

    @st.composite
    def html(draw):
        out = []
        for _ in range(draw(st.integers(0, 25))):
            kind = draw(st.integers(0, 5))
            if kind == 0:
                out.append(f"<{draw(tag)}>")
            elif kind == 1:
                out.append(f"</{draw(tag)}>")
            elif kind == 2:
                out.append(f'<a href="{escape(draw(href), {chr(34): "&quot;"})}">')
            elif kind == 3:
                out.append(f'<img src="{escape(draw(href), {chr(34): "&quot;"})}" alt="{escape(draw(text))}">')
            else:
                out.append(escape(draw(text)))
        return "".join(out)

    maybe_text = st.one_of(st.none(), text)
    maybe_html = st.one_of(st.none(), html(), text)
    item = st.builds(Item, title=maybe_text, link=st.one_of(st.none(), href), guid=maybe_text,
                     author=maybe_text, date=st.one_of(st.none(), st.sampled_from(DATES), text),
                     summary=maybe_html, content=maybe_html, category=maybe_text,
                     base=st.one_of(st.none(), st.sampled_from(["https://b.example/x/", "javascript:x", "/r"])))

    @st.composite
    def document(draw):
        fmt = draw(st.sampled_from(sorted(FORMATS)))
        how = draw(st.sampled_from(["raw", "charref", "cdata"]))
        items = draw(st.lists(item, max_size=5))
        xml = FORMATS[fmt](draw(text), items, how)
        encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"]))
        data = xml.encode(encoding, "replace") if encoding != "utf-8" else xml.encode("utf-8", "surrogatepass")
        cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
        if cut is not None:
            data = data[:cut]
        if draw(st.integers(0, 9)) == 0:
            data = draw(st.binary(max_size=200)) + data
        return data

    return document()


def check_pipeline(data: bytes, url: str = "https://fuzz.example/feed.xml") -> int:
    """The properties fuzzing checks on one document; returns how many entries went through.

    parse_feed raises nothing but FeedError; after it nothing raises; no control character
    in any parsed string or rendered output; only safe links are listed.
    """
    from rich.console import Console

    from reader.core.parse import FeedError, parse_feed
    from reader.text.body import read_body
    from reader.text.render import plain_text, render_body

    try:
        feed = parse_feed(data, url=url)
    except FeedError as error:
        assert str(error) and not UNSAFE.search(str(error)), str(error)
        return 0
    problems: list[str] = []
    for value in (feed.title, feed.link, feed.warning or ""):
        assert not UNSAFE.search(value), value
    for entry in feed.entries:
        for value in (entry.key, entry.title, entry.link, entry.author, entry.summary, entry.content, entry.base):
            assert isinstance(value, str) and not UNSAFE.search(value), value
        assert entry.link == "" or entry.link.startswith(("http://", "https://")), entry.link
        body = read_body(entry.title, entry.summary, entry.content, entry.base or entry.link)
        console = Console(file=io.StringIO(), width=60, color_system=None, force_terminal=False)
        console.print(render_body(body, show_removed=True))
        check_rendered(console.file.getvalue(), body, "the fuzzed entry", problems)
        check_rendered(plain_text(body, show_removed=True), body, "the fuzzed entry (plain)", problems)
    assert not problems, problems
    return len(feed.entries)
