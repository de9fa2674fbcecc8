"""An article body as Rich renderables (or plain text), with spans of its text styled.

Feed text is only ever put into `Text` objects and styled by character offsets: it is never
read as markup, so brackets in an article are just brackets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.cells import cell_len, chop_cells
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from reader.text.blocks import Block, Link
from reader.text.body import ArticleBody


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of `ArticleBody.text` to show as `kind` (e.g. "person")."""

    start: int
    end: int
    kind: str


# Bold and underlined in two mid-bright colours that read on dark and light backgrounds;
# places are italic too, so the two differ even without colour.
DEFAULT_STYLES: dict[str, Style] = {
    "person": Style(color="#d75f00", bold=True, underline=True),
    "place": Style(color="#0087af", bold=True, italic=True, underline=True),
}
REMOVED_STYLE = Style(dim=True)
_BULLETS = ("\u2022", "\u25e6", "\u25aa")   # by nesting level
_QUOTE_BAR = "\u2502 "
_CODE_INDENT = "    "

LocalSpans = list[tuple[int, int, Style]]


def render_body(body: ArticleBody, spans: Sequence[Span] = (),
                styles: Mapping[str, Style | str] | None = None,
                show_removed: bool = False) -> Group:
    """The body as one renderable that wraps to the width it is printed at, links last.

    With `show_removed`, every original block is shown and removed ones are dimmed and
    labelled with the reason.
    """
    styles = _resolve_styles(styles)
    by_block = spans_by_block(body.blocks, spans, styles)
    parts: list = []
    previous: Block | None = None
    kept = 0
    reasons = {removal.index: removal.reason for removal in body.removed}
    for index, block in _shown_blocks(body, show_removed):
        removed_reason = reasons.get(index)
        if previous is not None and not (block.kind == previous.kind == "item"):
            parts.append(Text())
        if removed_reason is not None:
            parts.append(Text(f"removed: {removed_reason}", style="dim italic"))
            parts.append(block_renderable(block, [], REMOVED_STYLE))
        else:
            parts.append(block_renderable(block, by_block.get(kept, [])))
            kept += 1
        previous = block
    if body.links:
        if parts:
            parts.append(Text())
        parts.append(render_links(body.links))
    return Group(*parts)


def _shown_blocks(body: ArticleBody, show_removed: bool):
    """(original index or None, block) in reading order."""
    if not show_removed:
        return ((None, block) for block in body.blocks)
    return enumerate(body.original)


def render_links(links: Sequence[Link]) -> Text:
    """The numbered list of links, one per line: "[1] https://host/path"."""
    text = Text()
    for n, link in enumerate(links):
        if n:
            text.append("\n")
        text.append(f"[{link.number}] ", style="dim")
        text.append(link.url)
    return text


def _resolve_styles(styles: Mapping[str, Style | str] | None) -> dict[str, Style]:
    resolved = dict(DEFAULT_STYLES)
    for kind, style in (styles or {}).items():
        resolved[kind] = style if isinstance(style, Style) else Style.parse(style)
    return resolved


def spans_by_block(blocks: Sequence[Block], spans: Iterable[Span],
                   styles: Mapping[str, Style]) -> dict[int, LocalSpans]:
    """Spans over the joined text, cut to the blocks they fall in, as block-local offsets.

    Spans out of range are clipped, spans over the blank lines between blocks are cut at
    the block edges, and malformed ones are skipped: a bad span never stops an article.
    """
    starts: list[int] = []
    position = 0
    for block in blocks:
        starts.append(position)
        position += len(block.text) + 2
    total = position - 2 if blocks else 0
    result: dict[int, LocalSpans] = {}
    for span in spans:
        try:
            start, end = max(int(span.start), 0), min(int(span.end), total)
            style = styles.get(span.kind)
        except (TypeError, ValueError, AttributeError):
            continue
        if style is None or start >= end:
            continue
        i = bisect_right(starts, start) - 1
        while 0 <= i < len(blocks) and starts[i] < end:
            block_start = starts[i]
            local_start = max(start, block_start) - block_start
            local_end = min(end, block_start + len(blocks[i].text)) - block_start
            if local_start < local_end:
                result.setdefault(i, []).append((local_start, local_end, style))
            i += 1
    return result


def _styled(text: str, spans: LocalSpans, offset: int = 0, style: Style | str = "",
            **options) -> Text:
    """`text` (which starts at `offset` of its block) with the spans that touch it styled."""
    result = Text(text, style=style, **options)
    for start, end, span_style in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if start < end:
            result.stylize(span_style, start, end)
    return result


def block_renderable(block: Block, spans: LocalSpans, base: Style | str = ""):
    """One block as a renderable."""
    kind = block.kind
    if kind == "heading":
        style = Style(bold=True, underline=block.level == 1) + _as_style(base)
        return Wrapped(block.text, spans, style)
    if kind == "item":
        marker = f"{block.number}. " if block.ordered else _BULLETS[block.level % 3] + " "
        indent = "  " * block.level
        return Indented(Wrapped(block.text, spans, base),
                        indent + marker, indent + " " * len(marker), base)
    if kind == "quote":
        bar = _QUOTE_BAR * max(block.level, 1)
        return Indented(Wrapped(block.text, spans, base), bar, bar,
                        _as_style(base) + Style(dim=True))
    if kind == "code":
        code = _styled(block.text, spans, style=base, no_wrap=True, overflow="ellipsis")
        return Indented(code, _CODE_INDENT, _CODE_INDENT, base)
    if kind == "table":
        return FittingTable(block, spans, base)
    if kind == "image":
        text = _styled(block.text, spans, style=_as_style(base) + Style(italic=True))
        for number in block.refs:
            text.append(f" [{number}]", style=_as_style(base) + Style(dim=True))
        return text
    if kind == "rule":
        return Text(block.text, style=_as_style(base) + Style(dim=True), justify="center")
    return Wrapped(block.text, spans, base)


def _as_style(style: Style | str) -> Style:
    return style if isinstance(style, Style) else Style.parse(style) if style else Style()


_WORD = re.compile(r"[^ ]+")


@lru_cache(maxsize=64)
def _fitting(width: int) -> re.Pattern:
    """A run of at most `width` characters that starts a word and ends at a word's end."""
    return re.compile(rf"[^ ](?:[^\n]{{0,{width - 1}}}(?= |$))?")


class Wrapped:
    """Text with styled spans, word-wrapped (left-aligned) to the width it is printed at.

    The same result as a rich `Text` for prose, several times faster: Rich measures every
    word through general machinery, and a long article is thousands of words.
    """

    def __init__(self, text: str, spans: LocalSpans, style: Style | str = "") -> None:
        self.text = text.replace("\t", " ")     # one cell, so offsets stay put
        self.spans = spans
        self.style = _as_style(style)

    def line_offsets(self, width: int) -> list[tuple[int, int]]:
        """(start, end) of each wrapped line in the text, without the spaces at the break."""
        width = max(width, 1)
        lines: list[tuple[int, int]] = []
        base = 0
        for line in self.text.split("\n"):
            if len(line) <= width and cell_len(line) == len(line):
                stripped = line.strip(" ")
                start = line.find(stripped) if stripped else 0
                lines.append((base + start, base + start + len(stripped)))
            elif cell_len(line) == len(line) and max(map(len, line.split(" "))) <= width:
                # One cell per character and no word wider than the line: the regex engine
                # takes the longest run that fits and ends before a space.
                for match in _fitting(width).finditer(line):
                    start, end = match.span()
                    while end > start and line[end - 1] == " ":
                        end -= 1
                    lines.append((base + start, base + end))
                if not line.strip(" "):
                    lines.append((base, base))
            else:
                lines.extend((base + a, base + b) for a, b in self._wrap_words(line, width))
            base += len(line) + 1
        return lines

    @staticmethod
    def _wrap_words(line: str, width: int) -> list[tuple[int, int]]:
        """Greedy wrapping word by word, measuring cells and folding over-long words."""
        lines: list[tuple[int, int]] = []
        start = end = -1
        used = 0
        for match in _WORD.finditer(line):
            word_start, word_end = match.span()
            word = match.group()
            size = len(word) if word.isascii() else cell_len(word)
            if start >= 0 and used + (word_start - end) + size <= width:
                used += (word_start - end) + size
                end = word_end
                continue
            if start >= 0:
                lines.append((start, end))
            if size > width:      # a word longer than the line is folded
                pieces = [piece for piece in chop_cells(word, width) if piece]
                for piece in pieces[:-1]:
                    lines.append((word_start, word_start + len(piece)))
                    word_start += len(piece)
                size = cell_len(pieces[-1]) if pieces else 0
            start, end, used = word_start, word_end, size
        lines.append((start, end) if start >= 0 else (0, 0))
        return lines

    def _segments(self, start: int, end: int):
        cuts = {start, end}
        active = []
        for span_start, span_end, style in self.spans:
            if span_start < end and span_end > start:
                active.append((span_start, span_end, style))
                cuts.add(max(span_start, start))
                cuts.add(min(span_end, end))
        points = sorted(cuts)
        for a, b in zip(points, points[1:]):
            style = self.style
            for span_start, span_end, span_style in active:
                if span_start <= a and span_end >= b:
                    style = style + span_style
            yield Segment(self.text[a:b], style or None)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for start, end in self.line_offsets(options.max_width):
            if start < end:
                yield from self._segments(start, end)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        words = [cell_len(w) for w in _WORD.findall(self.text.replace("\n", " "))]
        longest = max((cell_len(line) for line in self.text.split("\n")), default=0)
        return Measurement(min(max(words, default=0), options.max_width),
                           min(longest, options.max_width))


class Indented:
    """A renderable with a prefix on its first line and another on the lines after it
    (bullets with a hanging indent, quote bars, code indentation)."""

    def __init__(self, renderable, first: str, rest: str, style: Style | str = "") -> None:
        self.renderable = renderable
        self.first = first
        self.rest = rest
        self.style = _as_style(style)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        pad = max(len(self.first), len(self.rest))
        width = max(options.max_width - pad, 1)
        lines = console.render_lines(self.renderable, options.update_width(width), pad=False)
        for n, line in enumerate(lines):
            yield Segment(self.first if n == 0 else self.rest, self.style)
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        pad = max(len(self.first), len(self.rest))
        inner = Measurement.get(console, options, self.renderable)
        return Measurement(inner.minimum + pad, inner.maximum + pad)


class FittingTable:
    """A table block as a Rich table, or as plain "a | b" lines when too wide to fit."""

    def __init__(self, block: Block, spans: LocalSpans, base: Style | str = "") -> None:
        self.block = block
        self.spans = spans
        self.base = base

    def table(self) -> Table:
        rows = self.block.rows
        header = self.block.header and len(rows) > 1
        table = Table(box=box.SIMPLE, show_header=header, style=self.base,
                      header_style=_as_style(self.base) + Style(bold=True), expand=False)
        width = max((len(row) for row in rows), default=0)
        cells = self._cells()
        for column in range(width):
            table.add_column(cells[0][column] if header else None, overflow="fold")
        for row in cells[1:] if header else cells:
            table.add_row(*row)
        return table

    def _cells(self) -> list[list[Text]]:
        """Cell texts with their spans, found at their place in the block's text."""
        offset = 0
        cells = []
        for row in self.block.rows:
            row_cells = []
            for cell in row:
                row_cells.append(_styled(cell, self.spans, offset, style=self.base))
                offset += len(cell) + 3          # " | "
            offset += 1 - 3 if row else 1        # "\n" replaces the last " | "
            cells.append(row_cells)
        return cells

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.block.rows:
            yield _styled(self.block.text, self.spans, style=self.base)
            return
        table = self.table()
        needed = Measurement.get(console, options.update_width(10**6), table)
        if needed.minimum > options.max_width:
            yield _styled(self.block.text, self.spans, style=self.base)
        else:
            yield table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table())


# --- plain text -------------------------------------------------------------------------

def plain_text(body: ArticleBody, show_removed: bool = False) -> str:
    """The body as plain text for `--plain` and pipes: markers instead of styles."""
    lines: list[str] = []
    previous: Block | None = None
    reasons = {removal.index: removal.reason for removal in body.removed}
    for index, block in _shown_blocks(body, show_removed):
        if previous is not None and not (block.kind == previous.kind == "item"):
            lines.append("")
        reason = reasons.get(index)
        if reason is not None:
            lines.append(f"(removed: {reason})")
        lines.append(plain_block(block))
        previous = block
    if body.links:
        if lines:
            lines.append("")
        lines.append(links_text(body.links))
    return "\n".join(lines)


def plain_block(block: Block) -> str:
    kind, text = block.kind, block.text
    if kind == "item":
        marker = f"{block.number}. " if block.ordered else "- "
        indent = "  " * block.level
        rest = indent + " " * len(marker)
        return indent + marker + text.replace("\n", "\n" + rest)
    if kind == "quote":
        bar = "> " * max(block.level, 1)
        return "\n".join(bar + line for line in text.split("\n"))
    if kind == "code":
        return "\n".join(_CODE_INDENT + line for line in text.split("\n"))
    if kind == "image":
        return text + "".join(f" [{n}]" for n in block.refs)
    return text


def links_text(links: Sequence[Link]) -> str:
    """The numbered list of links as plain lines: "[1] https://host/path"."""
    return "\n".join(f"[{link.number}] {link.url}" for link in links)
