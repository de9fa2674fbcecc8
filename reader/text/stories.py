"""What makes two articles the same story: normalised links and titles, word shingles,
MinHash bands for finding near-identical bodies, and the similarities that confirm a match."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

# --- links -----------------------------------------------------------------------------------

# Query parameters that say who sent the reader, not what the page is.
_TRACKING_NAMES = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "ref", "ref_src", "ref_url", "referrer", "source", "src", "cmpid", "campaign", "ocid",
    "_ga", "_gl", "__twitter_impression", "smid", "smtyp", "rss", "feed", "at_medium",
    "at_campaign", "ito", "s_cid", "spm", "share", "via",
})
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_", "hsa_", "oly_", "vero_", "__s")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING_NAMES or name.startswith(_TRACKING_PREFIXES)


def normal_link(url: str) -> str:
    """The address of a page written one way: http and https alike, host lowercased and
    without `www.`, no default port, fragment, tracking parameters or trailing slash, and
    the remaining query sorted. Not a web address (e.g. a tag: id) -> stripped as given."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(k))
    # One scheme for both: a page served on http and https is the same page.
    return urlunsplit(("https", host, path, urlencode(query), ""))


def is_page_link(link: str) -> bool:
    """Whether a normalised link names one page rather than a site's front page (some
    feeds give every entry the site's address, which must not make them one story)."""
    parts = urlsplit(link)
    return parts.scheme == "https" and bool(parts.path.strip("/") or parts.query)


_HEX_DIGEST = re.compile(r"[0-9a-f]{40}")


def global_entry_id(key: str) -> str | None:
    """An entry id that names the item everywhere (a web address, tag: or urn:), normalised;
    None for ids that only mean something inside one feed ("123", or the reader's own
    SHA-1 of title and date, which two feeds can share for a generic title)."""
    key = key.strip()
    if _HEX_DIGEST.fullmatch(key):
        return None
    lowered = key.lower()
    if lowered.startswith(("http://", "https://")):
        link = normal_link(key)
        return link if is_page_link(link) else None
    if lowered.startswith(("tag:", "urn:")) and len(key) >= 16:
        return key
    return None


# --- titles ----------------------------------------------------------------------------------

# Labels put before a headline that do not change which story it is.
_PREFIX = re.compile(
    r"^\s*(?:[\[(]\s*)?(?:(?:from the )?wire|update[ds]?|exclusive|breaking(?: news)?|just in|live|watch|"
    r"video|photos|corrected|correction|developing|urgent|new)\s*(?:[\])]\s*[:\-–—|]?|[:\-–—|])\s*",
    re.IGNORECASE,
)
# A trailing " - Name" / " | Name" / " — Name": usually the publication.
_SUFFIX = re.compile(r"\s+[-–—|:]\s+([^-–—|:]+)$")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")

# A headline of fewer words than this is too generic to identify a story on its own
# ("Weather", "Letters", "Your morning briefing").
MIN_TITLE_WORDS = 5
MIN_TITLE_CHARS = 24
# Words of recurring features: a headline with one of these names a slot that is filled
# anew every day ("Weather forecast for the weekend ahead"), not one story.
GENERIC_TITLE_WORDS = frozenset(
    "weather forecast forecasts letters letter briefing newsletter podcast episode crossword "
    "puzzle quiz horoscope horoscopes obituaries listings digest roundup sudoku wordle "
    "lottery editorial cartoon".split()
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def strip_title(title: str, feed_name: str = "") -> str:
    """The headline without labels like "WIRE:" and without the publication's name after it."""
    title = " ".join(unicodedata.normalize("NFKC", title).split())
    while True:
        shorter = _PREFIX.sub("", title, count=1)
        if shorter == title:
            break
        title = shorter
    if feed_name:
        name = " ".join(feed_name.split())
        match = _SUFFIX.search(title)
        if match and _fold(match.group(1)).strip() == _fold(name):
            title = title[:match.start()]
    match = _SUFFIX.search(title)
    if match and len(_WORD.findall(match.group(1))) <= 4 and \
            len(_WORD.findall(title[:match.start()])) >= MIN_TITLE_WORDS:
        # Keep numbers out of this: "Storm hits coast - 3 dead" says something.
        if not _NUMBER.search(match.group(1)):
            title = title[:match.start()]
    return title.strip()


def title_words(title: str) -> list[str]:
    return _WORD.findall(_fold(title))


def normal_title(title: str, feed_name: str = "") -> str | None:
    """The headline as words only (case, punctuation and quote styles gone, labels and the
    publication's name stripped); None when it is too short to tell one story from another."""
    words = title_words(strip_title(title, feed_name))
    text = " ".join(words)
    if len(words) < MIN_TITLE_WORDS or len(text) < MIN_TITLE_CHARS:
        return None
    if GENERIC_TITLE_WORDS.intersection(words):
        return None
    return text


def title_numbers(title: str, feed_name: str = "") -> frozenset[str]:
    """The numbers in a headline: a daily report differs from yesterday's mostly here."""
    return frozenset(n.lstrip("0") or "0" for n in _NUMBER.findall(strip_title(title, feed_name)))


# --- bodies ----------------------------------------------------------------------------------

SHINGLE_WORDS = 5
MINHASH_SIZE = 64
BANDS = 16
ROWS = MINHASH_SIZE // BANDS
# Words kept only from the first part of a body, for the `lead` key: a feed that gives only
# the first paragraph of an article shares its opening with the full copy elsewhere.
LEAD_WORDS = 24

_STOP = frozenset(
    "the a an and or but of to in on at for from by with as is are was were be been being "
    "it its this that these those he she they them his her their we our you your i not no "
    "has have had will would can could should may might said says say also after before "
    "about over into than then there here who what when where which while more most".split()
)

# The MinHash functions' constants, derived from their index (not from a random generator,
# whose stream may change between numpy versions): band keys are stored, and must come out
# the same in every later run.
def _constant(name: str, index: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{name}{index}".encode(), digest_size=8).digest(), "little")


_MULTIPLY = np.array([_constant("multiply", i) | 1 for i in range(MINHASH_SIZE)], dtype=np.uint64)
_ADD = np.array([_constant("add", i) for i in range(MINHASH_SIZE)], dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15 * (2 * k + 1) % 2**64 for k in range(SHINGLE_WORDS)],
                dtype=np.uint64)


def body_words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def shingles(words: list[str]) -> np.ndarray:
    """The distinct hashes of every run of SHINGLE_WORDS words, sorted (uint64)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.array(list(map(zlib.crc32, map(str.encode, words))), dtype=np.uint64)
    if len(hashes) < SHINGLE_WORDS:
        # A body shorter than one shingle is one shingle.
        hashes = np.concatenate([hashes, np.zeros(SHINGLE_WORDS - len(hashes), np.uint64)])
    count = len(hashes) - SHINGLE_WORDS + 1
    # A polynomial hash of the run, mod 2**64 (overflow is the modulus).
    mixed = hashes[:count] * _MIX[0]
    for k in range(1, SHINGLE_WORDS):
        mixed += hashes[k:k + count] * _MIX[k]
    return np.unique(mixed)


def minhash(shingle_set: np.ndarray) -> np.ndarray:
    """MINHASH_SIZE minimum hashes of a shingle set (multiply-shift hash functions)."""
    if len(shingle_set) == 0:
        return np.zeros(0, dtype=np.uint64)
    # (a * x + b) mod 2**64: the minimum is decided by the high bits, the well-mixed ones.
    values = np.multiply.outer(_MULTIPLY, shingle_set)
    values += _ADD[:, None]
    return values.min(axis=1)


def band_keys(signature: np.ndarray) -> list[str]:
    """One key per band of the MinHash: two bodies share a band key with probability
    1 - (1 - J**ROWS) ** BANDS for shingle Jaccard J (0.64 at J=0.5, 0.99 at J=0.7)."""
    if len(signature) == 0:
        return []
    return [_key(bytes([band]) + signature[band * ROWS:(band + 1) * ROWS].tobytes())
            for band in range(BANDS)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|A ∩ B| / |A ∪ B| of two sorted shingle sets."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """How much of the smaller shingle set lies in the larger one."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / min(len(a), len(b))


def content_words(words: list[str]) -> frozenset[str]:
    """The words that say what a text is about (no short words, no common ones)."""
    return frozenset(w for w in words if len(w) > 2 and w not in _STOP and not w.isdigit())


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# --- one article -----------------------------------------------------------------------------


def _key(data: bytes) -> str:
    # 64 bits: a collision among millions of keys is unlikely, and a match is confirmed anyway.
    return hashlib.blake2b(data, digest_size=8).hexdigest()


class Fingerprint:
    """Everything the matcher compares about one article. The body's parts are worked out
    only when asked for: most comparisons are settled by the id, link or headline."""

    def __init__(self, key: str, title: str, link: str, text: str, feed_name: str = ""):
        link = normal_link(link) if link else ""
        self.entry_id = global_entry_id(key) if key else None   # a global entry id
        self.link = link if link and is_page_link(link) else None
        self.title = normal_title(title, feed_name)             # None when too generic
        self.numbers = title_numbers(title, feed_name)
        self.headline_words = frozenset(title_words(strip_title(title, feed_name)))
        self.text = text

    @cached_property
    def _words(self) -> list[str]:
        return body_words(self.text)

    @cached_property
    def shingles(self) -> np.ndarray:
        return shingles(self._words)

    @cached_property
    def words(self) -> frozenset[str]:
        return content_words(self._words)

    @cached_property
    def body_numbers(self) -> frozenset[str]:
        return frozenset(w for w in self._words if w.isdigit())

    @property
    def lead(self) -> str | None:
        words = self._words
        return " ".join(words[:LEAD_WORDS]) if len(words) >= LEAD_WORDS else None

    def keys(self) -> list[tuple[str, str]]:
        """The (kind, key) pairs this article is filed under in the store."""
        keys = []
        if self.entry_id:
            keys.append(("id", _key(self.entry_id.encode())))
        if self.link:
            keys.append(("link", _key(self.link.encode())))
        if self.title:
            keys.append(("title", _key(self.title.encode())))
        if self.lead:
            keys.append(("lead", _key(self.lead.encode())))
        keys.extend(("band", k) for k in band_keys(minhash(self.shingles)))
        return keys


def fingerprint(key: str, title: str, link: str, text: str, feed_name: str = "") -> Fingerprint:
    """The fingerprint of an article from its entry id, headline, link and body text."""
    return Fingerprint(key, title, link, text, feed_name)


# --- the decision ----------------------------------------------------------------------------

# Thresholds, chosen on tests/data/story_pairs.jsonl (figures from bench/stories_eval.py):
# - a copy of a body lies almost whole in the other copy: 1.00 of the shorter one's shingles
#   for copies with an agency footer or cut to their first half. Reports filled into one
#   template (weather, markets, lottery draws) share up to 0.58 of their shingles by Jaccard
#   but at most 0.74 by containment, because their differences are spread all through the text
#   rather than at its end; so containment decides, at 0.85, and Jaccard is not used alone.
#   A template differing only in its date can still reach 0.91, so the numbers must agree too.
TEXT_CONTAINMENT = 0.85
# - the shorter body needs enough shingles that one shared stock sentence cannot do it;
MIN_SHINGLES = 20
# - one feed never has two versions of a story except a repost or correction, which differs
#   in a word or two (0.92 and up on the labelled reposts; one changed word in a 100-word body
#   still gives 0.89) and keeps its headline; its templated reports reach 0.58;
SAME_FEED_JACCARD = 0.8
SAME_FEED_WINDOW = 2 * 86400
SAME_FEED_TITLE_OVERLAP = 0.5
# - one headline in two feeds names one story if it is specific (MIN_TITLE_WORDS, no
#   GENERIC_TITLE_WORDS) and the two bodies talk about the same things: reworded reports of
#   one event share 0.12-0.23 of their content words, unrelated bodies under one headline
#   (two feeds' "morning briefing") 0.00-0.02;
TITLE_WINDOW = 3 * 86400
TITLE_BODY_OVERLAP = 0.06
MIN_BODY_WORDS = 30
# - copies of a body can be days apart (a feed republishing wire copy late), not months.
TEXT_WINDOW = 30 * 86400


def _near_identical(a: Fingerprint, b: Fingerprint) -> bool:
    # The headlines must agree too: a feed's podcast or video entries often share one
    # stock blurb as their whole body, under headlines that differ.
    return (a.numbers == b.numbers
            and overlap(a.headline_words, b.headline_words) >= SAME_FEED_TITLE_OVERLAP
            and min(len(a.shingles), len(b.shingles)) >= MIN_SHINGLES
            and jaccard(a.shingles, b.shingles) >= SAME_FEED_JACCARD)


def _same_text(a: Fingerprint, b: Fingerprint) -> bool:
    if min(len(a.shingles), len(b.shingles)) < MIN_SHINGLES:
        return False
    if containment(a.shingles, b.shingles) < TEXT_CONTAINMENT:
        return False
    # Every number of the shorter body is in the longer one: a copy keeps them all, while a
    # template filled in for another day (or city, or draw) changes some.
    short, long = sorted((a, b), key=lambda f: len(f.shingles))
    return short.body_numbers <= long.body_numbers


def _same_title(a: Fingerprint, b: Fingerprint) -> bool:
    if a.title is None or a.title != b.title or a.numbers != b.numbers:
        return False
    if min(len(a.words), len(b.words)) < MIN_BODY_WORDS:
        return True         # a summary-only feed: the headline is all there is to compare
    return overlap(a.words, b.words) >= TITLE_BODY_OVERLAP


def same_story(a: Fingerprint, b: Fingerprint, *, same_feed: bool, seconds_apart: float) -> str | None:
    """Which layer shows that two articles are one story ("id", "link", "title", "text"),
    or None. Articles of one feed are one story only when one is a repost of the other."""
    apart = abs(seconds_apart)
    if same_feed:
        if apart > SAME_FEED_WINDOW or not _near_identical(a, b):
            return None
        if a.link is not None and a.link == b.link:
            return "link"
        return "text"
    if a.entry_id is not None and a.entry_id == b.entry_id:
        return "id"
    if a.link is not None and a.link == b.link:
        return "link"
    if apart <= TITLE_WINDOW and _same_title(a, b):
        return "title"
    if apart <= TEXT_WINDOW and _same_text(a, b):
        return "text"
    return None
