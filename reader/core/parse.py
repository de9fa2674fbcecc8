"""Turn the bytes of a fetched feed into a ParsedFeed of cleaned entries (feedparser inside).

Also decides the identity of an entry (`entry_key`), which the store relies on across refreshes.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.exceptions import ThingsNobodyCaresAboutButMe

from reader.core.clean import clean, clean_line
from reader.core.models import Entry, FeedError, ParsedFeed

__all__ = ["FeedError", "entry_key", "parse_feed"]


# Parsed text may be at most this much larger than the input. Without custom entities,
# XML only ever shrinks when parsed, so a bigger figure means something expanded.
_GROWTH_LIMIT = 4
_GROWTH_SLACK = 1024 * 1024

# Keys longer than this are hashed, so the store's index stays small.
_LONGEST_KEY = 512

# An entry dated after now + this many seconds has an absurd date.
_FUTURE_SLACK = 366 * 24 * 3600

_WEB_SCHEMES = ("http", "https")

_ENTITY_DECLARATION = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
# The one kind of declared entity we let through: a single character reference, as old
# RSS 0.91 feeds use for &nbsp; and friends. It cannot grow the text.
_CHARACTER_ENTITY = re.compile(r"""<!\s*ENTITY\s+[\w.:-]+\s+(["'])&#(\d{1,7}|x[0-9A-Fa-f]{1,6});\1\s*>""",
                               re.IGNORECASE)

_XML_ENCODING = re.compile(r"""<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                         re.IGNORECASE | re.DOTALL)


def parse_feed(content: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse the feed in `content` (bytes we fetched) whose address is `url`.

    Raises FeedError when the bytes are not a feed or would expand into a bomb. A feed
    that is malformed but still yields entries is returned with `warning` set.
    """
    if not content or not content.strip():
        raise FeedError("this is not a feed: it is empty")
    _refuse_declared_entities(content, content_type)

    headers = {"content-type": content_type} if content_type else None
    # A stream, not the bytes themselves: feedparser tries open() on a bytes argument,
    # so a body that happens to spell a local path would be read from disk.
    try:
        result = feedparser.parse(
            io.BytesIO(content),
            sanitize_html=False,          # our body pipeline strips scripts, styles and forms
            resolve_relative_uris=False,  # bodies are resolved later against Entry.base
            response_headers=headers,
        )
    except Exception as error:   # feedparser's lenient parser can fail in odd ways on junk
        raise FeedError(f"this is not a feed: it could not be read ({_describe(error)})") from None

    problem = result.get("bozo_exception") if result.get("bozo") else None
    if isinstance(problem, ThingsNobodyCaresAboutButMe):
        problem = None  # a wrong charset label and the like: the feed itself is fine
    feed_info = result.get("feed", {})
    if not result.get("entries"):
        if not result.get("version"):
            raise FeedError(f"this is not a feed: {_what_it_looks_like(content)}")
        if problem is not None and not feed_info.get("title"):
            raise FeedError(f"this is not a feed: the XML is broken ({_describe(problem)})")

    feed_url = clean_line(url)
    entries = [_entry(raw, feed_url) for raw in result.get("entries", [])]
    parsed = ParsedFeed(
        title=clean_line(feed_info.get("title")),
        link=_web_link(feed_info.get("link"), feed_url),
        entries=entries,
    )
    if problem is not None:
        parsed.warning = f"the feed has XML errors ({_describe(problem)}); it was read leniently"
    _refuse_growth(parsed, len(content))
    return parsed


def entry_key(entry: dict[str, Any], feed_url: str = "") -> str:
    """Return the identity of a raw feedparser entry within its feed, stable across refreshes.

    In order: the entry's id (RSS guid, Atom id) if present and not blank; else its link
    (resolved against `feed_url` when relative); else the SHA-1 hex of its title and date,
    and of its summary and content too when it has neither title nor date. A key longer
    than 512 characters is replaced by its SHA-1 hex.
    """
    key = clean_line(entry.get("id"))
    if not key:
        link = clean_line(entry.get("link"))
        key = urljoin(feed_url, link) if link and feed_url else link
    if not key:
        title = clean_line(entry.get("title"))
        stamp = _timestamp(entry)
        date = str(stamp) if stamp is not None else clean_line(dict.get(entry, "published") or dict.get(entry, "updated"))
        parts = [title, date]
        if not title and not date:
            parts += [clean(entry.get("summary")), clean(_longest_content(entry))]
        return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()
    if len(key) > _LONGEST_KEY:
        return hashlib.sha1(key.encode("utf-8")).hexdigest()
    return key


def _entry(raw: dict[str, Any], feed_url: str) -> Entry:
    base = _content_base(raw, feed_url)
    link = _web_link(raw.get("link"), base or feed_url)
    return Entry(
        key=entry_key(raw, feed_url),
        title=clean_line(raw.get("title")),
        link=link,
        author=clean_line(raw.get("author")),
        published=_timestamp(raw),
        summary=clean(raw.get("summary")),
        content=clean(_longest_content(raw)),
        base=base or link or feed_url,
    )


def _longest_content(raw: dict[str, Any]) -> str:
    values = [part.get("value") or "" for part in raw.get("content") or []]
    return max(values, key=len, default="")


def _content_base(raw: dict[str, Any], feed_url: str) -> str:
    """The entry's own xml:base, made absolute; "" when it has none or it is not a web address."""
    details = [*(raw.get("content") or []), raw.get("summary_detail") or {}]
    for detail in details:
        base = clean_line(detail.get("base"))
        if base:
            return _web_link(base, feed_url)
    return ""


def _web_link(link: str | None, base: str) -> str:
    """`link` made absolute against `base`, or "" unless it is an http(s) address."""
    link = clean_line(link)
    if not link:
        return ""
    if base and not urlsplit(link).scheme:
        link = urljoin(base, link)
    try:
        parts = urlsplit(link)
    except ValueError:
        return ""
    return link if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc else ""


def _timestamp(raw: dict[str, Any]) -> int | None:
    """published, else updated, as Unix seconds UTC; None when absent or absurd."""
    for name in ("published_parsed", "updated_parsed"):
        value = dict.get(raw, name)  # dict.get: FeedParserDict would warn about its old updated alias
        if not value:
            continue
        try:
            stamp = calendar.timegm(value)
        except (TypeError, ValueError, OverflowError):
            continue
        if 0 <= stamp <= time.time() + _FUTURE_SLACK:
            return stamp
    return None


def _describe(problem: BaseException) -> str:
    """A parser exception in a few plain words, with the line when known."""
    message = clean_line(getattr(problem, "getMessage", lambda: str(problem))()) or type(problem).__name__
    line = getattr(problem, "getLineNumber", lambda: None)()
    return f"line {line}: {message}" if line else message


def _what_it_looks_like(content: bytes) -> str:
    if _HTML_START.match(content[:4096]):
        return "it is a web page (HTML), not RSS or Atom"
    head = content[:4096]
    if b"\x00" in head and not _utf16_or_32(head):
        return "it is binary data, not text"
    return "no RSS or Atom found in it"


def _refuse_declared_entities(content: bytes, content_type: str | None) -> None:
    """Raise FeedError when the document declares entities that could expand (entity bombs).

    feedparser's lenient fallback expands entities declared in the DOCTYPE even after its
    strict parser refused them, so a small feed can become gigabytes of text. The whole
    document is searched, not just the prolog: finding where the prolog ends takes a real
    XML tokenizer, and a raw "<!ENTITY" inside an article body (rather than "&lt;!ENTITY")
    is not something real feeds contain.
    """
    for text in _decodings(content, content_type):
        for match in _ENTITY_DECLARATION.finditer(text):
            if not _CHARACTER_ENTITY.match(text, match.start()):
                raise FeedError(
                    "this feed was refused: it declares its own XML entities, "
                    "which can expand into an enormous document"
                )


def _decodings(content: bytes, content_type: str | None) -> Iterator[str]:
    """The document decoded every way a parser might decode it: by bytes, by its byte-order
    mark or zero bytes, by the charset in its Content-Type, and by its XML declaration
    (which can name UTF-7, where "<!ENTITY" may be spelled "+ADwAIQ-ENTITY")."""
    encodings = ["latin-1"]  # byte for byte: covers UTF-8 and every ASCII-compatible charset
    sniffed = _utf16_or_32(content[:4])
    if sniffed:
        encodings.append(sniffed)
    if content[:4] == b"\x4c\x6f\xa7\x94":  # "<?xm" in EBCDIC
        encodings.append("cp037")
    for encoding in list(encodings):
        declared = _XML_ENCODING.search(content[:1024].decode(encoding, errors="replace"))
        encodings.append(_codec(declared.group(1)) if declared else None)
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    encodings.append(_codec(charset.group(1)) if charset else None)
    for encoding in dict.fromkeys(name for name in encodings if name):
        try:
            yield content.decode(encoding, errors="replace")
        except LookupError:  # a codec that cannot decode bytes at all (rot13, say)
            continue


def _utf16_or_32(head: bytes) -> str | None:
    """The UTF-16/32 flavour the first bytes show (by BOM or by the zero bytes around "<")."""
    for boms, name in (
        ((codecs.BOM_UTF32_LE, b"<\x00\x00\x00"), "utf-32-le"),
        ((codecs.BOM_UTF32_BE, b"\x00\x00\x00<"), "utf-32-be"),
        ((codecs.BOM_UTF16_LE, b"<\x00?\x00", b"<\x00"), "utf-16-le"),
        ((codecs.BOM_UTF16_BE, b"\x00<\x00?", b"\x00<"), "utf-16-be"),
    ):
        if any(head.startswith(bom) for bom in boms):
            return name
    return None


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _refuse_growth(parsed: ParsedFeed, input_size: int) -> None:
    """Second line of defence: text far larger than the input means something expanded."""
    total = len(parsed.title) + len(parsed.link)
    for entry in parsed.entries:
        total += len(entry.title) + len(entry.author) + len(entry.summary) + len(entry.content)
    if total > _GROWTH_LIMIT * input_size + _GROWTH_SLACK:
        raise FeedError(
            "this feed was refused: its text expanded to far more than the feed itself "
            f"({total:,} characters from {input_size:,} bytes)"
        )
