"""Article bodies (HTML or plain text) as a list of readable blocks plus numbered links.

This module is also the sanitizer: feedparser runs with sanitize_html=False, so only the
text and safe links that this module keeps ever reach the screen.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from reader.core.clean import clean, clean_line

KINDS = ("heading", "paragraph", "item", "quote", "code", "table", "image", "rule")
RULE_TEXT = "* * *"


@dataclass(frozen=True)
class Block:
    """One readable block of an article body."""

    kind: str        # one of KINDS
    text: str        # plain text as a reader reads it, already cleaned
    level: int = 0   # heading level 1-6; list nesting depth (0 = top); quote depth
    ordered: bool = False
    number: int = 0  # position in an ordered list
    rows: tuple[tuple[str, ...], ...] = ()  # table cells, header row first if it had <th>
    header: bool = False    # the table's first row is a header row
    refs: tuple[int, ...] = ()  # link numbers of an image (its source, then its link)


@dataclass(frozen=True)
class Link:
    """A numbered reference: `[number]` in the text points at `url`."""

    number: int
    url: str
    label: str


@dataclass
class Body:
    blocks: list[Block]
    links: list[Link]


def body_text(blocks) -> str:
    """The plain text of `blocks`, one blank line between them: what entity offsets index."""
    return "\n\n".join(b.text for b in blocks)


# Elements whose content is never shown: scripts and styles, embedded or interactive things,
# and media fallbacks ("your browser does not support video").
_DROPPED = frozenset({
    "script", "style", "iframe", "form", "object", "embed", "noscript", "svg", "template",
    "button", "input", "select", "textarea", "audio", "video", "canvas", "applet", "frame",
    "frameset", "head", "title", "meta", "link", "math", "dialog", "option", "datalist",
})
# Elements that end the current block and start a new one (as a browser lays them out).
_BREAKING = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
    "figcaption", "address", "details", "summary", "dl", "dt", "dd", "center", "fieldset",
    "legend", "caption", "hgroup", "body", "html",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "menu", "li", "blockquote", "pre",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "hr",
})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_BR = "\x01"   # stands for <br> in collected text; clean() removes \x01 from real text
_WHITESPACE = re.compile("[ \t\n\f]+")  # HTML whitespace; no-break spaces are kept, as in a browser
_AROUND_BR = re.compile(" ?\x01 ?")
_SOFT_HYPHEN = "\u00ad"
_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|!--|!doctype)", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+[0-9]*);")


def parse_body(markup: str, base_url: str = "") -> Body:
    """Blocks and links of an article body given as HTML or as plain text."""
    links = LinkList()
    return Body(parse_blocks(markup, base_url, links), links.links)


def parse_blocks(markup: str, base_url: str, links: LinkList) -> list[Block]:
    """Blocks of one body; links are numbered in `links`, which may be shared between bodies."""
    if not markup or not markup.strip():
        return []
    if looks_like_html(markup):
        return _HtmlReader(base_url, links).read(markup)
    if _ENTITY.search(markup):
        # Tagless bodies that still escape "&" are HTML without tags; decode them.
        markup = html.unescape(markup)
    return plain_blocks(markup)


def looks_like_html(markup: str) -> bool:
    return _TAG.search(markup) is not None


# --- plain text -----------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_HARD_WRAP_WIDTHS = (40, 100)  # hard-wrapped text is wrapped at a width in this range


def plain_blocks(text: str) -> list[Block]:
    """Paragraphs of plain text: split on blank lines, and inside each chunk on single line
    breaks unless the chunk looks hard-wrapped (then its lines are joined back up)."""
    text = clean(text).replace(_SOFT_HYPHEN, "")
    blocks = []
    for chunk in _BLANK_LINE.split(text):
        lines = [line.strip() for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if is_hard_wrapped(lines):
            blocks.append(Block("paragraph", " ".join(lines)))
        else:
            blocks.extend(Block("paragraph", line) for line in lines)
    return blocks


def is_hard_wrapped(lines: list[str]) -> bool:
    """True when `lines` read like one paragraph broken by a greedy wrapper at a fixed width.

    A wrapper breaks a line only when the next word would not fit, so for each line but the
    last, its length plus a space plus the next line's first word exceeds the width. The
    width is at least the longest line and is usually 60-80 characters. Lines that are each
    a paragraph (or a headline) fail this: they are too long, or short ones break early.
    """
    if len(lines) < 2:
        return False
    widest = max(len(line) for line in lines)
    low, high = _HARD_WRAP_WIDTHS
    if not low <= widest <= high:
        return False
    early = 0
    for line, following in zip(lines, lines[1:]):
        next_word = following.split(None, 1)[0]
        if len(line) + 1 + len(next_word) <= widest:
            early += 1
    # One early break in five is allowed: hand-edited text is not always re-wrapped.
    return early * 5 <= len(lines) - 1


# --- links ------------------------------------------------------------------------------

class LinkList:
    """Numbers links in order of first appearance; the same URL keeps its number."""

    def __init__(self) -> None:
        self.links: list[Link] = []
        self._numbers: dict[str, int] = {}

    def add(self, url: str, label: str) -> int:
        number = self._numbers.get(url)
        if number is None:
            number = len(self.links) + 1
            self._numbers[url] = number
            self.links.append(Link(number, url, label))
        return number


def safe_url(href: str | None, base: str = "") -> str:
    """The absolute http(s)/mailto URL `href` points at, without credentials; "" if none.

    Everything else (javascript:, data:, file:, smb:, unresolvable relative links) is
    dropped. Hosts are shown in ASCII (punycode) and odd characters percent-encoded, so the
    list shows plainly where a link goes.
    """
    if not href:
        return ""
    # Browsers ignore tabs and newlines inside URLs; controls go too.
    href = clean(href).replace("\n", "").replace("\t", "").strip().replace(" ", "%20")
    if not href:
        return ""
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _LINK_SCHEMES:
            return ""
        if scheme == "mailto":
            return "mailto:" + quote(parts.path, safe="%@+!$&'()*,;=:~._-")
        host = parts.hostname or ""
        if not host:
            return ""
        host = host.encode("idna").decode("ascii")
        if ":" in host:
            host = f"[{host}]"
        port = parts.port
    except (ValueError, UnicodeError):
        return ""
    netloc = host if port is None else f"{host}:{port}"
    safe = "%/:=&?~#+!$,;'@()*[]._-"
    return urlunsplit((scheme, netloc, quote(parts.path, safe=safe),
                       quote(parts.query, safe=safe), quote(parts.fragment, safe=safe)))


# --- HTML -------------------------------------------------------------------------------

def _collapse(text: str) -> str:
    """Browser whitespace rules for one run of inline text; <br> becomes a newline."""
    text = _WHITESPACE.sub(" ", text)
    if _BR in text:
        text = _AROUND_BR.sub(_BR, text)
    return text.strip(" " + _BR) if _BR in text else text.strip(" ")


@dataclass
class _Anchor:
    url: str
    start: int          # where the link text starts in the collected pieces
    images: list[int] = field(default_factory=list)  # indexes of image blocks inside it


@dataclass
class _Table:
    rows: list[list[str]] = field(default_factory=list)
    cell: list[str] | None = None    # pieces of the cell being read
    header: bool = False


class _HtmlReader:
    """Walks the parsed tree once, collecting inline text and emitting blocks."""

    def __init__(self, base_url: str, links: LinkList) -> None:
        self.base = base_url
        self.links = links
        self.blocks: list[Block] = []
        self.pieces: list[str] = []     # inline text of the block being collected
        self.containers: list[tuple] = []  # ("li", level, ordered, number) or ("quote",)
        self.lists: list[list] = []     # [ordered, next number] per open list
        self.headings: list[int] = []
        self.anchors: list[_Anchor | None] = []
        self.pre = 0                    # depth of <pre>: text kept verbatim
        self.table: _Table | None = None
        self.table_depth = 0            # nested tables inside a data table are flattened

    def read(self, markup: str) -> list[Block]:
        tree = LexborHTMLParser(markup)
        head = tree.head
        base_tag = head.css_first("base[href]") if head is not None else None
        if base_tag is not None:
            resolved = safe_url(base_tag.attributes.get("href"), self.base)
            if resolved.startswith("http"):
                self.base = resolved
        root = tree.body
        if root is None:
            return []
        self._walk(root)
        self._flush()
        return self.blocks

    def _walk(self, root) -> None:
        # An explicit stack, not recursion: hostile markup can nest thousands deep.
        stack = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._leave(node)
                continue
            tag = node.tag
            if tag == "-text":
                self._text(node.text_content or "")
                continue
            if tag in _DROPPED or tag.startswith("-"):   # comments, doctype
                continue
            attrs = node.attributes
            if "hidden" in attrs:
                continue
            if not self._enter(node, tag, attrs):
                continue
            stack.append((node, True))
            children = list(node.iter(include_text=True))
            stack.extend((child, False) for child in reversed(children))

    # Text and inline markers

    def _text(self, raw: str) -> None:
        text = clean(raw)
        if _SOFT_HYPHEN in text:
            text = text.replace(_SOFT_HYPHEN, "")
        if self.table is not None:
            if self.table.cell is not None:
                self.table.cell.append(text)
        else:
            self.pieces.append(text)

    def _inline(self) -> list[str] | None:
        if self.table is not None:
            return self.table.cell
        return self.pieces

    # Entering and leaving elements; _enter returns False to skip the children

    def _enter(self, node, tag: str, attrs: dict) -> bool:
        if self.pre:
            return self._enter_pre(tag)
        if self.table is not None:
            return self._enter_table(node, tag, attrs)
        if tag in _BREAKING:
            self._flush()
        if tag in _HEADINGS:
            self.headings.append(_HEADINGS[tag])
        elif tag in ("ul", "ol", "menu"):
            ordered = tag == "ol"
            start = _int(attrs.get("start"), 1) if ordered else 1
            self.lists.append([ordered, start])
        elif tag == "li":
            if self.lists:
                ordered, number = self.lists[-1]
                self.lists[-1][1] += 1
            else:
                ordered, number = False, 1
            level = max(len(self.lists) - 1, 0)
            self.containers.append(("li", level, ordered, number if ordered else 0))
        elif tag == "blockquote":
            self.containers.append(("quote",))
        elif tag == "pre":
            self.pre += 1
        elif tag == "table":
            if not _is_layout_table(node):
                self.table = _Table()
                self.table_depth = 1
        elif tag == "hr":
            self.blocks.append(Block("rule", RULE_TEXT))
        elif tag == "br":
            self.pieces.append(_BR)
        elif tag == "img":
            self._image(attrs)
        elif tag == "a":
            self._open_anchor(attrs)
        elif tag == "q":
            self.pieces.append("\u201c")
        return True

    def _leave(self, node) -> None:
        tag = node.tag
        if self.pre:
            if tag == "pre":
                self.pre -= 1
                if not self.pre:
                    self._flush_code()
            return
        if self.table is not None:
            self._leave_table(tag)
            return
        if tag in _BREAKING:
            self._flush()
        if tag in _HEADINGS:
            if self.headings:
                self.headings.pop()
        elif tag in ("ul", "ol", "menu"):
            if self.lists:
                self.lists.pop()
        elif tag in ("li", "blockquote"):
            if self.containers:
                self.containers.pop()
        elif tag == "a":
            self._close_anchor()
        elif tag == "q":
            self.pieces.append("\u201d")

    # Links and images

    def _open_anchor(self, attrs: dict) -> None:
        url = safe_url(attrs.get("href"), self.base)
        self.anchors.append(_Anchor(url, len(self.pieces)) if url else None)

    def _close_anchor(self) -> None:
        if not self.anchors:
            return
        anchor = self.anchors.pop()
        if anchor is None:
            return
        label = _collapse("".join(self.pieces[anchor.start:])).replace(_BR, " ")
        if label:
            number = self.links.add(anchor.url, label)
            self.pieces.append(f" [{number}]")
        elif anchor.images:
            # A linked image: the image block carries the link's number as well.
            number = self.links.add(anchor.url, self.blocks[anchor.images[0]].text)
            for index in anchor.images:
                image = self.blocks[index]
                self.blocks[index] = replace(image, refs=image.refs + (number,))

    def _image_text(self, attrs: dict) -> tuple[str, str]:
        alt = clean_line(attrs.get("alt") or attrs.get("title") or "")
        src = safe_url(attrs.get("src"), self.base)
        return (f"[image: {alt}]" if alt else "[image]"), src

    def _image(self, attrs: dict) -> None:
        if _is_tracking_pixel(attrs):
            return
        text, src = self._image_text(attrs)
        if not src and text == "[image]":
            return
        self._flush()
        refs = (self.links.add(src, text),) if src else ()
        self.blocks.append(Block("image", text, refs=refs))
        for anchor in self.anchors:
            if anchor is not None:
                anchor.images.append(len(self.blocks) - 1)

    # Preformatted text

    def _enter_pre(self, tag: str) -> bool:
        if tag == "br":
            self.pieces.append("\n")
        elif tag == "pre":
            self.pre += 1
        return True

    def _flush_code(self) -> None:
        code = "".join(self.pieces).replace(_BR, "\n")
        self.pieces = []
        # As in a browser, one newline right after <pre> is not part of the content.
        if code.startswith("\n"):
            code = code[1:]
        code = code.rstrip("\n ").replace(_SOFT_HYPHEN, "")
        if code.strip():
            self.blocks.append(Block("code", code))

    # Tables

    def _enter_table(self, node, tag: str, attrs: dict) -> bool:
        table = self.table
        if tag == "table":
            self.table_depth += 1
        if self.table_depth > 1:
            if table.cell is not None and tag in _BREAKING:
                table.cell.append(" ")
            return True
        if tag == "tr":
            table.rows.append([])
        elif tag in ("td", "th"):
            if not table.rows:
                table.rows.append([])
            if tag == "th" and len(table.rows) == 1:
                table.header = True
            table.cell = []
        elif table.cell is not None:
            if tag == "br" or tag in _BREAKING:
                table.cell.append(" ")
            elif tag == "img":
                text, _src = self._image_text(attrs)
                if not _is_tracking_pixel(attrs):
                    table.cell.append(f" {text} ")
            elif tag == "a":
                self.anchors.append(_Anchor(safe_url(attrs.get("href"), self.base),
                                            len(table.cell)))
            elif tag == "q":
                table.cell.append("\u201c")
        return True

    def _leave_table(self, tag: str) -> None:
        table = self.table
        if tag == "table":
            self.table_depth -= 1
            if self.table_depth == 0:
                self._flush_table()
            return
        if self.table_depth > 1 or table.cell is None:
            return
        if tag in ("td", "th"):
            text = _collapse("".join(table.cell)).replace(_BR, " ")
            table.rows[-1].append(text)
            table.cell = None
        elif tag == "a" and self.anchors:
            anchor = self.anchors.pop()
            label = _collapse("".join(table.cell[anchor.start:]))
            if anchor.url and label:
                table.cell.append(f" [{self.links.add(anchor.url, label)}]")
        elif tag == "q":
            table.cell.append("\u201d")

    def _flush_table(self) -> None:
        table, self.table = self.table, None
        rows = [row for row in table.rows if any(row)]
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [tuple(row) + ("",) * (width - len(row)) for row in rows]
        header = table.header and bool(table.rows) and table.rows[0] == list(rows[0])
        text = "\n".join(" | ".join(row) for row in rows)
        self.blocks.append(Block("table", text, rows=tuple(rows), header=header))

    # Ending a block

    def _flush(self) -> None:
        if not self.pieces:
            return
        text = _collapse("".join(self.pieces))
        self.pieces = []
        for anchor in self.anchors:
            if anchor is not None:
                anchor.start = 0   # a link spanning blocks numbers the part in the last one
        if not text:
            return
        # Two <br> in a row separate paragraphs; one is a line break inside a paragraph.
        for part in text.split(_BR + _BR):
            part = part.strip(_BR + " ").replace(_BR, "\n")
            part = re.sub("\n+", "\n", part)
            if part:
                self.blocks.append(self._block(part))

    def _block(self, text: str) -> Block:
        container = self.containers[-1] if self.containers else None
        if self.headings and (container is None or container[0] != "quote"):
            return Block("heading", text, level=self.headings[-1])
        if container is None:
            return Block("paragraph", text)
        if container[0] == "li":
            _li, level, ordered, number = container
            return Block("item", text, level=level, ordered=ordered, number=number)
        depth = sum(1 for c in self.containers if c[0] == "quote")
        return Block("quote", text, level=depth)


def _int(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _is_tracking_pixel(attrs: dict) -> bool:
    return str(attrs.get("width", "")).strip() in ("0", "1") and \
        str(attrs.get("height", "")).strip() in ("0", "1")


def _is_layout_table(node) -> bool:
    """Tables of one column, or holding other tables, lay out a page rather than data."""
    if len(node.css("table")) > 1:   # the node itself matches too
        return True
    widest = 0
    for row in node.css("tr"):
        cells = sum(1 for child in row.iter() if child.tag in ("td", "th"))
        widest = max(widest, cells)
        if widest > 1:
            return False
    return True
