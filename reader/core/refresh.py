"""Refresh many feeds: fetch them concurrently, parse off the main thread, store each in one transaction.

A feed that fails records its error on the feed and never stops or slows the others.
"""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Iterable

from reader.core.models import FetchResult, ParsedFeed
from reader.core.store import Feed, Store, StoreError, plain_text

# Bodies smaller than this are parsed in this process: starting a worker process costs more
# than parsing them. Larger ones go to a pool of processes, so parsing uses every core.
_PARSE_IN_POOL_FROM = 256 * 1024


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


def refresh(
    store: Store,
    feed_ids: Iterable[int] | None = None,
    *,
    concurrency: int = 8,
    on_feed: OnFeed | None = None,
    parse_workers: int | None = None,
    retention_days: int | None = None,
) -> RefreshSummary:
    """Fetch, parse and store the given feeds (all feeds when None).

    `on_feed(outcome, done, total)` is called after each feed, from this thread.
    With `retention_days`, read and unstarred articles older than that are deleted afterwards.
    """
    from reader.core.fetch import Fetcher
    from reader.core.parse import FeedError

    feeds = store.feeds()
    if feed_ids is not None:
        wanted = set(feed_ids)
        feeds = [f for f in feeds if f.id in wanted]
    by_url = {f.url: f for f in feeds}
    summary = RefreshSummary()
    total = len(feeds)
    pool: ProcessPoolExecutor | None = None
    pending: list[tuple[Feed, FetchResult, Future]] = []

    def finish(feed: Feed, outcome: FeedRefreshed) -> None:
        summary.add(outcome)
        if on_feed is not None:
            on_feed(outcome, summary.feeds, total)

    def store_parsed(feed: Feed, result: FetchResult, parsed: ParsedFeed, texts: list[str]) -> None:
        try:
            if result.moved_to:
                store.move_feed(feed.id, result.moved_to)
            counts = store.store_feed(
                feed.id, parsed, etag=result.etag, last_modified=result.last_modified,
                search_texts=texts,
            )
        except StoreError as error:
            finish(feed, FeedRefreshed(feed.id, feed.name, error=str(error)))
            return
        name = parsed.title or feed.name
        finish(feed, FeedRefreshed(feed.id, name, counts.new, counts.updated,
                                   warning=parsed.warning))

    def fail(feed: Feed, message: str) -> None:
        try:
            store.record_error(feed.id, message)
        except StoreError:
            pass
        finish(feed, FeedRefreshed(feed.id, feed.name, error=message))

    def collect(block: bool) -> None:
        for item in list(pending):
            feed, result, future = item
            if not block and not future.done():
                continue
            pending.remove(item)
            try:
                parsed, texts = future.result()
            except FeedError as error:
                fail(feed, str(error))
            except Exception as error:   # a crashed worker must not stop the refresh
                fail(feed, f"could not read this feed: {error}")
            else:
                store_parsed(feed, result, parsed, texts)

    fetcher = Fetcher(concurrency=concurrency)
    try:
        requests = [(f.url, f.etag, f.last_modified) for f in feeds]
        for result in fetcher.fetch_all(requests):
            feed = by_url[result.url]
            if result.error:
                fail(feed, result.error)
            elif result.not_modified:
                store.record_not_modified(feed.id)
                finish(feed, FeedRefreshed(feed.id, feed.name, not_modified=True))
            elif len(result.content or b"") >= _PARSE_IN_POOL_FROM:
                if pool is None:
                    pool = _parse_pool(parse_workers)
                future = pool.submit(parse_for_store, result.content,
                                     result.moved_to or result.url, result.content_type)
                result.content = None      # the worker has its copy; do not hold two
                pending.append((feed, result, future))
                # Back-pressure: never hold more than a few parsed feeds waiting to be stored.
                while len(pending) > 2 * pool._max_workers:
                    wait([f for _, _, f in pending], return_when=FIRST_COMPLETED)
                    collect(block=False)
            else:
                try:
                    parsed, texts = parse_for_store(result.content or b"",
                                                    result.moved_to or result.url,
                                                    result.content_type)
                except FeedError as error:
                    fail(feed, str(error))
                else:
                    store_parsed(feed, result, parsed, texts)
            collect(block=False)
        collect(block=True)
    finally:
        fetcher.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if retention_days:
        summary.expired = store.expire(retention_days)
    if summary.new or summary.updated:
        store.optimize()
    return summary


def _parse_pool(workers: int | None) -> ProcessPoolExecutor:
    import multiprocessing

    count = workers or max(1, min(4, os.cpu_count() or 1))
    # "spawn" so that a pool started from a threaded program (the app) is safe.
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
