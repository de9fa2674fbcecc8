"""Repeated text in an article body: which blocks to drop, and why, keeping first copies.

Headline copies, repeated paragraphs (alone or as a run), near-repeats with small edits and
whole-block boilerplate are removed; short lines that legitimately repeat, code and tables
never are.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import chain

from reader.text.blocks import Block


@dataclass(frozen=True)
class Removal:
    """A block left out of the body: why, its text, and its index in the original blocks."""

    reason: str   # "repeat" | "near-repeat" | "title" | "boilerplate" | "summary"
    text: str
    index: int


# Only prose can repeat by accident; code, tables, images and rules are kept as they are.
PROSE = frozenset({"heading", "paragraph", "item", "quote"})

# A block this long repeated is a copy, not a refrain or an interview's "Yes.": song lines,
# answers and slogans are shorter. Headlines (8-12 words) are shorter too, so their copies
# are only removed near the top (see _headline_copies) or as part of a repeated run.
SUBSTANTIAL_WORDS = 14

# Near-repeats: two paragraphs of comparable length whose sets of word pairs (2-word
# shingles) have a Jaccard similarity of at least NEAR_REPEAT are one paragraph with small
# edits. On the labelled set (tests/data/dedup; bench/dedup_eval.py prints these) the true
# near-repeats score 0.51-0.89 (0.51: four edited words in 33), while distinct paragraphs of
# comparable length score at most 0.37 (two incidents told with the same words). 0.45 sits
# in that gap. Updates whose figures changed (0.72) are kept by _figures_differ, and pull
# quotes or quoted sentences (0.44-0.52) by the length ratio.
NEAR_REPEAT = 0.45
NEAR_MIN_WORDS = 12        # shorter paragraphs change too much with one edited word
NEAR_LENGTH_RATIO = 0.75   # small edits keep the length; a pull quote is a fraction of it
COMMON_SHINGLE = 16        # shingles in more paragraphs than this ("of the") find no candidates

TOP_BLOCKS = 8             # "the top of the body", where headline copies are printed
TOP_HEADLINE = 4           # without a title, only the first few lines can be its copies:
                           # a refrain of a song quoted further down must stay
HEADLINE_MIN_WORDS = 3
SITE_NAME_WORDS = 5        # "Headline | The Riverside Gazette": words a site adds
TITLE_SIMILAR = 0.8        # word-sequence ratio for a headline printed slightly differently

_REFERENCE = re.compile(r"\s*\[\d+\]")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc`\u00b4")
_WORD = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u00ab": '"', "\u00bb": '"', "\u2026": "..."})
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.?!\u2026:;]['\"\u2019\u201d)]*$")

_SITES = r"(?:facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|instagram|tiktok|" \
         r"youtube|threads|bluesky|mastodon|pinterest|telegram|flipboard)"
# Whole-block boilerplate, matched against the block's loose form (lower case, quotes made
# plain, links' [n] and the ends' punctuation removed). Anchored at both ends: a paragraph
# that merely starts with "Read more" is kept.
_BOILERPLATE = re.compile(r"(?:" + r"|".join([
    r"advertisements?|ads?|sponsored(?: content)?|paid content|promoted",
    r"(?:skip|close|hide) (?:advertisement|ad)",
    r"(?:the )?(?:story|article|content) continues (?:below|after (?:this|the) advertisement)",
    r"continue reading(?: (?:the|this) (?:main )?(?:story|article|post))?(?: (?:on|at) .{1,60})?"
    r"(?:\s*(?:\.\.\.|[:>\u00bb\u203a\u2192-]).{0,120})?",
    r"read (?:more|the full (?:story|article)|on)(?: (?:here|below))?(?: (?:on|at) .{1,60})?"
    r"(?:\s*(?:\.\.\.|[:>\u00bb\u203a\u2192|-]).{0,160})?",
    r"(?:share|tweet|e-?mail|print|save) this (?:article|story|post|page|link)"
    r"(?: (?:on|via|with) .{1,40})?",
    r"share(?: (?:on|via))? " + _SITES + r"(?:(?:[ ,/|]+|,? and |, )(?:share )?(?:on )?" + _SITES + r")*",
    r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|my) (?:[\w-]+ ){0,3}newsletters?"
    r"(?:[ ,.:-]+.{0,100})?",
    r"click here to (?:subscribe|sign up|read more|continue|register|join)(?: .{0,60})?",
    r"(?:follow|find|like) us on .{1,80}",
    r"(?:image|photo|picture|video|media) (?:copyright|credit|source|caption)s?(?:\s*:?\s*.{0,80})?",
    r"(?:related|recommended|more on this(?: story)?|you (?:may|might) also like|most (?:read|popular)"
    r"|trending|read next|see also|more from .{1,40})(?: (?:articles?|stories|content|reading|posts?))?",
    r"the post .{1,200} appeared first on .{1,100}",
    r"(?:\u00a9|\(c\)|copyright)(?: \u00a9)? ?\d{0,4}[ ,.\w&'-]{0,80}(?:all rights reserved)?",
    r"all rights reserved",
    r"(?:leave a|post a|view|\d+) comments?|comments?",
    r"listen to (?:this|the) (?:article|story)(?: .{0,30})?",
    r"download (?:our|the) (?:free )?app(?: .{0,60})?",
]) + r")")
_BOILERPLATE_MAX_CHARS = 300


def dedup(blocks: list[Block], title: str = "") -> tuple[list[Block], list[Removal]]:
    """The blocks to show (first copies, in order) and the removals, in block order."""
    reasons = find_removals(blocks, title)
    kept = [block for i, block in enumerate(blocks) if i not in reasons]
    removed = [Removal(reasons[i], blocks[i].text, i) for i in sorted(reasons)]
    return kept, removed


def find_removals(blocks: list[Block], title: str = "") -> dict[int, str]:
    """Index of each block to remove -> the reason."""
    words = [normal_words(b.text) if b.kind in PROSE else None for b in blocks]
    reasons: dict[int, str] = {}
    for i, block in enumerate(blocks):
        if block.kind in PROSE and is_boilerplate(block.text):
            reasons[i] = "boilerplate"
    _title_copies(words, blocks, title, reasons)
    _headline_copies(words, blocks, reasons)
    _exact_repeats(words, reasons)
    _near_repeats(words, reasons)
    return reasons


def normal_words(text: str) -> tuple[str, ...]:
    """Words of `text` ignoring case, punctuation, quote styles and link numbers."""
    if "[" in text:
        text = _REFERENCE.sub("", text)
    return tuple(_WORD.findall(text.casefold().translate(_APOSTROPHES)))


def loose(text: str) -> str:
    """`text` in lower case with plain quotes, single spaces, no link numbers, no end marks."""
    text = _REFERENCE.sub("", text).casefold().translate(_QUOTES)
    return _SPACES.sub(" ", text).strip(" .!?:;,-\u2013\u2014|*>\u00bb\u203a\u2192\"'()[]")


def is_boilerplate(text: str) -> bool:
    if len(text) > _BOILERPLATE_MAX_CHARS:
        return False
    plain = loose(text)
    return bool(plain) and _BOILERPLATE.fullmatch(plain) is not None


def _title_copies(words, blocks, title: str, reasons: dict[int, str]) -> None:
    """The headline printed again in the body, exactly or nearly, once or more."""
    title_words = normal_words(title) if title else ()
    if not title_words:
        return
    # A headline as short as an ordinary reply ("Yes") only matches headings.
    short = len(title_words) < HEADLINE_MIN_WORDS
    for i, block_words in enumerate(words):
        block = blocks[i]
        if not block_words or i in reasons or block.kind == "quote":
            continue
        if short and block.kind != "heading":
            continue
        if block_words == title_words:
            reasons[i] = "title"      # an exact copy, anywhere
        elif i < TOP_BLOCKS and not short and _similar_headline(block, block_words, title_words):
            reasons[i] = "title"


def _similar_headline(block: Block, words: tuple[str, ...], title: tuple[str, ...]) -> bool:
    """The same headline with a few words changed, a site's name added, or cut off."""
    if len(words) < HEADLINE_MIN_WORDS or len(words) > 2 * len(title) + 2:
        return False
    if SequenceMatcher(None, words, title, autojunk=False).ratio() >= TITLE_SIMILAR:
        return True
    # "Headline | Site" or "Site: Headline": the title whole plus a few words, no sentence.
    extra = len(words) - len(title)
    if 0 < extra <= SITE_NAME_WORDS and _SENTENCE_END.search(block.text) is None:
        return any(words[k:k + len(title)] == title for k in range(extra + 1))
    return False


def _headline_copies(words, blocks, reasons: dict[int, str]) -> None:
    """With no title (or another headline-like line) printed twice at the top: keep the
    first. Short lines are only treated so at the top and when they look like headlines,
    so refrains and one-word answers further down are left alone."""
    first: dict[tuple[str, ...], int] = {}
    for i in range(min(TOP_HEADLINE, len(blocks))):
        block_words = words[i]
        if not block_words or i in reasons or len(block_words) >= SUBSTANTIAL_WORDS:
            continue
        if block_words in first:
            reasons[i] = "repeat"
        elif _headline_like(blocks[i], block_words):
            first[block_words] = i


def _headline_like(block: Block, block_words: tuple[str, ...]) -> bool:
    if block.kind == "heading":
        return True
    if block.kind != "paragraph" or len(block_words) < HEADLINE_MIN_WORDS:
        return False
    return _SENTENCE_END.search(block.text) is None


def _exact_repeats(words, reasons: dict[int, str]) -> None:
    """Long blocks seen before, and short ones repeated inside a repeated run of blocks."""
    first: dict[tuple[str, ...], int] = {}
    copy_of: dict[int, int] = {}
    for i, block_words in enumerate(words):
        if not block_words:
            continue
        seen = first.get(block_words)
        if seen is None:
            first[block_words] = i
        elif i not in reasons:
            copy_of[i] = seen
    for i, original in copy_of.items():
        if len(words[i]) >= SUBSTANTIAL_WORDS:
            reasons[i] = "repeat"
    # Runs: consecutive copies of consecutive blocks. A subheading or a short paragraph
    # copied along with long ones is part of the same accident.
    for i in sorted(copy_of):
        if i in reasons or not _in_long_run(i, copy_of, words):
            continue
        reasons[i] = "repeat"


def _in_long_run(i: int, copy_of: dict[int, int], words) -> bool:
    start = i
    while start - 1 in copy_of and copy_of[start - 1] == copy_of[start] - 1:
        start -= 1
    end = i
    while end + 1 in copy_of and copy_of[end + 1] == copy_of[end] + 1:
        end += 1
    if end == start:
        return False
    return any(len(words[j]) >= SUBSTANTIAL_WORDS for j in range(start, end + 1))


def shingles(block_words: tuple[str, ...]) -> set[int]:
    """The block's word pairs, hashed: ints make the index and set operations cheap."""
    return set(map(hash, zip(block_words, block_words[1:])))


def similarity(a: set, b: set) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _comparable_lengths(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return min(len(a), len(b)) >= NEAR_LENGTH_RATIO * max(len(a), len(b))


def _figures_differ(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Both paragraphs give figures and they are not the same ones: an update ("rose to 12",
    then "rose to 19") is news, not a copy."""
    figures_a = {w for w in a if any(c.isdigit() for c in w)}
    figures_b = {w for w in b if any(c.isdigit() for c in w)}
    return bool(figures_a and figures_b) and figures_a != figures_b


def _near_repeats(words, reasons: dict[int, str]) -> None:
    """Paragraphs that repeat an earlier one with small edits.

    Candidates come from an inverted index of shingles, so a body of thousands of
    paragraphs costs about what its shingles do rather than every pair.
    """
    index: dict[int, list[int]] = {}
    sets: dict[int, set] = {}
    for i, block_words in enumerate(words):
        if not block_words or len(block_words) < NEAR_MIN_WORDS:
            continue
        own = shingles(block_words)
        sets[i] = own
        if i not in reasons:
            holders = [index[s] for s in own if s in index]
            shared = Counter(chain.from_iterable(
                h for h in holders if len(h) <= COMMON_SHINGLE))
            # Jaccard >= t needs at least t * |own| shared shingles; only rarer ones are
            # counted, so ask for half of that and let the exact similarity decide.
            needed = NEAR_REPEAT * len(own) / 2
            for j in [j for j, count in shared.items() if count >= needed]:
                if similarity(own, sets[j]) >= NEAR_REPEAT \
                        and _comparable_lengths(block_words, words[j]) \
                        and not _figures_differ(block_words, words[j]):
                    reasons[i] = "near-repeat"
                    break
        for shingle in own:
            index.setdefault(shingle, []).append(i)
