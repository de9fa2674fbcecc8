"""Story grouping at scale: time to group each new article into a store already holding N
grouped articles, and what the index costs (story_keys on disk, process RSS).

Usage: python bench/bench_stories.py [N ...]        (default: 10000 100000)
The stores are synthetic: 60 feeds, bodies of 150-600 words drawn from a Zipf-weighted
vocabulary of 20,000 made-up words (so LSH buckets are not all full), in sentences, naming
people and places drawn from a Zipf-weighted pool of 5,000 made-up capitalised names (so the
names layer has names to file and compare, some of them very common), with one article in ten
a wire copy of an earlier one (own address, "WIRE:" headline, footer), one in twenty an
independent report of an earlier one's event (its names, other words) and one in twenty a
templated daily report.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from reader.core.models import Entry, ParsedFeed
from reader.core.store import Store
from reader.stories import group_new_articles

FEEDS = 60
_SYLLABLES = "ka lo mi ne ru sa ti vo ze ba do fu".split()
_VOCABULARY = [a + b + c + d for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES
               for d in _SYLLABLES[:10]][:20000]
_WEIGHTS: list[float] = []
for _rank in range(len(_VOCABULARY)):
    _WEIGHTS.append((_WEIGHTS[-1] if _WEIGHTS else 0.0) + 1 / (_rank + 1))
_NAMES = [w.capitalize() for w in _VOCABULARY[::4]][:5000]
_NAME_WEIGHTS = _WEIGHTS[:len(_NAMES)]


def _prose(rng: random.Random, count: int, names: list[str]) -> str:
    """`count` words in sentences of 8-20 words, with the names scattered mid-sentence."""
    words = rng.choices(_VOCABULARY, cum_weights=_WEIGHTS, k=count)
    for name in names:
        words[rng.randrange(1, count)] = name
    out, start = [], 0
    while start < count:
        end = min(count, start + rng.randint(8, 20))
        sentence = " ".join(words[start:end])
        out.append(sentence[:1].upper() + sentence[1:] + ".")
        start = end
    return " ".join(out)


class Corpus:
    """Articles made up one at a time, remembering earlier ones so that some can be copied."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        # Only recent articles are copied, and remembering all would swell the RSS measured.
        self.made: deque[tuple[str, str, list[str]]] = deque(maxlen=2000)
        self.count = 0

    def article(self, when: int) -> tuple[int, Entry, str]:
        rng = self.rng
        self.count += 1
        n = self.count
        feed = rng.randrange(FEEDS)
        roll = rng.random()
        if roll < 0.1 and self.made:
            title, text, _ = rng.choice(self.made)
            title = "WIRE: " + title
            text += " Distributed by the wire service; all rights reserved."
        elif roll < 0.15 and self.made:
            # Another feed's own report of an earlier article's event: its names, other words.
            _, _, names = rng.choice(self.made)
            title = " ".join(rng.choices(_VOCABULARY, cum_weights=_WEIGHTS, k=rng.randint(3, 8))
                             + names[:2])
            text = _prose(rng, rng.randint(150, 600), names * 2)
        elif roll < 0.2:
            feed = 0                   # the feed with a daily report
            title = f"Weather for day {n}"
            text = (f"Here is the forecast for day {n}. Highs of {rng.randint(5, 30)}C and lows "
                    f"of {rng.randint(-5, 15)}C with winds of {rng.randint(0, 40)} mph. "
                    "This report is updated every morning with data from the weather service "
                    "and is free to republish with credit to the newsroom.")
        else:
            names = list(dict.fromkeys(rng.choices(_NAMES, cum_weights=_NAME_WEIGHTS, k=8)))
            title = " ".join(rng.choices(_VOCABULARY, cum_weights=_WEIGHTS, k=rng.randint(3, 9))
                             + names[:2])
            text = _prose(rng, rng.randint(150, 600), names * 2)
            self.made.append((title, text, names))
        return feed, Entry(key=f"item-{n}", title=title, link=f"https://feed{feed}.example/{n}",
                           published=when), text


def fill(store: Store, corpus: Corpus, count: int, start: int) -> None:
    """Store `count` new articles, in refreshes of up to 2,000 as a reader would."""
    feed_ids = [store.add_feed(f"https://feed{i}.example/rss", f"Feed {i}").id for i in range(FEEDS)]
    for first in range(0, count, 2000):
        by_feed: dict[int, tuple[list[Entry], list[str]]] = {}
        for i in range(first, min(count, first + 2000)):
            feed, entry, text = corpus.article(start + i * 60)
            entries, texts = by_feed.setdefault(feed, ([], []))
            entries.append(entry)
            texts.append(text)
        for feed, (entries, texts) in by_feed.items():
            store.store_feed(feed_ids[feed], ParsedFeed(title=f"Feed {feed}", entries=entries),
                             search_texts=texts)


def index_bytes(store: Store) -> int | None:
    try:
        rows = store.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN ('story_keys', 'story_keys_article')"
        )
    except Exception:
        return None            # SQLite built without the dbstat table
    return rows[0][0]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(size: int, folder: Path) -> None:
    corpus = Corpus(seed=size)
    start = 1_760_000_000
    with Store(folder / f"stories-{size}.db") as store:
        began = time.perf_counter()
        fill(store, corpus, size, start)
        stored = time.perf_counter() - began
        began = time.perf_counter()
        group_new_articles(store)
        bulk = time.perf_counter() - began
        store.analyze()
        rss_before = rss_mb()

        # A refresh: 100 new articles (some copies of earlier ones), grouped together.
        batches, cpu = [], []
        for round_ in range(5):
            fill(store, corpus, 100, start + (size + round_ * 100) * 60)
            began, began_cpu = time.perf_counter(), time.process_time()
            assert group_new_articles(store) == 100
            batches.append((time.perf_counter() - began) / 100)
            cpu.append((time.process_time() - began_cpu) / 100)
        # One article at a time, as a feed bringing a single new item.
        singles = []
        for i in range(50):
            fill(store, corpus, 1, start + (size + 600 + i) * 60)
            began = time.perf_counter()
            assert group_new_articles(store) == 1
            singles.append(time.perf_counter() - began)

        total = store.execute("SELECT count(*) FROM articles")[0][0]
        keys = store.execute("SELECT count(*) FROM story_keys")[0][0]
        multi = store.execute(
            "SELECT count(*) FROM (SELECT story_id FROM articles GROUP BY story_id "
            "HAVING count(*) > 1)"
        )[0][0]
        stored_index = index_bytes(store)
        layers = store.execute("SELECT kind, count(*) FROM story_keys GROUP BY kind ORDER BY kind")
        db_bytes = (folder / f"stories-{size}.db").stat().st_size
    print(f"--- {size:,} stored articles ({total:,} after the new ones) ---")
    print(f"  build: store {stored:.1f} s, first grouping of all {size:,}: {bulk:.1f} s "
          f"({bulk / size * 1000:.2f} ms/article)")
    print(f"  new article, in refreshes of 100: median {statistics.median(batches) * 1000:.2f} ms "
          f"per article (5 refreshes: {', '.join(f'{b * 1000:.2f}' for b in batches)}); "
          f"CPU time {statistics.median(cpu) * 1000:.2f} ms")
    print(f"  new article, one per call: median {statistics.median(singles) * 1000:.2f} ms, "
          f"p90 {sorted(singles)[int(len(singles) * 0.9)] * 1000:.2f} ms")
    print(f"  stories with more than one article: {multi:,}")
    print(f"  story_keys by kind: {', '.join(f'{k} {n:,}' for k, n in layers)}")
    print(f"  story_keys: {keys:,} rows ({keys / total:.1f} per article), "
          + (f"{stored_index / 2**20:.1f} MiB with its index ({stored_index / total:.0f} B/article)"
             if stored_index else "size unknown (no dbstat)")
          + f"; database file {db_bytes / 2**20:.0f} MiB (WAL not counted)")
    print(f"  peak RSS: {rss_before:.0f} MiB after building and grouping, {rss_mb():.0f} MiB at the end")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            bench(size, Path(folder))


if __name__ == "__main__":
    main()
