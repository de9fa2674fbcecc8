"""The article store: one SQLite file holding feeds, articles, read/star state and the search index.

Every SQL statement of the project lives here. Schema changes are migrations numbered by
`PRAGMA user_version`; a database from a newer version of the reader is refused, not touched.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from reader.core.models import Entry, ParsedFeed


class StoreError(Exception):
    """A problem with the database file, in the user's words."""


# --- what the rest of the reader reads -------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str
    link: str
    etag: str | None
    last_modified: str | None
    last_fetched: int | None
    last_error: str | None
    error_count: int
    unread: int = 0
    total: int = 0

    @property
    def name(self) -> str:
        """What the reader calls this feed: its title, or its address until it has one."""
        return self.title or self.url


@dataclass(frozen=True)
class ArticleRow:
    """One line of an article list: everything but the body."""

    id: int
    feed_id: int
    feed: str
    title: str
    link: str
    author: str
    published: int          # Unix seconds; the time first seen when the feed gave no date
    read: bool
    starred: bool
    story_id: int | None = None


@dataclass(frozen=True)
class Article(ArticleRow):
    summary: str = ""
    content: str = ""
    base: str = ""


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a list shows. Immutable: each narrowing returns a new filter."""

    feed_id: int | None = None
    unread: bool = False
    starred: bool = False
    search: str = ""
    mention: tuple[str, str] | None = None    # (kind, canonical name)
    one_per_story: bool = False               # a story carried by several feeds shows once

    def in_feed(self, feed_id: int | None) -> "ArticleFilter":
        return replace(self, feed_id=feed_id)

    def only_unread(self, on: bool = True) -> "ArticleFilter":
        return replace(self, unread=on)

    def only_starred(self, on: bool = True) -> "ArticleFilter":
        return replace(self, starred=on)

    def containing(self, words: str) -> "ArticleFilter":
        return replace(self, search=words.strip())

    def mentioning(self, kind: str, name: str) -> "ArticleFilter":
        return replace(self, mention=(kind, name))

    def by_story(self, on: bool = True) -> "ArticleFilter":
        return replace(self, one_per_story=on)


ALL = ArticleFilter()


@dataclass(frozen=True)
class StoreResult:
    """What storing one parsed feed changed."""

    new: int = 0
    updated: int = 0


@dataclass
class FeedToStore:
    """A parsed feed on its way into the store, with what its fetch returned."""

    feed_id: int
    parsed: ParsedFeed
    etag: str | None = None
    last_modified: str | None = None
    search_texts: Sequence[str] | None = None   # each entry's plain text, for the search index


@dataclass(frozen=True)
class Mentioned:
    """A person or place with the number of stored articles that mention it."""

    kind: str
    name: str
    articles: int


# --- schema ---------------------------------------------------------------------------------

_MIGRATIONS: list[str] = [
    # 1: feeds, articles, tombstones of deleted articles, full-text search
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        link TEXT NOT NULL DEFAULT '',
        etag TEXT,
        last_modified TEXT,
        last_fetched INTEGER,
        last_error TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        link TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        published INTEGER NOT NULL,
        dated INTEGER NOT NULL DEFAULT 1,
        summary TEXT NOT NULL DEFAULT '',
        content TEXT NOT NULL DEFAULT '',
        base TEXT NOT NULL DEFAULT '',
        search_text TEXT NOT NULL DEFAULT '',
        fingerprint TEXT NOT NULL DEFAULT '',
        added INTEGER NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        story_id INTEGER,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX articles_newest ON articles (published DESC, id DESC);
    CREATE INDEX articles_feed_newest ON articles (feed_id, published DESC, id DESC);
    CREATE INDEX articles_unread_newest ON articles (published DESC, id DESC) WHERE read = 0;
    CREATE INDEX articles_starred_newest ON articles (published DESC, id DESC) WHERE starred = 1;
    CREATE INDEX articles_feed_unread ON articles (feed_id) WHERE read = 0;
    CREATE INDEX articles_story ON articles (story_id);
    CREATE TABLE deleted_articles (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE article_search USING fts5(
        title, search_text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_search (rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END;
    CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
        INSERT INTO article_search (article_search, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
    END;
    CREATE TRIGGER articles_search_update AFTER UPDATE OF title, search_text ON articles BEGIN
        INSERT INTO article_search (article_search, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO article_search (rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END;
    """,
    # 2: the cached analysis of each body (de-duplication and people/places) and the mentions
    # it found, so that a body is analysed once per analysis version.
    """
    CREATE TABLE analyses (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        spans TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE mentions (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (article_id, kind, name)
    ) WITHOUT ROWID;
    CREATE INDEX mentions_by_name ON mentions (kind, name);
    """,
    # 3: the keys the story matcher files each article under (normalised link, title,
    # LSH bands of its text...); articles sharing a key are candidates for one story.
    """
    CREATE TABLE story_keys (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (kind, key, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX story_keys_article ON story_keys (article_id);
    """,
    # 4: the articles that stand for their story (one per story), newest first, so the
    # "All articles" list of 100,000 reads one covering index (70 ms, was 370 ms).
    """
    CREATE INDEX articles_story_leads ON articles (published DESC, id DESC, story_id)
        WHERE story_id IS NULL OR story_id = id;
    """,
    # 5: the unread index carries story_id too, so Unread (one row per story) at 100,000
    # reads the index alone for most rows (30 ms, was 185 ms).
    """
    DROP INDEX articles_unread_newest;
    CREATE INDEX articles_unread_newest ON articles (published DESC, id DESC, story_id)
        WHERE read = 0;
    """,
]

SCHEMA_VERSION = len(_MIGRATIONS)

_ROW_COLUMNS = (
    "a.id, a.feed_id, CASE WHEN f.title != '' THEN f.title ELSE f.url END, a.title, a.link, "
    "a.author, a.published, a.read, a.starred, a.story_id"
)


def search_words(text: str) -> list[str]:
    """The words of a user's search, with every character of FTS syntax dropped."""
    return re.findall(r"\w+", text.lower())


def fts_query(text: str) -> str:
    """Turn what the user typed into an FTS5 query that finds all its words.

    Each word is quoted, so `"`, `NEAR(`, `title:x`, `*`, `AND`/`OR`/`NOT` are plain words or
    nothing at all; the last word matches as a prefix, so results show while typing.
    """
    words = search_words(text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _now() -> int:
    return int(time.time())


class Store:
    """An open article database. Safe to share between threads (calls are serialised)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._idle_readers: list[sqlite3.Connection] = []     # read connections not in use
        self._closed = False
        self._writer: int | None = None      # the thread inside a write transaction
        try:
            self._db = sqlite3.connect(
                str(path), timeout=10.0, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._refuse_newer()     # before anything writes to a file we do not understand
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from error
        self.journal_mode = mode

    # --- opening and closing ---

    def _refuse_newer(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            raise StoreError(
                f"the database {self.path} was made by a newer version of the reader "
                f"(schema {version}, this one knows {SCHEMA_VERSION}); upgrade the reader"
            )

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, SCHEMA_VERSION):
            with self._transaction():
                for statement in _statements(_MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for connection in self._idle_readers:
                connection.close()
            self._idle_readers.clear()
            try:
                self._db.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._writer = threading.get_ident()
                try:
                    yield self._db
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
                else:
                    self._db.execute("COMMIT")
                finally:
                    self._writer = None
            except sqlite3.DatabaseError as error:
                raise StoreError(_explain(error, self.path)) from error

    def transaction(self):
        """One write transaction (BEGIN IMMEDIATE ... COMMIT), for modules that keep tables
        of their own in this database (the story matcher)."""
        return self._transaction()

    def _read(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        """Run a query on a read connection of its own.

        WAL lets readers run beside each other and beside the writer, so a long query in one
        worker never makes the screen wait for a short one (they would if they shared the
        writing connection and its lock). A thread inside a write transaction reads through
        that transaction's connection, to see its own changes.
        """
        if str(self.path) == ":memory:" or self._writer == threading.get_ident():
            with self._lock:
                return self._run(self._db, sql, params)
        reader = self._take_reader()
        try:
            return self._run(reader, sql, params)
        finally:
            with self._lock:
                if self._closed:
                    reader.close()
                else:
                    self._idle_readers.append(reader)

    def _run(self, connection: sqlite3.Connection, sql: str, params) -> list[tuple]:
        try:
            return connection.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from error

    def _take_reader(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise StoreError(f"the database {self.path} is closed")
            if self._idle_readers:
                return self._idle_readers.pop()
        try:
            connection = sqlite3.connect(
                str(self.path), timeout=10.0, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA query_only = ON")
            connection.execute("PRAGMA busy_timeout = 10000")
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from error
        return connection

    def optimize(self) -> None:
        """Give SQLite's planner fresh statistics (cheap; run after big changes)."""
        with self._lock:
            self._db.execute("PRAGMA optimize")

    def analyze(self) -> None:
        """Refresh the planner's statistics. With a sampling limit this takes a few tens of
        milliseconds even at 100,000 articles; without statistics SQLite can pick plans that
        are orders of magnitude slower (newsboat's cache is the cautionary tale)."""
        with self._lock:
            self._db.execute("PRAGMA analysis_limit = 1000")
            self._db.execute("ANALYZE")

    def integrity_ok(self) -> bool:
        return self._read("PRAGMA integrity_check")[0][0] == "ok"

    # --- feeds ---

    def add_feed(self, url: str, title: str = "") -> Feed:
        """Subscribe to `url` (a web address or a local path); adding twice is harmless."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO feeds (url, title, added) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO NOTHING",
                (url, title, _now()),
            )
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed

    def remove_feed(self, feed_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def feeds(self) -> list[Feed]:
        """Every feed, by name, with its unread and total counts."""
        return self._feeds_where(
            "1", (), order="lower(CASE WHEN f.title != '' THEN f.title ELSE f.url END), f.id"
        )

    def has_feeds(self) -> bool:
        return bool(self._read("SELECT 1 FROM feeds LIMIT 1"))

    def feed(self, feed_id: int) -> Feed | None:
        return next((f for f in self._feeds_where("f.id = ?", (feed_id,))), None)

    def feed_by_url(self, url: str) -> Feed | None:
        return next((f for f in self._feeds_where("f.url = ?", (url,))), None)

    def _feeds_where(self, where: str, params: tuple, order: str = "f.id") -> list[Feed]:
        rows = self._read(
            f"""
            SELECT f.id, f.url, f.title, f.link, f.etag, f.last_modified, f.last_fetched,
                   f.last_error, f.error_count,
                   (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0),
                   (SELECT count(*) FROM articles a WHERE a.feed_id = f.id)
            FROM feeds f WHERE {where} ORDER BY {order}
            """,
            params,
        )
        return [Feed(*row) for row in rows]

    def find_feed(self, text: str) -> Feed | None:
        """A feed by id, exact address, or title (case-insensitive), as a user names it."""
        if text.isdigit():
            feed = self.feed(int(text))
            if feed:
                return feed
        feed = self.feed_by_url(text)
        if feed:
            return feed
        found = self._feeds_where("lower(f.title) = lower(?)", (text,))
        return found[0] if found else None

    def unread_total(self) -> int:
        return self._read("SELECT count(*) FROM articles WHERE read = 0")[0][0]

    def record_error(self, feed_id: int, message: str) -> None:
        """Remember that the last refresh of a feed failed, and why."""
        with self._transaction() as db:
            db.execute(
                "UPDATE feeds SET last_error = ?, error_count = error_count + 1, "
                "last_fetched = ? WHERE id = ?",
                (message, _now(), feed_id),
            )

    def record_not_modified(self, feed_ids: Iterable[int]) -> None:
        """Remember that these feeds answered "not modified" (one transaction for all)."""
        now = _now()
        with self._transaction() as db:
            db.executemany(
                "UPDATE feeds SET last_error = NULL, error_count = 0, last_fetched = ? "
                "WHERE id = ?",
                [(now, feed_id) for feed_id in feed_ids],
            )

    def move_feed(self, feed_id: int, new_url: str) -> None:
        """Follow a permanent redirect: the feed lives at `new_url` from now on."""
        with self._transaction() as db:
            taken = db.execute(
                "SELECT id FROM feeds WHERE url = ? AND id != ?", (new_url, feed_id)
            ).fetchone()
            if not taken:
                db.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))

    # --- storing what a refresh brought ---

    def store_feed(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        search_texts: Sequence[str] | None = None,
    ) -> StoreResult:
        """Store a parsed feed's entries in one transaction.

        An entry already stored (same feed, same key) is updated only when its text changed,
        and keeps its read/starred state; an entry the user deleted stays deleted.
        `search_texts`, when given, is the plain text of each entry's body for the search
        index (computed by the caller, e.g. in parallel); otherwise it is computed here.
        """
        return self.store_feeds([FeedToStore(feed_id, parsed, etag, last_modified, search_texts)])[0]

    def store_feeds(self, feeds: Sequence[FeedToStore]) -> list[StoreResult]:
        """Store several parsed feeds in one transaction (see store_feed).

        A refresh stores the feeds that finished parsing together: the search index costs
        about half as much per article written in one transaction as in many small ones.
        """
        now = _now()
        with self._transaction() as db:
            return [self._store_entries(db, feed, now) for feed in feeds]

    def _store_entries(self, db: sqlite3.Connection, feed: FeedToStore, now: int) -> StoreResult:
        feed_id, parsed = feed.feed_id, feed.parsed
        search_texts = feed.search_texts
        if search_texts is None:
            search_texts = [plain_text(e.content or e.summary) for e in parsed.entries]
        deleted = {
            key for (key,) in db.execute(
                "SELECT key FROM deleted_articles WHERE feed_id = ?", (feed_id,)
            )
        }
        known = dict(
            db.execute("SELECT key, fingerprint FROM articles WHERE feed_id = ?", (feed_id,))
        )
        inserts, updates = [], []
        seen: set[str] = set()
        for entry, text in zip(parsed.entries, search_texts):
            if entry.key in deleted or entry.key in seen:
                continue
            seen.add(entry.key)
            fingerprint = _fingerprint(entry)
            old = known.get(entry.key)
            if old is None:
                inserts.append(_entry_row(feed_id, entry, text, fingerprint, now))
            elif old != fingerprint:
                updates.append(
                    (entry.title, entry.link, entry.author, entry.summary, entry.content,
                     entry.base, text, fingerprint, feed_id, entry.key)
                )
        db.executemany(
            "INSERT INTO articles (feed_id, key, title, link, author, published, dated, "
            "summary, content, base, search_text, fingerprint, added) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inserts,
        )
        if updates:
            db.executemany(
                "UPDATE articles SET title = ?, link = ?, author = ?, summary = ?, "
                "content = ?, base = ?, search_text = ?, fingerprint = ? "
                "WHERE feed_id = ? AND key = ?",
                updates,
            )
            db.execute(
                "DELETE FROM analyses WHERE article_id IN (SELECT id FROM articles "
                f"WHERE feed_id = ? AND key IN ({','.join('?' * len(updates))}))",
                (feed_id, *[u[-1] for u in updates]),
            )
        db.execute(
            "UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END, "
            "link = CASE WHEN ? != '' THEN ? ELSE link END, etag = ?, last_modified = ?, "
            "last_fetched = ?, last_error = ?, error_count = 0 WHERE id = ?",
            (parsed.title, parsed.title, parsed.link, parsed.link, feed.etag, feed.last_modified,
             now, parsed.warning, feed_id),
        )
        return StoreResult(new=len(inserts), updated=len(updates))

    # --- reading articles ---

    def _where(self, query: ArticleFilter) -> tuple[str, list]:
        clauses, params = [], []
        if query.feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(query.feed_id)
        if query.unread:
            clauses.append("a.read = 0")
        if query.starred:
            clauses.append("a.starred = 1")
        if query.search:
            match = fts_query(query.search)
            if match:
                clauses.append(
                    "a.id IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)"
                )
                params.append(match)
        if query.one_per_story:
            # A story is shown by its first article (whose id is the story's id); when that
            # one is filtered out (read, in an unread view), its other articles show instead.
            # (The same expression as the articles_story_leads index, so SQLite uses it.)
            shown_by_first = "a.story_id IS NULL OR a.story_id = a.id"
            if query.unread:
                shown_by_first += (
                    " OR NOT EXISTS (SELECT 1 FROM articles r "
                    "WHERE r.id = a.story_id AND r.read = 0)"
                )
            clauses.append(f"({shown_by_first})")
        if query.mention:
            clauses.append(
                "a.id IN (SELECT article_id FROM mentions WHERE kind = ? AND name = ?)"
            )
            params.extend(query.mention)
        return (" AND ".join(clauses) or "1"), params

    def articles(
        self,
        query: ArticleFilter = ALL,
        *,
        limit: int = 50,
        after: tuple[int, int] | None = None,
        offset: int = 0,
    ) -> list[ArticleRow]:
        """One page of articles, newest first, without bodies.

        `after` is the (published, id) of the last row of the previous page (keyset
        pagination: each page costs the same however deep it is).
        """
        where, params = self._where(query)
        if after is not None:
            where += " AND (a.published, a.id) < (?, ?)"
            params.extend(after)
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            f"WHERE {where} ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_row(r) for r in rows]

    def article_ids(self, query: ArticleFilter = ALL) -> list[int]:
        """The ids of every article the filter shows, newest first: what a virtual list
        needs to know its length and fetch any screenful (ids only, never bodies)."""
        where, params = self._where(query)
        rows = self._read(
            f"SELECT a.id FROM articles a WHERE {where} "
            "ORDER BY a.published DESC, a.id DESC",
            params,
        )
        return [r[0] for r in rows]

    def rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        """The list rows for these article ids, in the order given (missing ids skipped)."""
        if not ids:
            return []
        found: dict[int, ArticleRow] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            rows = self._read(
                f"SELECT {_ROW_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                f"WHERE a.id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for r in rows:
                found[r[0]] = _row(r)
        return [found[i] for i in ids if i in found]

    def matching_ids(self, words: str) -> set[int]:
        """The ids of every article containing all these words, unordered (cheaper than a
        sorted query when the caller already holds its view's ids in order)."""
        match = fts_query(words)
        if not match:
            return set()
        rows = self._read(
            "SELECT rowid FROM article_search WHERE article_search MATCH ?", (match,)
        )
        return {r[0] for r in rows}

    def count(self, query: ArticleFilter = ALL) -> int:
        where, params = self._where(query)
        return self._read(f"SELECT count(*) FROM articles a WHERE {where}", params)[0][0]

    def article(self, article_id: int) -> Article | None:
        rows = self._read(
            f"SELECT {_ROW_COLUMNS}, a.summary, a.content, a.base "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return Article(**_row(r).__dict__, summary=r[10], content=r[11], base=r[12])

    # --- read, star, delete ---

    def mark_read(self, ids: Iterable[int], read: bool = True) -> int:
        ids = list(ids)
        with self._transaction() as db:
            changed = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                changed += db.execute(
                    f"UPDATE articles SET read = ? WHERE read != ? AND id IN "
                    f"({','.join('?' * len(chunk))})",
                    (int(read), int(read), *chunk),
                ).rowcount
        return changed

    def story_article_ids(self, article_id: int) -> list[int]:
        """Every article of the story this article belongs to (itself alone if none)."""
        rows = self._read(
            "SELECT b.id FROM articles a JOIN articles b ON b.story_id = a.story_id "
            "WHERE a.id = ? ORDER BY b.id",
            (article_id,),
        )
        return [r[0] for r in rows] or [article_id]

    def mark_all_read(self, query: ArticleFilter = ALL) -> int:
        """Mark every article the filter shows as read (e.g. all of one feed)."""
        where, params = self._where(query)
        with self._transaction() as db:
            return db.execute(
                f"UPDATE articles AS a SET read = 1 WHERE a.read = 0 AND {where}", params
            ).rowcount

    def mark_feed_read(self, feed_id: int) -> int:
        return self.mark_all_read(ArticleFilter(feed_id=feed_id))

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self._transaction() as db:
            db.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def toggle_read(self, article_id: int) -> bool:
        """Flip an article's read state; returns the new state."""
        with self._transaction() as db:
            db.execute("UPDATE articles SET read = 1 - read WHERE id = ?", (article_id,))
            row = db.execute("SELECT read FROM articles WHERE id = ?", (article_id,)).fetchone()
        return bool(row and row[0])

    def toggle_star(self, article_id: int) -> bool:
        with self._transaction() as db:
            db.execute("UPDATE articles SET starred = 1 - starred WHERE id = ?", (article_id,))
            row = db.execute(
                "SELECT starred FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return bool(row and row[0])

    def delete_article(self, article_id: int) -> None:
        """Delete an article for good: later refreshes will not bring it back."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO deleted_articles (feed_id, key) "
                "SELECT feed_id, key FROM articles WHERE id = ?",
                (article_id,),
            )
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def expire(self, older_than_days: int) -> int:
        """Delete read, unstarred articles published more than `older_than_days` ago.

        They are remembered as deleted, so the next refresh does not bring them back.
        Unread and starred articles are always kept.
        """
        cutoff = _now() - older_than_days * 86400
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO deleted_articles (feed_id, key) SELECT feed_id, key "
                "FROM articles WHERE published < ? AND read = 1 AND starred = 0",
                (cutoff,),
            )
            return db.execute(
                "DELETE FROM articles WHERE published < ? AND read = 1 AND starred = 0",
                (cutoff,),
            ).rowcount

    # --- analysis cache: spans and mentions ---

    def analysis(self, article_id: int, version: str) -> str | None:
        """The stored spans (JSON) of an article's analysis, if made by this `version`."""
        rows = self._read(
            "SELECT spans FROM analyses WHERE article_id = ? AND version = ?",
            (article_id, version),
        )
        return rows[0][0] if rows else None

    def save_analysis(
        self,
        article_id: int,
        version: str,
        spans_json: str,
        mentions: Iterable[tuple[str, str, int]],
    ) -> None:
        """Store one article's analysis: its spans (JSON) and (kind, name, count) mentions."""
        self.save_analyses([(article_id, version, spans_json, list(mentions))])

    def save_analyses(self, results: Iterable[tuple[int, str, str, list]]) -> None:
        with self._transaction() as db:
            for article_id, version, spans_json, mentions in results:
                exists = db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,))
                if exists.fetchone() is None:
                    continue     # deleted while it was being analysed
                db.execute(
                    "INSERT OR REPLACE INTO analyses (article_id, version, spans) "
                    "VALUES (?, ?, ?)",
                    (article_id, version, spans_json),
                )
                db.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
                db.executemany(
                    "INSERT OR REPLACE INTO mentions (article_id, kind, name, count) "
                    "VALUES (?, ?, ?, ?)",
                    [(article_id, k, n, c) for k, n, c in mentions],
                )

    def unanalysed(self, version: str, limit: int = 100) -> list[int]:
        """Ids of articles (newest first) with no analysis by this `version`."""
        rows = self._read(
            "SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article_id = a.id "
            "WHERE n.version IS NULL OR n.version != ? "
            "ORDER BY a.published DESC, a.id DESC LIMIT ?",
            (version, limit),
        )
        return [r[0] for r in rows]

    def mentioned(self, kind: str, limit: int | None = None) -> list[Mentioned]:
        """Every person (or place) across stored articles, most-mentioned first."""
        rows = self._read(
            "SELECT kind, name, count(*) AS n FROM mentions WHERE kind = ? "
            "GROUP BY name ORDER BY n DESC, name LIMIT ?",
            (kind, -1 if limit is None else limit),
        )
        return [Mentioned(*r) for r in rows]

    def mentions_of(self, article_id: int) -> list[tuple[str, str, int]]:
        return self._read(
            "SELECT kind, name, count FROM mentions WHERE article_id = ? "
            "ORDER BY count DESC, name",
            (article_id,),
        )

    # --- raw access for the story matcher ---

    def execute(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """Run one statement (for modules that own their own tables). Prefer the methods."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner semicolons)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def _fingerprint(entry: Entry) -> str:
    from hashlib import blake2b     # here: the module's import is on the way to the first screen

    digest = blake2b(digest_size=12)
    for part in (entry.title, entry.link, entry.author, entry.summary, entry.content):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _entry_row(feed_id: int, entry: Entry, text: str, fingerprint: str, now: int) -> tuple:
    published = entry.published
    dated = published is not None
    return (
        feed_id, entry.key, entry.title, entry.link, entry.author,
        published if dated else now, int(dated), entry.summary, entry.content, entry.base,
        text, fingerprint, now,
    )


def _row(r: tuple) -> ArticleRow:
    return ArticleRow(
        id=r[0], feed_id=r[1], feed=r[2], title=r[3], link=r[4], author=r[5],
        published=r[6], read=bool(r[7]), starred=bool(r[8]), story_id=r[9],
    )


def plain_text(markup: str) -> str:
    """The words of an HTML (or plain) body, for the search index."""
    if "<" not in markup:
        return markup
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup)
    for node in tree.css("script, style"):
        node.decompose()
    body = tree.body
    return (body.text(separator=" ") if body is not None else "").strip()


def _explain(error: sqlite3.DatabaseError, path: Path) -> str:
    text = str(error)
    if "file is not a database" in text or "malformed" in text:
        return f"the database {path} is damaged or is not a reader database ({text})"
    if "readonly" in text or "read-only" in text:
        return f"the database {path} cannot be written (read-only file or folder)"
    if "locked" in text or "busy" in text:
        return f"the database {path} is busy: another reader is writing to it; try again"
    if "disk" in text and "full" in text:
        return f"the disk holding {path} is full"
    if "unable to open" in text:
        return f"cannot open the database {path} (does its folder exist and can you write to it?)"
    return f"database error in {path}: {text}"
