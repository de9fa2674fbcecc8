"""Build a synthetic article database of N articles in M feeds with the real Store.

Usage: python bench/make_db.py PATH [ARTICLES] [FEEDS]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from reader.core.models import Entry, ParsedFeed
from reader.core.store import Store

_WORDS = (
    "prison election harbour minister storm market river council border treaty "
    "volcano lake festival strike budget court bridge vaccine drought railway "
    "summit protest harvest museum satellite island senate refinery glacier port"
).split()
# A larger made-up vocabulary with Zipf-like frequencies, so searches find realistic numbers
# of articles (common words in most, rare words in a few) rather than all of them.
_SYLLABLES = "ka lo mi ne ru sa ti vo ze ba".split()
_VOCABULARY = _WORDS + [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES]
_WEIGHTS = []
for _rank in range(len(_VOCABULARY)):
    _WEIGHTS.append((_WEIGHTS[-1] if _WEIGHTS else 0) + 1 / (_rank + 1))
_PEOPLE = ["Nayib Bukele", "Marco Rubio", "Ada Lovelace", "Grace Hopper", "Alan Turing"]
_PLACES = ["El Salvador", "Lake Coatepeque", "Lisbon", "Nairobi", "Reykjavik", "Osaka"]


def _body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        words = rng.choices(_VOCABULARY, cum_weights=_WEIGHTS, k=rng.randint(25, 60))
        words.insert(rng.randrange(len(words)), rng.choice(_PEOPLE))
        words.insert(rng.randrange(len(words)), rng.choice(_PLACES))
        sentence = " ".join(words)
        paragraphs.append("<p>" + sentence[0].upper() + sentence[1:] + ".</p>")
    return "".join(paragraphs)


def make_db(path: str | Path, articles: int = 100_000, feeds: int = 200) -> None:
    """Fill a new database at `path` with `articles` articles spread over `feeds` feeds."""
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rng = random.Random(1234)
    now = int(time.time())
    per_feed, extra = divmod(articles, feeds)
    with Store(path) as store:
        for number in range(feeds):
            feed = store.add_feed(f"https://news{number}.example.org/feed.xml")
            count = per_feed + (1 if number < extra else 0)
            entries = []
            for i in range(count):
                title = " ".join(
                    rng.choices(_VOCABULARY, cum_weights=_WEIGHTS, k=rng.randint(4, 10))
                ).capitalize()
                body = _body(rng)
                entries.append(Entry(
                    key=f"{number}-{i}",
                    title=title,
                    link=f"https://news{number}.example.org/{i}.html",
                    author=rng.choice(_PEOPLE),
                    published=now - rng.randint(0, 365 * 86400),
                    summary=body[:200],
                    content=body,
                ))
            parsed = ParsedFeed(title=f"News {number:03d}", link=f"https://news{number}.example.org/",
                                entries=entries)
            # The plain text for the search index is the body without its tags, made here
            # because it is much cheaper than parsing the HTML of every synthetic body.
            texts = [e.content.replace("<p>", " ").replace("</p>", " ") for e in entries]
            store.store_feed(feed.id, parsed, search_texts=texts)
        # About a third read and a few starred, so the unread/starred views are realistic.
        ids = store.article_ids()
        store.mark_read([i for i in ids if i % 3 == 0])
        for article_id in ids[::97]:
            store.set_starred(article_id, True)
        store.analyze()


if __name__ == "__main__":
    target = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    started = time.perf_counter()
    make_db(target, n, m)
    print(f"{target}: {n} articles in {m} feeds, built in {time.perf_counter() - started:.1f} s")
