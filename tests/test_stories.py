"""Recognising one story across feeds: the pure parts, grouping in a real store, the queries,
and the accuracy on the labelled pairs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from reader.core.models import Entry, ParsedFeed
from reader.core.parse import parse_feed
from reader.core.store import Store
from reader.stories import group_new_articles, stories, story_of, story_sizes
from reader.text.stories import (
    containment, fingerprint, global_entry_id, jaccard, normal_link, normal_title, same_story,
    shingles, body_words,
)

ROOT = Path(__file__).resolve().parent.parent
DAY = 86400
T0 = 1_762_000_000

BODY = (
    "Engineers at the port of Rotterdam opened a new lock on Tuesday that lets the largest "
    "container ships reach the inner harbour at any tide, ending years of delays for shipping "
    "lines. The lock cost four hundred million euros and took six years to build. Harbour "
    "master Ingrid Vos said the first ship through had carried cars from Japan, and that the "
    "port expected to handle a tenth more cargo next year. Local fishermen had opposed the "
    "project, saying that the works disturbed eels in the Nieuwe Maas, but a court rejected "
    "their case last spring."
)
OTHER = (
    "A heavy snowfall closed roads across the Catskills overnight, and schools in Kingston and "
    "Saugerties opened two hours late. Plows worked through the night on Route 28, where a "
    "tractor trailer jackknifed near Phoenicia. The weather service said another storm could "
    "bring a foot of snow to higher ground on Friday. Ski resorts welcomed the early start to "
    "the season and said they would open more trails at the weekend."
)


# --- normalising ------------------------------------------------------------------------------


@pytest.mark.parametrize("link, expected", [
    ("HTTP://WWW.Example.COM:80/a/b/?utm_source=x&z=1&a=2&fbclid=3#frag",
     "https://example.com/a/b?a=2&z=1"),
    ("https://example.com:443/story?gclid=1&ref=home", "https://example.com/story"),
    ("https://example.com:8080/story/", "https://example.com:8080/story"),
    ("https://example.com/story?id=7&utm_campaign=w&page=2", "https://example.com/story?id=7&page=2"),
    ("tag:example.com,2025:story-1", "tag:example.com,2025:story-1"),
])
def test_normal_link(link, expected):
    assert normal_link(link) == expected


@pytest.mark.parametrize("title, feed, expected", [
    ("WIRE: Copper miners in Chile's Atacama vote to strike", "",
     "copper miners in chile s atacama vote to strike"),
    ("UPDATE: EXCLUSIVE: Copper miners in Chile’s Atacama vote to strike", "",
     "copper miners in chile s atacama vote to strike"),
    ("Copper miners in Chile's Atacama vote to strike - Meridian Wire", "Meridian Wire",
     "copper miners in chile s atacama vote to strike"),
    ("Copper miners in Chile's Atacama vote to strike | The Post", "",
     "copper miners in chile s atacama vote to strike"),
    ("“Copper miners” in Chile's Atacama vote to strike", "",
     "copper miners in chile s atacama vote to strike"),
    ("From the wire: Survey finds young sturgeon in the Hudson", "",
     "survey finds young sturgeon in the hudson"),
    ("Weather", "", None),
    ("Letters", "", None),
    ("Your morning briefing", "", None),
    ("Weather forecast for the weekend ahead", "", None),
])
def test_normal_title(title, feed, expected):
    assert normal_title(title, feed) == expected


@pytest.mark.parametrize("key, expected", [
    ("1042", None),
    ("a" * 40, None),                       # the reader's own hash of title and date
    ("https://example.com/", None),          # a front page names no story
    ("http://www.example.com/story/?utm_source=x", "https://example.com/story"),
    ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"),
])
def test_global_entry_id(key, expected):
    assert global_entry_id(key) == expected


words_lists = st.lists(st.sampled_from("the port lock ship eel snow road court year tide".split()),
                       max_size=60)


@given(words_lists, words_lists)
def test_similarities_are_symmetric_and_bounded(a, b):
    sa, sb = shingles(a), shingles(b)
    assert jaccard(sa, sb) == jaccard(sb, sa)
    assert 0.0 <= jaccard(sa, sb) <= containment(sa, sb) <= 1.0
    if a:
        assert jaccard(sa, sa) == 1.0


def test_shingles_see_word_order():
    words = body_words(BODY)
    assert jaccard(shingles(words), shingles(list(reversed(words)))) == 0.0
    assert containment(shingles(words[:40]), shingles(words)) == 1.0


def test_a_copy_has_the_same_band_keys_and_a_different_story_does_not():
    a = fingerprint("a", "t", "", BODY)
    b = fingerprint("b", "other", "", BODY + " Copyright 2025 Wire.")
    c = fingerprint("c", "t", "", OTHER)
    bands = lambda f: {k for kind, k in f.keys() if kind == "band"}
    assert len(bands(a) & bands(b)) >= 4
    assert not bands(a) & bands(c)


def test_same_feed_needs_a_near_identical_body_and_headline():
    a = fingerprint("1", "Lock opens at Rotterdam port after six years", "", BODY)
    repost = fingerprint("2", "CORRECTED: Lock opens at Rotterdam port after six years", "",
                         BODY.replace("four hundred", "five hundred"))
    blurb = fingerprint("3", "Podcast: snow in the Catskills and roads closed", "", BODY)
    assert same_story(a, repost, same_feed=True, seconds_apart=3600) == "text"
    assert same_story(a, blurb, same_feed=True, seconds_apart=3600) is None
    assert same_story(a, repost, same_feed=True, seconds_apart=5 * DAY) is None


def test_same_headline_in_two_feeds_needs_the_bodies_to_agree():
    title = "Lock opens at Rotterdam port after six years of works"
    a = fingerprint("1", title, "https://a.example/1", BODY)
    b = fingerprint("2", title, "https://b.example/2", OTHER)
    c = fingerprint("3", title, "https://c.example/3", BODY.replace("Tuesday", "Monday")[:300])
    assert same_story(a, b, same_feed=False, seconds_apart=0) is None
    assert same_story(a, c, same_feed=False, seconds_apart=DAY) in ("title", "text")
    assert same_story(a, c, same_feed=False, seconds_apart=40 * DAY) is None


# --- grouping in a real store ---------------------------------------------------------------


def add(store: Store, feed: str, key: str, title: str, text: str, *, link: str = "",
        published: int = T0) -> int:
    """Store one article in `feed` (made on first use) and return its id."""
    feed_id = store.add_feed(f"https://{feed}.example/feed", feed).id
    entry = Entry(key=key, title=title, link=link or f"https://{feed}.example/{key}",
                  published=published, content=f"<p>{text}</p>")
    store.store_feed(feed_id, ParsedFeed(title=feed, entries=[entry]))
    return store.execute("SELECT id FROM articles WHERE feed_id = ? AND key = ?",
                         (feed_id, key))[0][0]


def story_id(store: Store, article_id: int) -> int:
    return store.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,))[0][0]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "reader.db") as s:
        yield s


def test_grouping_is_incremental_and_persisted(tmp_path):
    path = tmp_path / "reader.db"
    with Store(path) as store:
        first = add(store, "port", "p1", "Lock opens at Rotterdam port after six years", BODY)
        alone = add(store, "hills", "h1", "Snow closes roads across the Catskills", OTHER)
        assert group_new_articles(store) == 2
        assert (story_id(store, first), story_id(store, alone)) == (first, alone)
        assert group_new_articles(store) == 0
        keys = store.execute("SELECT count(*) FROM story_keys")[0][0]
    # A later run, a new connection: the copy finds the old story through the stored keys.
    with Store(path) as store:
        copy = add(store, "wire", "w1", "WIRE: Port of Rotterdam opens its giant new lock",
                   BODY + " Copyright Wire Service.", published=T0 + 3600)
        assert group_new_articles(store) == 1
        assert story_id(store, copy) == first
        assert store.execute("SELECT count(*) FROM story_keys")[0][0] > keys


def test_a_story_is_led_by_its_earliest_source(store):
    # The wire copy arrives first (a lower id) but was published an hour after the original.
    copy = add(store, "desk", "d1", "WIRE: Port of Rotterdam opens its giant new lock",
               BODY + " Copyright Wire Service.", published=T0 + 3600)
    group_new_articles(store)
    original = add(store, "port", "p1", "Lock opens at Rotterdam port after six years", BODY)
    group_new_articles(store)
    assert story_id(store, copy) == story_id(store, original) == original
    assert story_sizes(store, [original]) == {original: 2}


def test_limit_groups_oldest_first(store):
    ids = [add(store, "port", f"p{i}", f"Story number {i} about the harbour lock", f"{OTHER} {i}" * 3)
           for i in range(5)]
    assert group_new_articles(store, limit=2) == 2
    assert [story_id(store, i) is not None for i in ids] == [True, True, False, False, False]
    assert group_new_articles(store) == 3


def test_link_with_tracking_parameters_joins_the_story(store):
    link = "https://meridian.example/2026/11/copper-strike"
    a = add(store, "meridian", "m1", "Copper miners vote to strike in Chile", BODY, link=link)
    b = add(store, "desk", "d1", "WIRE: Copper miners vote to strike in Chile", OTHER,
            link=link + "?utm_source=desk&utm_medium=rss")
    group_new_articles(store)
    assert story_id(store, b) == a


def test_daily_reports_of_one_feed_stay_apart(store):
    template = ("Here is the weather forecast for York for {d} March. Expect sunny spells with "
                "highs of {h}C and lows of {l}C. Winds from the west at {w} mph. The chance of rain "
                "is {r} percent. This forecast is updated every morning at six with Met Office data "
                "and we welcome your weather photos for tomorrow's edition of the paper.")
    ids = [add(store, "york", f"wx{d}", f"York weather for {d} March",
               template.format(d=d, h=12, l=4, w=10, r=10 * (d % 2)),
               published=T0 + d * DAY)
           for d in range(1, 8)]
    group_new_articles(store)
    assert [story_id(store, i) for i in ids] == ids


def test_a_template_filled_in_for_another_day_is_not_a_copy():
    template = ("Here is the weather forecast for York for {d} March. Expect sunny spells with "
                "highs of 12C and lows of 4C. Winds from the west at 10 mph. The chance of rain "
                "is 10 percent. This forecast is updated every morning at six with Met Office "
                "data and we welcome your weather photos for tomorrow's edition of the paper.")
    a = fingerprint("1", "Your York weather", "", template.format(d=1))
    b = fingerprint("2", "Your York weather", "", template.format(d=3))
    copy = fingerprint("3", "Your York weather", "", template.format(d=1) + " Copyright 2025.")
    assert containment(a.shingles, b.shingles) >= 0.85       # the shingles alone would merge
    assert same_story(a, b, same_feed=False, seconds_apart=DAY) is None
    assert same_story(a, copy, same_feed=False, seconds_apart=DAY) == "text"


def test_a_front_page_link_and_numbered_guids_merge_nothing(store):
    a = add(store, "news", "7", "Council approves new flood defence plan", BODY,
            link="https://site.example/")
    b = add(store, "sport", "7", "Arteta signs a new contract until 2029", OTHER,
            link="https://www.site.example")
    group_new_articles(store)
    assert (story_id(store, a), story_id(store, b)) == (a, b)


def test_deleting_an_article_removes_its_keys(store):
    a = add(store, "port", "p1", "Lock opens at Rotterdam port after six years", BODY)
    group_new_articles(store)
    store.delete_article(a)
    assert store.execute("SELECT count(*) FROM story_keys WHERE article_id = ?", (a,)) == [(0,)]


# --- queries ----------------------------------------------------------------------------------


def test_stories_story_of_and_sizes(store):
    a = add(store, "port", "p1", "Lock opens at Rotterdam port after six years", BODY,
            published=T0)
    b = add(store, "wire", "w1", "WIRE: Lock opens at Rotterdam port after six years", BODY,
            published=T0 + 600)
    c = add(store, "hills", "h1", "Snow closes roads across the Catskills overnight", OTHER,
            published=T0 + DAY)
    ungrouped = story_of(store, a)
    assert (ungrouped.id, [x.id for x in ungrouped.articles]) == (a, [a])
    group_new_articles(store)

    everything = stories(store)
    assert [s.id for s in everything] == [c, a]               # newest story first
    port = everything[1]
    assert port.title == "Lock opens at Rotterdam port after six years"
    assert [(x.id, x.feed) for x in port.articles] == [(a, "port"), (b, "wire")]
    assert port.articles[1].link == "https://wire.example/w1"
    assert port.articles[1].published == T0 + 600
    assert [s.id for s in stories(store, min_articles=2)] == [a]
    assert [s.id for s in stories(store, limit=1)] == [c]
    assert story_of(store, b) == port
    assert story_sizes(store, [a, c, 999]) == {a: 2, c: 1}
    with pytest.raises(KeyError, match="no article 12345"):
        story_of(store, 12345)


def test_sample_feeds_group_copies_and_independent_reports_only(store):
    for path in sorted((ROOT / "sample_feeds").glob("*.*")):
        if path.suffix in (".rss", ".atom", ".rdf"):
            parsed = parse_feed(path.read_bytes(), str(path))
            store.store_feed(store.add_feed(str(path), parsed.title).id, parsed)
    group_new_articles(store)
    shared = {
        frozenset(a.link.split("/")[-1].split("?")[0] for a in s.articles)
        for s in stories(store, min_articles=2)
    }
    assert shared == {
        frozenset({"chile-copper-miners-strike-vote"}),       # one link, with and without utm_
        frozenset({"hudson-river-atlantic-sturgeon-survey", "wire-atlantic-sturgeon-hudson-survey"}),
        # The same events written independently (sample_feeds/README.md, "Shared stories").
        frozenset({"nepal-glacial-lake-bursts-everest-region", "himalayan-lake-breach-dudh-koshi"}),
        frozenset({"rhine-barges-wait-at-kaub", "rhine-kaub-below-one-metre"}),
    }
    # Different stories with the same people and places stay apart.
    story_of_slug = {
        a.link.split("/")[-1]: s.id for s in stories(store) for a in s.articles
    }
    for first, second in [
        ("portugal-parliament-rent-cap-lisbon-porto", "portugal-deputies-reject-fishing-quota-plan"),
        ("kingston-council-rondout-parking-plan", "kingston-council-rejects-short-term-rental-cap"),
    ]:
        assert story_of_slug[first] != story_of_slug[second]


# --- the names layer: independent reports of one event --------------------------------------

QUAKE = (
    "A strong earthquake struck southern Peru early on Tuesday, killing at least 14 people in "
    "villages of the Colca Canyon near Arequipa, officials said. Civil defence chief Rosa Quispe "
    "Mamani said adobe houses had collapsed in Chivay and Cabanaconde. President Julio Herrera "
    "Salas flew to Arequipa and promised emergency funds for the Colca valley."
)
QUAKE_AGAIN = (
    "Rescuers dug through the rubble of mud-brick homes in Chivay and Cabanaconde on Tuesday "
    "after an earthquake rocked the Colca Canyon, leaving 14 dead. Rosa Quispe Mamani, who heads "
    "civil defence, said hospitals in Arequipa were full. Julio Herrera Salas arrived in the "
    "afternoon and pledged money for rebuilding."
)
ERUPTION = (
    "Arequipa's airport closed on Thursday after the Sabancaya volcano sent ash over the Colca "
    "Canyon, two days after an earthquake. Civil defence chief Rosa Quispe Mamani said ash had "
    "fallen on Chivay and Cabanaconde. President Julio Herrera Salas said masks would be sent "
    "to the Colca valley."
)


def test_names_come_from_capitals_but_not_from_sentence_starts():
    f = fingerprint("1", "Deadly quake hits Peru's Colca Canyon", "", QUAKE_AGAIN)
    assert {"chivay", "cabanaconde", "colca", "canyon", "arequipa", "rosa", "quispe", "mamani",
            "julio", "herrera", "salas", "peru"} <= f.names
    # "Rescuers" starts a sentence and is nowhere else capitalised; "Tuesday" is a day.
    assert not {"rescuers", "tuesday", "the"} & f.names
    # A Title Case headline does not make every word a name.
    g = fingerprint("2", "Deadly Quake Hits Peru's Colca Canyon", "", QUAKE_AGAIN)
    assert "deadly" not in g.names and "colca" in g.names
    assert f.weekday == "tuesday"
    assert fingerprint("3", "t", "", "Waiting since Monday. It fell on Thursday.").weekday == "thursday"


def test_independent_reports_of_one_event_are_one_story_and_a_later_event_is_not():
    a = fingerprint("1", "Earthquake kills 14 in Peru's Colca Canyon near Arequipa", "", QUAKE)
    b = fingerprint("2", "Adobe homes crumble in Colca Canyon as quake kills 14", "", QUAKE_AGAIN)
    c = fingerprint("3", "Sabancaya ash cloud closes Arequipa airport", "", ERUPTION)
    assert same_story(a, b, same_feed=False, seconds_apart=5 * 3600) == "names"
    assert same_story(a, c, same_feed=False, seconds_apart=2 * DAY) is None
    assert same_story(b, c, same_feed=False, seconds_apart=2 * DAY) is None
    # Only across feeds, and only within the window.
    assert same_story(a, b, same_feed=True, seconds_apart=5 * 3600) is None
    assert same_story(a, b, same_feed=False, seconds_apart=4 * DAY) is None
    # The same report said to be of another day is another event.
    d = fingerprint("4", "Adobe homes crumble in Colca Canyon as quake kills 14", "",
                    QUAKE_AGAIN.replace("on Tuesday", "on Friday"))
    assert same_story(a, d, same_feed=False, seconds_apart=5 * 3600) is None


def test_independent_reports_group_in_the_store_and_old_keys_do_not_break(store):
    old = add(store, "andes", "q0", "Earthquake kills 14 in Peru's Colca Canyon near Arequipa",
              QUAKE, published=T0)
    group_new_articles(store)
    # An article filed by the previous version has no `name` keys: it is simply not found by
    # the names layer, and nothing fails.
    store.execute("DELETE FROM story_keys WHERE kind = 'name' AND article_id = ?", (old,))
    first = add(store, "courier", "q1", "Earthquake kills 14 in Peru's Colca Canyon near Arequipa",
                QUAKE.replace("officials said", "the authorities said"), published=T0 + 600)
    again = add(store, "post", "q2", "Adobe homes crumble in Colca Canyon as quake kills 14",
                QUAKE_AGAIN, published=T0 + 5 * 3600)
    later = add(store, "daily", "q3", "Sabancaya ash cloud closes Arequipa airport", ERUPTION,
                published=T0 + 2 * DAY)
    group_new_articles(store)
    assert story_id(store, again) == story_id(store, first)
    assert story_id(store, later) == later
    kinds = {k for (k,) in store.execute("SELECT DISTINCT kind FROM story_keys WHERE article_id = ?",
                                         (again,))}
    assert "name" in kinds


# --- accuracy on the labelled pairs -----------------------------------------------------------


def _evaluation():
    spec = importlib.util.spec_from_file_location("stories_eval", ROOT / "bench" / "stories_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_pairs_meet_the_targets():
    evaluation = _evaluation()
    pairs = evaluation.load_pairs()
    categories = {p["category"] for p in pairs}
    assert len(pairs) >= 40
    assert {"syndicated", "reworded", "same_topic", "template"} <= categories
    result = evaluation.scores(pairs, evaluation.judge(pairs))
    assert result["all"]["precision"] >= 0.98
    assert result["syndicated"]["recall"] == 1.0
    assert result["reworded"]["recall"] >= 0.75
    for category in ("same_topic", "template", "generic"):
        assert result[category]["fp"] == 0, category
