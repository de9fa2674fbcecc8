"""What makes two articles the same story: normalised links and titles, word shingles,
MinHash bands for finding near-identical bodies, the names (proper-noun-like words) and
headline words that tie independent reports of one event together, and the similarities
that confirm a match."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from functools import cached_property, lru_cache
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


# --- names: the people and places of a report, without the language model -------------------
#
# Grouping runs right after a refresh, before the spaCy model has seen the new articles (and
# it must not load the model), so the people and places are guessed from the text itself:
# capitalised words in the headline and the lead. A capitalised word that starts a sentence
# counts only if the lead also has it capitalised mid-sentence ("Rescuers dug..." is not a
# name, "Bukele wrote..." is, because "Nayib Bukele" occurs too); days, months, titles such as
# "Mayor" and the common words of _STOP never count. Names are compared word by word
# (lowercased, without a possessive 's), so "Marco Rubio" and "Rubio" share "rubio".

# Words of the body read for names, stems and numbers: about the first two paragraphs, where
# a report says who, where and what.
NAME_LEAD_WORDS = 150
# At most this many names of an article are filed as `name` keys (headline names first, then
# those mentioned most often in the lead).
NAME_KEYS = 10

_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_HONORIFICS = frozenset(
    "mr mrs ms dr sir dame lord lady mayor president governor minister secretary chief "
    "prof professor st saint".split()
)
# Words that say nothing about which event a report is about (on top of _STOP).
_PLAIN = _CALENDAR | frozenset(
    "one two three four five six seven eight nine ten first second last next year years week "
    "weeks month months day days today yesterday tomorrow told just being other such only very "
    "new now per cent percent people".split()
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_][\w\-]*(?:['’]\w+)*|[.!?]")
_NUMERAL = re.compile(r"\d+(?:[.,]\d+)*")


def _tokens(text: str, limit: int) -> list[tuple[str, bool]]:
    """The first `limit` words of a text, each with whether it starts a sentence."""
    out: list[tuple[str, bool]] = []
    initial = True
    for match in _TOKEN.finditer(text):
        word = match.group()
        if word in ".!?":
            # "Dr. Sunita Bhattarai", "J. Smith": a full stop after a title or an initial
            # ends no sentence.
            if not out or (len(out[-1][0]) > 1 and out[-1][0].casefold() not in _HONORIFICS):
                initial = True
            continue
        out.append((word, initial))
        initial = False
        if len(out) >= limit:
            break
    return out


@lru_cache(maxsize=1 << 16)
def _base(word: str) -> str:
    # Cached: a store's articles share most of their words, and grouping asks for each
    # word's base many times.
    word = word.casefold().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _stem(word: str) -> str:
    # A crude stem: the first five letters ("evacuated" and "evacuation", "deportees" and
    # "deportation" agree; so would some unrelated words, which the other tests catch).
    return _base(word)[:5]


def _numbers(text: str) -> frozenset[str]:
    return frozenset(n.replace(",", "") for n in _NUMERAL.findall(text))


def _telling_number(number: str) -> bool:
    """A number that identifies an event (a toll, a score of 59,000, a rate of 4.5), not a
    small count or a year, which many different reports share."""
    if "." in number:
        return True
    value = int(number)
    return value >= 10 and not 1900 <= value <= 2100


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
        self.stripped_title = strip_title(title, feed_name)
        self.headline_words = frozenset(title_words(self.stripped_title))
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

    # The parts the names layer compares (worked out only when that layer is reached).

    @cached_property
    def _headline_tokens(self) -> list[tuple[str, bool]]:
        return _tokens(self.stripped_title, 64)

    @cached_property
    def _lead_tokens(self) -> list[tuple[str, bool]]:
        return _tokens(self.text, NAME_LEAD_WORDS)

    @cached_property
    def name_counts(self) -> dict[str, int]:
        """The names of the headline and lead (lowercased words), each with how often it
        occurs there, headline names first."""
        lead = self._lead_tokens
        mid_sentence = {_base(w) for w, initial in lead if w[0].isupper() and not initial}
        headline = self._headline_tokens
        # A headline in Title Case capitalises every word but the small ones: trust only the
        # words that the lead capitalises mid-sentence too.
        title_case = not any(w[0].islower() and _base(w) not in _STOP for w, _ in headline)
        counts: dict[str, int] = {}
        for tokens, in_headline in ((headline, True), (lead, False)):
            for index, (word, initial) in enumerate(tokens):
                if not word[0].isupper():
                    continue
                name = _base(word)
                if len(name) < 2 or name in _STOP or name in _CALENDAR or name in _HONORIFICS:
                    continue
                if in_headline and title_case:
                    if name not in mid_sentence:
                        continue
                elif initial and name not in mid_sentence:
                    # A sentence's first word is a name when a capitalised word follows it
                    # ("Rosa Quispe Mamani said"), not when a common word does ("Rescuers dug").
                    following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
                    if not following[:1].isupper():
                        continue
                counts[name] = counts.get(name, 0) + 1
        return counts

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self.name_counts)

    @cached_property
    def headline_stems(self) -> frozenset[str]:
        return frozenset(_stem(w) for w, _ in self._headline_tokens
                         if len(w) > 2 and not w[0].isdigit() and _base(w) not in _STOP
                         and _base(w) not in _PLAIN)

    @cached_property
    def lead_stems(self) -> frozenset[str]:
        """Stems of the content words of the headline and lead."""
        return self.headline_stems | frozenset(
            _stem(w) for w, _ in self._lead_tokens
            if len(w) > 2 and not w[0].isdigit() and _base(w) not in _STOP
        )

    @cached_property
    def weekday(self) -> str | None:
        """The first "on <day of the week>" of the headline or lead: news says when its event
        happened ("struck early on Tuesday"), and a follow-up two days later names its own day
        first. ("Waiting since Tuesday" says when something else began, so only "on" counts.)"""
        previous = ""
        for word, _ in self._headline_tokens + self._lead_tokens:
            if previous == "on" and _base(word) in _WEEKDAYS:
                return _base(word)
            previous = word.casefold()
        return None

    @cached_property
    def headline_numerals(self) -> frozenset[str]:
        return _numbers(self.stripped_title)

    @cached_property
    def lead_numerals(self) -> frozenset[str]:
        return self.headline_numerals | _numbers(
            " ".join(w for w, _ in self._lead_tokens if w[0].isdigit()))

    def name_keys(self) -> list[str]:
        if self.title is None:
            return []
        counts = self.name_counts
        ranked = sorted(counts, key=lambda n: -counts[n])[:NAME_KEYS]
        return [_key(b"name\0" + n.encode()) for n in ranked]

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
        keys.extend(("name", k) for k in self.name_keys())
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


# - independent reports of one event (different feeds, no sentence in common) name the same
#   people and places and say the same thing in their headlines. See _same_event. On the 86
#   labelled pairs (bench/stories_eval.py), the 21 reworded reports share 4-17 names (0.70-1.00
#   of the shorter list) and have a headline cover of 0.33-1.00; the 20 different events with
#   the same people and places in two feeds share up to 16 names (up to 1.00 of the list), so
#   names alone decide nothing, and have a cover of 0.14-0.40 inside 3 days, except a tennis
#   semi-final vs the final two days later (0.50), which only the day of the week tells apart.
#   So: names are a gate (3 and half the shorter list), the cover decides at 0.5 (half of each
#   headline said by the other report); a third is enough when two telling numbers agree too
#   (a toll, a score, a rate: the 5 reworded pairs with cover < 0.5 share 0-4, the different
#   events 0-1). Misses left: cover 0.43 with no shared number, 0.33 with one, 0.33 with 4
#   (just under a third).
NAMES_WINDOW = 3 * 86400
MIN_SHARED_NAMES = 3
NAME_OVERLAP = 0.5
HEADLINE_COVER = 0.5
HEADLINE_COVER_WITH_NUMBERS = 0.34
SHARED_NUMBERS = 2


def headline_cover(a: Fingerprint, b: Fingerprint) -> float:
    """How much of each headline's words the other report's headline and lead contain (stems),
    the smaller of the two: a headline sums up its event, and another report of that event
    says most of it in its first paragraphs, in its own words or not."""
    if not a.headline_stems or not b.headline_stems:
        return 0.0
    return min(len(a.headline_stems & b.lead_stems) / len(a.headline_stems),
               len(b.headline_stems & a.lead_stems) / len(b.headline_stems))


def name_overlap(a: Fingerprint, b: Fingerprint) -> tuple[int, float]:
    """How many names two reports share, and what part of the shorter list that is."""
    shared = len(a.names & b.names)
    return shared, shared / max(1, min(len(a.names), len(b.names)))


def telling_numbers(f: Fingerprint) -> frozenset[str]:
    return frozenset(n for n in f.lead_numerals if _telling_number(n))


def _same_event(a: Fingerprint, b: Fingerprint) -> bool:
    if a.title is None or b.title is None:
        return False            # "Letters", "York weather: ...": a slot, not an event
    shared, part = name_overlap(a, b)
    if shared < MIN_SHARED_NAMES or part < NAME_OVERLAP:
        return False
    # Reports that say their event happened on different days are of different events (the
    # semi-final on Friday, the final on Sunday; a quake on Tuesday, an eruption on Thursday).
    if a.weekday and b.weekday and a.weekday != b.weekday:
        return False
    # Numbers in both headlines ("Lotto results for 1 March", "Storm kills 14") must each be
    # found in the other report's headline or lead.
    if a.headline_numerals and b.headline_numerals and not (
            a.headline_numerals <= b.lead_numerals and b.headline_numerals <= a.lead_numerals):
        return False
    numbers_a, numbers_b = telling_numbers(a), telling_numbers(b)
    common = len(numbers_a & numbers_b)
    # Leads full of figures that share none are reports filled in for different days.
    if min(len(numbers_a), len(numbers_b)) >= 3 and common == 0:
        return False
    cover = headline_cover(a, b)
    return cover >= HEADLINE_COVER or (
        cover >= HEADLINE_COVER_WITH_NUMBERS and common >= SHARED_NUMBERS)


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
    """Which layer shows that two articles are one story ("id", "link", "title", "text",
    "names"), or None. Articles of one feed are one story only when one is a repost of the other."""
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
    if apart <= NAMES_WINDOW and _same_event(a, b):
        return "names"
    return None
