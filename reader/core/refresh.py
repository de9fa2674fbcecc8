"""Refresh many feeds: fetch them concurrently, parse them in worker processes, store them in batches.

A feed that fails records its error on the feed and never stops or slows the others. A
database that cannot be written stops the refresh (StoreError): that is not a feed's fault.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from reader.core.models import FeedError, FetchResult, ParsedFeed
from reader.core.store import Feed, FeedToStore, Store, plain_text

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


@dataclass(frozen=True)
class FeedRefreshed:
    """What refreshing one feed did."""

    feed_id: int
    name: str
    new: int = 0
    updated: int = 0
    error: str | None = None
    not_modified: bool = False
    warning: str | None = None


@dataclass
class RefreshSummary:
    feeds: int = 0
    new: int = 0
    updated: int = 0
    failed: int = 0
    not_modified: int = 0
    expired: int = 0
    outcomes: list[FeedRefreshed] = field(default_factory=list)

    def add(self, outcome: FeedRefreshed) -> None:
        self.outcomes.append(outcome)
        self.feeds += 1
        self.new += outcome.new
        self.updated += outcome.updated
        self.failed += outcome.error is not None
        self.not_modified += outcome.not_modified


OnFeed = Callable[[FeedRefreshed, int, int], None]


def parse_for_store(content: bytes, url: str, content_type: str | None) -> tuple[ParsedFeed, list[str]]:
    """Parse a fetched feed and extract each entry's searchable text (runs in a worker process)."""
    from reader.core.parse import parse_feed

    parsed = parse_feed(content, url=url, content_type=content_type)
    texts = [plain_text(e.content or e.summary) for e in parsed.entries]
    return parsed, texts


def parse_time_limit(size: int) -> float:
    """Seconds a feed of `size` bytes may take to parse before it is given up on.

    Normal feeds parse at well over 1 MB/s; the limit is for feeds built to make the parser
    crawl (some inputs make feedparser's regular expressions take quadratic time).
    """
    return 20.0 + size / 200_000


class _Batch:
    """Parsed feeds waiting to be stored together, in one transaction.

    Stored when they hold enough entries or the first has waited long enough, so a
    refresh's progress never lags far behind its parsing.
    """

    ENTRIES = 1000
    SECONDS = 0.5

    def __init__(self) -> None:
        self.items: list[tuple[_Parsing, ParsedFeed, list[str]]] = []
        self.entries = 0
        self.since = 0.0

    def add(self, item: _Parsing, parsed: ParsedFeed, texts: list[str]) -> None:
        if not self.items:
            self.since = time.monotonic()
        self.items.append((item, parsed, texts))
        self.entries += len(parsed.entries)

    def due(self) -> bool:
        return self.entries >= self.ENTRIES or time.monotonic() - self.since >= self.SECONDS

    def clear(self) -> None:
        self.items.clear()
        self.entries = 0


@dataclass
class _Parsing:
    feed: Feed
    result: FetchResult
    future: Future
    deadline: float


class _Parser:
    """Worker processes that parse feeds, each parse with a time limit.

    Parsing happens in other processes so that it uses every core and so that a feed that
    makes the parser crawl can be stopped: its worker is killed and the pool replaced.
    """

    def __init__(self, workers: int | None, time_limit: Callable[[int], float]):
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.time_limit = time_limit
        self.pool: ProcessPoolExecutor | None = None     # started at the first feed to parse
        self.pending: list[_Parsing] = []

    def submit(self, feed: Feed, result: FetchResult) -> None:
        from concurrent.futures.process import BrokenProcessPool

        for attempt in range(2):
            if self.pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                _start_resource_tracker()
                # "spawn": safe to start from a program with threads (the app, the fetchers).
                self.pool = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_watch_parent, initargs=(os.getpid(),),
                )
            try:
                future = self.pool.submit(parse_for_store, result.content or b"",
                                          result.moved_to or result.url, result.content_type)
            except BrokenProcessPool:
                self.close(kill=True)      # a worker died; start afresh once
                if attempt:
                    raise
                continue
            self.pending.append(_Parsing(feed, result, future, 0.0))
            return

    def busy(self) -> bool:
        # Back-pressure: never hold more than a few feeds waiting to be parsed or stored.
        return len(self.pending) > 2 * self.workers

    def step(self, wait_a_little: bool) -> list[tuple[_Parsing, object]]:
        """The parses that ended since the last step, as (parsing, outcome): the parse's
        result, or an Exception (FeedError, a crash, or TimeoutError when it took too long)."""
        if not self.pending:
            return []
        from concurrent.futures.process import BrokenProcessPool

        now = time.monotonic()
        for item in self.pending:
            # A parse's clock starts when a worker takes it, not while it waits in line.
            if not item.deadline and item.future.running():
                item.deadline = now + self.time_limit(len(item.result.content or b""))
        if wait_a_little:
            wait([item.future for item in self.pending], timeout=0.25,
                 return_when=FIRST_COMPLETED)
        now = time.monotonic()
        ended: list[tuple[_Parsing, object]] = []
        broken = False
        for item in list(self.pending):
            if item.future.done():
                self.pending.remove(item)
                try:
                    ended.append((item, item.future.result()))
                except BrokenProcessPool:
                    broken = True
                    ended.append((item, RuntimeError("the parser stopped unexpectedly")))
                except Exception as error:
                    ended.append((item, error))
            elif item.deadline and now > item.deadline:
                self.pending.remove(item)
                ended.append((item, TimeoutError()))
                broken = True
        if broken:
            self._restart()
        return ended

    def _restart(self) -> None:
        """Kill the workers (one is stuck or dead) and parse what was waiting in a new pool."""
        waiting = [(item.feed, item.result) for item in self.pending]
        self.pending.clear()
        self.close(kill=True)
        for feed, result in waiting:
            self.submit(feed, result)

    def close(self, kill: bool = False) -> None:
        if self.pool is None:
            return
        if kill:
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.kill()
        self.pool.shutdown(wait=not kill, cancel_futures=True)
        self.pool = None


def _watch_parent(parent: int) -> None:
    """Runs in each parse worker: end the worker once the reader that started it is gone.

    A reader killed outright (kill -9, a closed terminal) cannot shut its pool down, and
    the workers would otherwise wait for work forever (each holds its queue's other end).
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real standard error.

    The tracker hands `sys.stderr.fileno()` to its process; inside the app, Textual has
    replaced sys.stderr with an object whose fileno() is not a real descriptor, and the
    worker processes would fail to start ("bad value(s) in fds_to_keep").
    """
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except Exception:
        usable = False
    if usable or sys.__stderr__ is None:
        return
    replaced, sys.stderr = sys.stderr, sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = replaced


def refresh(
    store: Store,
    feed_ids: Iterable[int] | None = None,
    *,
    concurrency: int = 8,
    on_feed: OnFeed | None = None,
    parse_workers: int | None = None,
    retention_days: int | None = None,
    time_limit: Callable[[int], float] = parse_time_limit,
    fetch_options: dict | None = None,
) -> RefreshSummary:
    """Fetch, parse and store the given feeds (all feeds when None).

    `on_feed(outcome, done, total)` is called after each feed, from this thread.
    With `retention_days`, read and unstarred articles older than that are deleted afterwards.
    Raises StoreError when the database cannot be written (disk full, read-only, damaged).
    """
    from reader.core.fetch import Fetcher

    feeds = store.feeds()
    if feed_ids is not None:
        wanted = set(feed_ids)
        feeds = [f for f in feeds if f.id in wanted]
    by_url = {f.url: f for f in feeds}
    summary = RefreshSummary()
    total = len(feeds)

    def finish(outcome: FeedRefreshed) -> None:
        summary.add(outcome)
        if on_feed is not None:
            on_feed(outcome, summary.feeds, total)

    def fail(feed: Feed, message: str) -> None:
        store.record_error(feed.id, message)
        finish(FeedRefreshed(feed.id, feed.name, error=message))

    def store_parsed(item: _Parsing, outcome: object) -> None:
        """A failed parse is recorded now; a parsed feed joins the batch to be stored."""
        feed = item.feed
        if isinstance(outcome, FeedError):
            fail(feed, str(outcome))
        elif isinstance(outcome, TimeoutError):
            fail(feed, "reading this feed took too long; it may be built to slow readers down")
        elif isinstance(outcome, Exception):
            fail(feed, f"could not read this feed: {outcome}")
        else:
            batch.add(item, *outcome)

    def store_batch(force: bool = False) -> None:
        """Store the parsed feeds waiting in the batch, if it is big or old enough."""
        if not batch.items or not (force or batch.due()):
            return
        for item, _parsed, _texts in batch.items:
            if item.result.moved_to:
                store.move_feed(item.feed.id, item.result.moved_to)
        counts = store.store_feeds([
            FeedToStore(item.feed.id, parsed, item.result.etag, item.result.last_modified, texts)
            for item, parsed, texts in batch.items
        ])
        for (item, parsed, _texts), count in zip(batch.items, counts):
            finish(FeedRefreshed(item.feed.id, parsed.title or item.feed.name, count.new,
                                 count.updated, warning=parsed.warning))
        batch.clear()

    def take(ended: list[tuple[_Parsing, object]]) -> None:
        for item, outcome in ended:
            store_parsed(item, outcome)
        store_batch()

    parser = _Parser(parse_workers, time_limit)
    batch = _Batch()
    not_modified: list[int] = []
    fetcher = Fetcher(concurrency=concurrency, **(fetch_options or {}))
    try:
        for result in fetcher.fetch_all([(f.url, f.etag, f.last_modified) for f in feeds]):
            feed = by_url[result.url]
            if result.error:
                fail(feed, result.error)
            elif result.not_modified:
                # Written all at once at the end: a commit per unchanged feed would cost
                # more than everything else a refresh with nothing new does.
                not_modified.append(feed.id)
                finish(FeedRefreshed(feed.id, feed.name, not_modified=True))
            else:
                parser.submit(feed, result)
            take(parser.step(wait_a_little=False))
            while parser.busy():
                take(parser.step(wait_a_little=True))
        while parser.pending:
            take(parser.step(wait_a_little=True))
        store_batch(force=True)
    finally:
        fetcher.close()
        parser.close(kill=bool(parser.pending))
        if not_modified:
            store.record_not_modified(not_modified)
    if retention_days:
        summary.expired = store.expire(retention_days)
    if summary.new or summary.updated or summary.expired:
        store.analyze()
    return summary
