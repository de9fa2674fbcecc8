"""The sample feeds that ship with the reader: well-formed, varied and complete.

Every feed file in sample_feeds/ is parsed with feedparser from the file's bytes (never a
path or URL handed to feedparser), the way the reader itself parses fetched feeds.
sample_feeds/README.md lists which entries carry which kind of repetition and which stories
are shared; the checks at the end keep that inventory honest.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser
import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_feeds"
SEED_PATH = REPO.parent / "shared" / "seed-article.txt"
FEED_SUFFIXES = {".rss", ".atom", ".rdf", ".xml"}
SEED_TITLE = "El Salvador Proposes to Host US Criminals and Unlawful Migrants"
HOSTILE_TITLE = "Markup test: [bold]not bold[/bold] and [@click=app.quit]click me[/]"


def _feed_paths() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in FEED_SUFFIXES)


def _parse(path: Path):
    return feedparser.parse(path.read_bytes())


PARSED = {p.name: _parse(p) for p in _feed_paths()}


def body_of(entry) -> str:
    """The fullest body an entry carries: content:encoded / Atom content, else the summary."""
    if entry.get("content"):
        return entry.content[0].value
    return entry.get("summary", "")


def words(markup: str) -> list[str]:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup)).split()


def all_entries():
    for name, parsed in PARSED.items():
        for entry in parsed.entries:
            yield name, entry


def entry_titled(title: str, feed: str | None = None):
    found = [e for name, e in all_entries() if e.title == title and (feed is None or name == feed)]
    assert len(found) == 1, f"expected one entry titled {title!r}, found {len(found)}"
    return found[0]


def test_only_feeds_and_readme_in_the_folder():
    others = [p.name for p in SAMPLES.iterdir() if p.suffix not in FEED_SUFFIXES]
    assert others == ["README.md"], f"unexpected files in sample_feeds/: {others}"
    assert len(PARSED) >= 3


@pytest.mark.parametrize("name", sorted(PARSED))
def test_feed_is_well_formed(name):
    parsed = PARSED[name]
    assert parsed.bozo == 0, f"{name}: {parsed.get('bozo_exception')!r}"
    assert parsed.feed.get("title"), f"{name} has no title"
    assert parsed.feed.get("link", "").startswith("https://"), f"{name} has no site link"
    assert parsed.entries, f"{name} has no entries"


def test_three_formats_present():
    versions = {parsed.version for parsed in PARSED.values()}
    assert {"rss20", "atom10", "rss10"} <= versions, versions


def test_enough_entries():
    assert sum(len(p.entries) for p in PARSED.values()) >= 40


@pytest.mark.parametrize("name", sorted(PARSED))
def test_every_entry_is_complete(name):
    for entry in PARSED[name].entries:
        label = f"{name}: {entry.get('title')!r}"
        assert entry.get("title"), label
        assert entry.get("link", "").startswith("https://"), label
        assert entry.get("id"), label
        assert entry.get("published_parsed") or entry.get("updated_parsed"), label
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        assert (stamp.tm_year, stamp.tm_mon) == (2026, 11), label
        assert entry.get("author"), label
        if entry.title == HOSTILE_TITLE:
            continue
        assert len(words(body_of(entry))) >= 100, f"{label}: body too short"


@pytest.mark.parametrize("name", sorted(PARSED))
def test_links_and_ids_unique_per_feed(name):
    entries = PARSED[name].entries
    links = [e.link for e in entries]
    ids = [e.id for e in entries]
    assert len(set(links)) == len(links), name
    assert len(set(ids)) == len(ids), name


def test_seed_article_is_carried_exactly():
    if not SEED_PATH.is_file():
        pytest.fail(
            f"seed article not found at {SEED_PATH}; the test compares the sample entry "
            "against /work/shared/seed-article.txt (../shared relative to the repository root)"
        )
    seed = SEED_PATH.read_bytes().decode("utf-8")
    assert not seed.endswith("\n")
    entry = entry_titled(SEED_TITLE, "world-desk.rss")
    assert body_of(entry) == seed
    # its summary repeats the body's first line
    assert entry.summary == seed.split("\n", 1)[0]


def test_hostile_title_is_one_literal_entry():
    matches = [e for _, e in all_entries() if "[@click=" in e.title]
    assert len(matches) == 1
    assert matches[0].title == HOSTILE_TITLE


def test_repeated_boilerplate_entries():
    mekong = entry_titled("Vietnam's Mekong Delta farmers trade rice for shrimp as salt creeps inland")
    rijnhaven = entry_titled("Rotterdam council backs floating homes in the Rijnhaven")
    reservoir = entry_titled("Catskill reservoir levels drop after a dry autumn")
    for entry in (mekong, rijnhaven, reservoir):
        body = body_of(entry)
        assert body.count(entry.title) >= 1, entry.title  # headline repeated in the body
        assert "Advertisement" in body and "Share this article" in body, entry.title
        paragraphs = [p for p in re.split(r"</?p>|\n", body) if len(p) > 200]
        repeated = {p for p in paragraphs if paragraphs.count(p) > 1}
        assert 2 <= len(repeated) <= 4, (entry.title, len(repeated))
    assert "Continue reading..." in body_of(mekong)
    assert "Continue reading..." in body_of(reservoir)
    # summaries that are exactly the first paragraph of the content
    assert f"<p>{mekong.summary}</p>" in body_of(mekong)
    assert f"<p>{html.escape(rijnhaven.summary, quote=False)}</p>" in body_of(rijnhaven)


def test_legitimate_short_repeats():
    interview = body_of(
        entry_titled("Five minutes with the longest-serving pilot on the Newburgh-Beacon ferry")
    )
    assert interview.count("<strong>Brinckerhoff:</strong> Yes.</p>") == 2
    assert interview.count("<strong>Brinckerhoff:</strong> No.</p>") == 2
    assert interview.count("<p>* * *</p>") == 2
    song = body_of(entry_titled("Shanty singers fill the quays of Delfshaven"))
    assert song.count("So haul away, for the Maas is near,") == 3


def test_verbatim_syndication():
    wire = entry_titled("Copper miners in Chile's Atacama vote to strike", "meridian-wire.rss")
    copy = entry_titled("WIRE: Copper miners in Chile's Atacama vote to strike", "world-desk.rss")
    assert body_of(wire) == body_of(copy) and wire.summary == copy.summary
    assert "utm_source=" in copy.link and copy.link.split("?")[0] == wire.link

    wire = entry_titled("Survey finds young Atlantic sturgeon returning to the Hudson", "meridian-wire.rss")
    copy = entry_titled(
        "From the wire: Survey finds young Atlantic sturgeon returning to the Hudson",
        "valley-courier.rdf",
    )
    assert body_of(wire) == body_of(copy)
    assert wire.link != copy.link


def test_independently_written_pairs_share_names_not_text():
    pairs = [
        ("Glacial lake bursts in Nepal's Everest region, sweeping away bridges",
         "Villagers flee as Himalayan lake breaches above the Dudh Koshi",
         ["Pasang Dorje Sherpa", "Bhattarai", "Namche Bazaar", "Dudh Koshi", "Lukla"]),
        ("Barges wait at Kaub as the Rhine runs shallow",
         "Rhine falls below one metre at Kaub, squeezing Europe's busiest waterway",
         ["Joris Vandermeulen", "Anneliese Vormwald", "Hendrik Albers", "Kaub", "Koblenz"]),
    ]
    for a_title, b_title, names in pairs:
        a, b = body_of(entry_titled(a_title)), body_of(entry_titled(b_title))
        assert a != b
        for name in names:
            assert name in a and name in b, (name, a_title)
        sentences_a = set(re.split(r"(?<=[.!?])\s+", re.sub(r"<[^>]+>", " ", a)))
        sentences_b = set(re.split(r"(?<=[.!?])\s+", re.sub(r"<[^>]+>", " ", b)))
        shared = {s for s in sentences_a & sentences_b if len(s) > 40}
        assert not shared, shared
