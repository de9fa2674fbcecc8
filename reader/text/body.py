"""An entry's body as a reader gets it: summary or content or both, parsed and de-duplicated.

The whole text pipeline short of entities; pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.core.clean import clean_line
from reader.text.blocks import Block, Link, LinkList, body_text, parse_blocks
from reader.text.dedup import PROSE, Removal, find_removals, normal_words

# A summary whose word pairs are at least this much found in the content is the content's
# opening (or all of it) cut short: feeds send "first 50 words..." as the summary. Nearly all,
# so that a summary adding a line of its own (a standfirst) is kept.
SUMMARY_CONTAINED = 0.9
_TRUNCATION_MARKS = ("[...]", "[\u2026]", "...", "\u2026")


@dataclass
class ArticleBody:
    """The kept blocks of a body, and everything needed to show what was removed."""

    title: str
    blocks: list[Block]                  # kept, in order
    removed: list[Removal]               # in original order
    links: list[Link]
    original: list[Block]                # every block before de-duplication
    removed_indexes: set[int] = field(default_factory=set)

    @property
    def text(self) -> str:
        """The kept body as plain text; entity offsets index into this."""
        return body_text(self.blocks)

    def reason(self, index: int) -> str | None:
        """Why original block `index` was removed, or None when it is kept."""
        for removal in self.removed:
            if removal.index == index:
                return removal.reason
        return None


def read_body(title: str = "", summary: str = "", content: str = "",
              base_url: str = "") -> ArticleBody:
    """Parse an entry's summary and content (HTML or text) and drop repeated text.

    When the summary is (nearly) contained in the content, the content alone is read and the
    summary is recorded as removed ("summary"); when they differ both are kept, summary first.
    """
    title = clean_line(title)
    links = LinkList()
    # Summary first, so link numbers rise in reading order; a summary cut from the content
    # links the same URLs as the content's opening, which keep their numbers.
    summary_blocks = parse_blocks(summary, base_url, links)
    content_blocks = parse_blocks(content, base_url, links)
    summary_contained = bool(summary_blocks and content_blocks) and \
        is_summary_contained(summary_blocks, content_blocks)

    original = summary_blocks + content_blocks
    reasons: dict[int, str] = {}
    if summary_contained:
        reasons.update((i, "summary") for i in range(len(summary_blocks)))
        offset = len(summary_blocks)
        found = find_removals(content_blocks, title)
        reasons.update((i + offset, reason) for i, reason in found.items())
    else:
        reasons = find_removals(original, title)
    kept = [block for i, block in enumerate(original) if i not in reasons]
    removed = [Removal(reasons[i], original[i].text, i) for i in sorted(reasons)]
    return ArticleBody(title, kept, removed, links.links, original, set(reasons))


def is_summary_contained(summary: list[Block], content: list[Block]) -> bool:
    """True when the summary's text is (nearly) all found in the content's, in word pairs."""
    summary_words = _words_without_truncation(summary)
    if not summary_words:
        return True
    content_words = tuple(w for b in content if b.kind in PROSE for w in normal_words(b.text))
    if len(summary_words) < 2:
        return summary_words[0] in content_words
    wanted = set(zip(summary_words, summary_words[1:]))
    have = set(zip(content_words, content_words[1:]))
    return len(wanted & have) >= SUMMARY_CONTAINED * len(wanted)


def _words_without_truncation(blocks: list[Block]) -> tuple[str, ...]:
    words: list[str] = []
    for block in blocks:
        if block.kind not in PROSE:
            continue
        text = block.text.rstrip()
        for mark in _TRUNCATION_MARKS:
            if text.endswith(mark):
                text = text[: -len(mark)]
                break
        block_words = normal_words(text)
        # The word cut in half by the truncation is not in the content.
        if block.text.rstrip() != text and block_words:
            block_words = block_words[:-1]
        words.extend(block_words)
    return tuple(words)
