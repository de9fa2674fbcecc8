"""Stories: the articles of several feeds that tell one story, grouped as they arrive and
kept in the store (articles.story_id, with the keys each article is filed under in story_keys)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from reader.core.store import Store

if TYPE_CHECKING:
    from reader.text.stories import Fingerprint

# The matcher (reader.text.stories, which loads numpy: ~80 ms) is imported only when
# articles are grouped, so reading stories and their sizes (the list's "+N") stays cheap.

# Grouping work per article stays flat as the store grows: at most this many articles are
# read back per key (the newest), and at most this many candidates are compared.
PER_KEY = 20
CANDIDATES = 24
# Articles found only through `name` keys (the names layer: independent reports of one event)
# must share at least this many of them to be compared: the layer wants 3 names in common
# (MIN_SHARED_NAMES), and comparing the many articles that share one or two popular names
# would cost more than the rest of grouping.
MIN_NAME_KEYS = 3
# Articles grouped per transaction: about 0.1 s of holding the write lock, which a refresh
# or the app waiting on the store barely notices.
BATCH = 100


@dataclass(frozen=True)
class StoryArticle:
    id: int
    feed: str
    title: str
    link: str
    published: int


@dataclass(frozen=True)
class Story:
    """One story: its id (the id of its lead, the earliest published of its articles),
    headline and articles."""

    id: int
    title: str
    articles: list[StoryArticle]


@dataclass
class _Known:
    """An article already filed, as the matcher needs it."""

    id: int
    feed_id: int
    published: int
    story_id: int
    fingerprint: Fingerprint


_COLUMNS = (
    "a.id, a.feed_id, a.key, a.title, a.link, a.published, a.search_text, a.story_id, "
    "CASE WHEN f.title != '' THEN f.title ELSE f.url END"
)


def _known(row: tuple) -> _Known:
    from reader.text.stories import fingerprint

    id_, feed_id, key, title, link, published, text, story_id, feed = row
    return _Known(id_, feed_id, published, story_id, fingerprint(key, title, link, text, feed))


def group_new_articles(store: Store, limit: int | None = None) -> int:
    """File every article not yet in a story (oldest first) under its keys and put it in the
    story of the first earlier article it matches, or in a story of its own.
    Returns how many articles were grouped."""
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        # Reading the batch inside the write transaction means two readers grouping at once
        # never file one article twice.
        with store.transaction() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                "WHERE a.story_id IS NULL ORDER BY a.id LIMIT ?",
                (size,),
            ).fetchall()
            for row in rows:
                article = _known(row)
                keys = article.fingerprint.keys()
                article.story_id = _match(db, article, keys) or article.id
                if article.story_id != article.id:
                    _lead_by_earliest(db, article)
                db.executemany(
                    "INSERT OR IGNORE INTO story_keys (kind, key, article_id) VALUES (?, ?, ?)",
                    [(kind, key, article.id) for kind, key in keys],
                )
                db.execute(
                    "UPDATE articles SET story_id = ? WHERE id = ?", (article.story_id, article.id)
                )
        if not rows:
            break
        done += len(rows)
    return done


def _lead_by_earliest(db, article: _Known) -> None:
    """A story is shown by its earliest source: when the article joining it was published
    before the story's current lead, it becomes the lead and the story takes its id."""
    lead = db.execute(
        "SELECT published FROM articles WHERE id = ?", (article.story_id,)
    ).fetchone()
    if lead is not None and article.published < lead[0]:
        db.execute(
            "UPDATE articles SET story_id = ? WHERE story_id = ?", (article.id, article.story_id)
        )
        article.story_id = article.id


def _match(db, article: _Known, keys: list[tuple[str, str]]) -> int | None:
    """The story id of the earliest filed article that is the same story, if any."""
    if not keys:
        return None
    # The newest PER_KEY articles of each key, in one statement: each part is a short range
    # scan of the (kind, key, article_id) primary key, tagged with the key's place in `keys`.
    sql = " UNION ALL ".join(
        "SELECT * FROM (SELECT article_id, ? FROM story_keys WHERE kind = ? AND key = ? "
        "ORDER BY article_id DESC LIMIT ?)" for _ in keys
    )
    params = [p for index, (kind, key) in enumerate(keys) for p in (index, kind, key, PER_KEY)]
    kinds = [kind for kind, _ in keys]
    shared: dict[int, int] = {}
    names: dict[int, int] = {}
    for other, index in db.execute(sql, params):
        if other != article.id:
            shared[other] = shared.get(other, 0) + 1
            if kinds[index] == "name":
                names[other] = names.get(other, 0) + 1
    # An article that shares nothing but a name or two is no candidate: the names layer needs
    # several names in common, and any other layer a key of its own.
    for other, count in names.items():
        if count == shared[other] and count < MIN_NAME_KEYS:
            del shared[other]
    if not shared:
        return None
    # Most shared keys first: those are the likeliest matches and worth comparing first.
    ranked = sorted(shared, key=lambda i: (-shared[i], i))[:CANDIDATES]
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
        f"WHERE a.id IN ({','.join('?' * len(ranked))}) AND a.story_id IS NOT NULL",
        ranked,
    ).fetchall()
    from reader.text.stories import same_story

    matched = [
        other.story_id
        for other in map(_known, rows)
        if same_story(
            article.fingerprint, other.fingerprint,
            same_feed=article.feed_id == other.feed_id,
            seconds_apart=article.published - other.published,
        )
    ]
    # Two stories matched: join the older, and leave them apart (merging stories after the
    # fact would let one wrong match chain many stories together).
    return min(matched) if matched else None


# --- reading stories -------------------------------------------------------------------------

_ARTICLE_COLUMNS = (
    "a.id, a.story_id, CASE WHEN f.title != '' THEN f.title ELSE f.url END, a.title, a.link, "
    "a.published"
)


def _stories(store: Store, story_ids: list[int]) -> list[Story]:
    by_story: dict[int, list[StoryArticle]] = {i: [] for i in story_ids}
    for start in range(0, len(story_ids), 500):
        chunk = story_ids[start:start + 500]
        rows = store.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            f"WHERE a.story_id IN ({','.join('?' * len(chunk))}) ORDER BY a.id",
            chunk,
        )
        for id_, story_id, feed, title, link, published in rows:
            by_story[story_id].append(StoryArticle(id_, feed, title, link, published))
    # The headline is that of the story's first article (the one whose id the story has).
    return [Story(i, by_story[i][0].title, by_story[i]) for i in story_ids if by_story[i]]


def stories(store: Store, limit: int | None = None, min_articles: int = 1) -> list[Story]:
    """Stories, the one with the most recently published article first."""
    rows = store.execute(
        "SELECT story_id FROM articles WHERE story_id IS NOT NULL GROUP BY story_id "
        "HAVING count(*) >= ? ORDER BY max(published) DESC, story_id DESC LIMIT ?",
        (min_articles, -1 if limit is None else limit),
    )
    return _stories(store, [r[0] for r in rows])


def story_of(store: Store, article_id: int) -> Story:
    """The story an article belongs to (an article not grouped yet is a story of its own)."""
    rows = store.execute(
        f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
        "WHERE a.id = ?",
        (article_id,),
    )
    if not rows:
        raise KeyError(f"there is no article {article_id}")
    id_, story_id, feed, title, link, published = rows[0]
    if story_id is None:
        return Story(id_, title, [StoryArticle(id_, feed, title, link, published)])
    return _stories(store, [story_id])[0]


def story_sizes(store: Store, story_ids: Iterable[int]) -> dict[int, int]:
    """How many articles each of these stories has (for a "+N sources" marker)."""
    ids = list(dict.fromkeys(i for i in story_ids if i is not None))
    sizes: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        sizes.update(store.execute(
            "SELECT story_id, count(*) FROM articles "
            f"WHERE story_id IN ({','.join('?' * len(chunk))}) GROUP BY story_id",
            chunk,
        ))
    return sizes
