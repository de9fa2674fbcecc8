"""The article store on real SQLite files: identity, state, search, pages, migrations."""

import sqlite3
import time

import pytest

from reader.core.models import Entry, ParsedFeed
from reader.core.store import ALL, SCHEMA_VERSION, FeedToStore, Store, StoreError, fts_query


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "reader.db") as s:
        yield s


def entries(n, start=0, **extra):
    return [
        Entry(key=f"id-{i}", title=f"Story {i} about Lake Coatepeque", link=f"https://x.example/{i}",
              published=1_700_000_000 + i, content=f"<p>Body {i} with <b>Bukele</b></p>", **extra)
        for i in range(start, start + n)
    ]


def test_database_is_wal_with_current_schema(tmp_path):
    with Store(tmp_path / "r.db") as s:
        assert s.journal_mode == "wal"
        assert s.execute("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert s.execute("PRAGMA foreign_keys")[0][0] == 1


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path):
    with Store(tmp_path / "r.db") as s:
        feed = s.add_feed("https://x.example/feed")
        s.store_feed(feed.id, ParsedFeed(title="X", entries=entries(3)))
    with Store(tmp_path / "r.db") as s:
        assert s.count() == 3
        assert s.feeds()[0].title == "X"


def test_refresh_never_duplicates_and_keeps_read_and_star_state(store):
    feed = store.add_feed("https://x.example/feed")
    assert store.store_feed(feed.id, ParsedFeed(entries=entries(5))).new == 5
    first = store.articles(limit=1)[0]
    store.mark_read([first.id])
    store.toggle_star(first.id)
    changed = entries(5)
    changed[4] = Entry(**{**changed[4].__dict__, "title": "Story 4, updated"})
    result = store.store_feed(feed.id, ParsedFeed(entries=changed + entries(2, start=5)))
    assert (result.new, result.updated) == (2, 1)
    assert store.count() == 7
    again = store.article(first.id)
    assert again.read and again.starred and again.title == "Story 4, updated"


def test_several_feeds_stored_in_one_transaction(store):
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    store.store_feed(b.id, ParsedFeed(entries=entries(2)))
    results = store.store_feeds([
        FeedToStore(a.id, ParsedFeed(title="A", entries=entries(3)), etag='"a1"'),
        FeedToStore(b.id, ParsedFeed(title="B", entries=entries(4)), last_modified="yesterday"),
    ])
    assert [(r.new, r.updated) for r in results] == [(3, 0), (2, 0)]
    feeds = {f.id: f for f in store.feeds()}
    assert (feeds[a.id].title, feeds[a.id].etag) == ("A", '"a1"')
    assert (feeds[b.id].title, feeds[b.id].last_modified) == ("B", "yesterday")
    assert store.count() == 7
    assert len(store.article_ids(ALL.containing("Coatepeque"))) == 7


def test_same_key_in_two_feeds_is_two_articles(store):
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    store.store_feed(a.id, ParsedFeed(entries=entries(2)))
    store.store_feed(b.id, ParsedFeed(entries=entries(2)))
    assert store.count() == 4


def test_a_deleted_article_does_not_come_back(store):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=entries(3)))
    victim = store.articles(limit=1)[0]
    store.delete_article(victim.id)
    assert store.store_feed(feed.id, ParsedFeed(entries=entries(3))).new == 0
    assert store.count() == 2
    assert store.count(ALL.containing("Story 2")) == 0


def test_mark_all_read_per_feed_and_unread_counts(store):
    a = store.add_feed("https://a.example/feed", title="A")
    b = store.add_feed("https://b.example/feed", title="B")
    store.store_feed(a.id, ParsedFeed(title="A", entries=entries(3)))
    store.store_feed(b.id, ParsedFeed(title="B", entries=entries(4)))
    assert store.mark_feed_read(a.id) == 3
    counts = {f.title: f.unread for f in store.feeds()}
    assert counts == {"A": 0, "B": 4}
    assert store.unread_total() == 4
    assert store.count(ALL.only_unread()) == 4


@pytest.mark.parametrize("typed", ['"', 'NEAR(', 'title:x', '*', 'AND', 'bukele OR', '(', "'", '-x', '^'])
def test_search_input_is_words_never_syntax(store, typed):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=entries(3)))
    store.count(ALL.containing(typed))           # must not raise
    store.articles(ALL.containing(typed))


def test_search_finds_words_in_title_and_body_with_prefix(store):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=entries(3)))
    assert store.count(ALL.containing("coatepeque")) == 3
    assert store.count(ALL.containing("bukele")) == 3        # in the body, HTML stripped
    assert store.count(ALL.containing("buke")) == 3          # prefix while typing
    assert store.count(ALL.containing("title:bukele")) == 0  # "title" is a word here, not a column
    assert store.count(ALL.containing('"bukele')) == 3
    assert store.count(ALL.containing("<b>")) == 3           # markup is not a word: "b" prefix
    assert fts_query('NEAR(a b) "x') == '"near" "a" "b" "x"*'
    assert store.matching_ids("coatepeque") == set(store.article_ids(ALL.containing("coatepeque")))
    assert store.matching_ids('" NEAR(') == set()


def test_search_index_follows_updates_and_deletes(store):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=entries(1)))
    store.store_feed(feed.id, ParsedFeed(entries=[Entry(key="id-0", title="Volcano erupts")]))
    assert store.count(ALL.containing("coatepeque")) == 0
    assert store.count(ALL.containing("volcano")) == 1
    store.delete_article(store.articles()[0].id)
    assert store.count(ALL.containing("volcano")) == 0
    assert store.execute("INSERT INTO article_search(article_search) VALUES ('integrity-check')") == []


def test_keyset_pages_cover_everything_once_in_order(store):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=entries(125)))
    seen, after = [], None
    while True:
        page = store.articles(limit=50, after=after)
        if not page:
            break
        seen.extend(page)
        after = (page[-1].published, page[-1].id)
    assert len(seen) == 125 and len({r.id for r in seen}) == 125
    assert [r.published for r in seen] == sorted((r.published for r in seen), reverse=True)
    assert store.article_ids() == [r.id for r in seen]
    assert store.rows([seen[3].id, seen[0].id]) == [seen[3], seen[0]]


def test_undated_entries_sort_by_when_first_seen(store):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=[Entry(key="a", title="No date")]))
    row = store.articles()[0]
    assert row.published > 1_700_000_000


def test_a_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 5


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="damaged or is not a reader database"):
        Store(path)


def test_removing_a_feed_removes_its_articles_and_their_search_entries(store):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=entries(3)))
    store.remove_feed(feed.id)
    assert store.count() == 0 and store.count(ALL.containing("bukele")) == 0


def test_analysis_cache_and_mentions(store):
    feed = store.add_feed("https://x.example/feed")
    store.store_feed(feed.id, ParsedFeed(entries=entries(2)))
    ids = store.article_ids()
    assert store.unanalysed("v1") == ids
    store.save_analysis(ids[0], "v1", "[]", [("person", "Nayib Bukele", 3), ("place", "El Salvador", 1)])
    store.save_analysis(ids[1], "v1", "[]", [("person", "Nayib Bukele", 1)])
    assert store.analysis(ids[0], "v1") == "[]" and store.analysis(ids[0], "v2") is None
    assert store.unanalysed("v1") == []
    people = store.mentioned("person")
    assert [(p.name, p.articles) for p in people] == [("Nayib Bukele", 2)]
    assert store.count(ALL.mentioning("place", "El Salvador")) == 1


def test_moving_a_feed_after_a_permanent_redirect(store):
    feed = store.add_feed("http://old.example/feed")
    store.move_feed(feed.id, "https://new.example/feed")
    assert store.feed(feed.id).url == "https://new.example/feed"


def test_expire_deletes_old_read_articles_for_good_but_keeps_unread_and_starred(store):
    feed = store.add_feed("https://x.example/feed")
    old = [Entry(key=f"old-{i}", title=f"Old {i}", published=1_000_000_000 + i) for i in range(3)]
    fresh = Entry(key="fresh", title="Fresh", published=int(time.time()) - 3600)
    store.store_feed(feed.id, ParsedFeed(entries=old + [fresh]))
    ids = {r.title: r.id for r in store.articles(limit=10)}
    store.mark_read([ids["Old 0"], ids["Old 1"], ids["Fresh"]])
    store.toggle_star(ids["Old 1"])
    assert store.expire(older_than_days=30) == 1          # only Old 0: read, unstarred, old
    titles = {r.title for r in store.articles(limit=10)}
    assert titles == {"Old 1", "Old 2", "Fresh"}
    assert store.store_feed(feed.id, ParsedFeed(entries=old)).new == 0


def test_one_article_per_story_and_marking_a_story_read(store):
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    store.store_feed(a.id, ParsedFeed(entries=entries(2)))
    store.store_feed(b.id, ParsedFeed(entries=entries(1, start=5)))
    first, second = sorted(store.article_ids())[:2]
    copy = max(store.article_ids())
    # a story of two: `first` (the story's id) and `copy` from the other feed
    store.execute("UPDATE articles SET story_id = id")
    store.execute("UPDATE articles SET story_id = ? WHERE id = ?", (first, copy))
    assert set(store.article_ids(ALL.by_story())) == {first, second}
    assert store.story_article_ids(copy) == [first, copy]
    assert store.story_article_ids(second) == [second]
    # the first source read, the copy unread: the unread view shows the copy instead
    store.mark_read([first])
    assert set(store.article_ids(ALL.only_unread().by_story())) == {second, copy}
    store.mark_read(store.story_article_ids(first))
    assert set(store.article_ids(ALL.only_unread().by_story())) == {second}
