"""Precision and recall of "same story" on the labelled pairs in tests/data/story_pairs.jsonl,
overall and per category (and for the pairs added with the names layer, marked "new", on
their own), with the similarities behind each threshold.

Each pair is stored in a fresh database through the real Store and grouped by the real
group_new_articles; the pair is judged "same" when both articles end up in one story.
Usage: python bench/stories_eval.py [PAIRS.jsonl]
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from reader.core.models import Entry, ParsedFeed
from reader.core.store import Store
from reader.stories import group_new_articles
from reader.text.stories import (
    containment, fingerprint, headline_cover, jaccard, name_overlap, overlap, telling_numbers,
)

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "story_pairs.jsonl"


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _seconds(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def grouped_together(pair: dict, folder: Path) -> bool:
    """Store the two articles of a pair (a first) and say whether they became one story."""
    with Store(folder / "pair.db") as store:
        ids = []
        for side in (pair["a"], pair["b"]):
            feed = store.add_feed(f"https://feeds.example/{side['feed']}", side["feed"])
            entry = Entry(key=side["key"], title=side["title"], link=side["link"],
                          published=_seconds(side["published"]), content=side["text"])
            store.store_feed(feed.id, ParsedFeed(title=side["feed"], entries=[entry]))
            ids.append(store.execute(
                "SELECT id FROM articles WHERE feed_id = ? AND key = ?", (feed.id, side["key"])
            )[0][0])
        group_new_articles(store)
        a, b = (store.execute("SELECT story_id FROM articles WHERE id = ?", (i,))[0][0] for i in ids)
    return a == b


def judge(pairs: list[dict]) -> list[bool]:
    """For each pair, whether the matcher put its two articles in one story."""
    verdicts = []
    for pair in pairs:
        with tempfile.TemporaryDirectory() as folder:
            verdicts.append(grouped_together(pair, Path(folder)))
    return verdicts


def scores(pairs: list[dict], verdicts: list[bool]) -> dict[str, dict[str, float | int]]:
    """Precision and recall of "same story", overall and per category."""
    tallies: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    for pair, said in zip(pairs, verdicts):
        cell = ("t" if said == pair["same"] else "f") + ("p" if said else "n")
        for name in ("all", pair["category"]):
            tallies[name][cell] += 1
    result = {}
    for name, t in tallies.items():
        said_same, truly_same = t["tp"] + t["fp"], t["tp"] + t["fn"]
        result[name] = {
            **t,
            "pairs": sum(t.values()),
            "precision": t["tp"] / said_same if said_same else 1.0,
            "recall": t["tp"] / truly_same if truly_same else 1.0,
        }
    return result


def _similarities(pair: dict) -> dict[str, float]:
    a, b = (fingerprint(s["key"], s["title"], s["link"], s["text"], s["feed"]) for s in (pair["a"], pair["b"]))
    shared, part = name_overlap(a, b)
    return {"J": jaccard(a.shingles, b.shingles), "C": containment(a.shingles, b.shingles),
            "W": overlap(a.words, b.words), "names": shared, "part": part,
            "cover": headline_cover(a, b), "nums": len(telling_numbers(a) & telling_numbers(b)),
            "days": abs(_seconds(pair["a"]["published"]) - _seconds(pair["b"]["published"])) / 86400,
            "feeds": 1 if pair["a"]["feed"] == pair["b"]["feed"] else 2}


def _table(title: str, pairs: list[dict], verdicts: list[bool]) -> None:
    print(title)
    print(f"{'category':<12} {'pairs':>5} {'tp':>3} {'fp':>3} {'fn':>3} {'tn':>3} {'precision':>9} {'recall':>6}")
    for name, s in sorted(scores(pairs, verdicts).items(), key=lambda kv: kv[0] != "all"):
        print(f"{name:<12} {s['pairs']:>5} {s['tp']:>3} {s['fp']:>3} {s['fn']:>3} {s['tn']:>3} "
              f"{s['precision']:>9.3f} {s['recall']:>6.3f}")


def main() -> None:
    pairs = load_pairs(Path(sys.argv[1]) if len(sys.argv) > 1 else PAIRS)
    verdicts = judge(pairs)
    _table("all pairs:", pairs, verdicts)
    new = [i for i, p in enumerate(pairs) if p.get("new")]
    if new:
        # These were written before the names layer was built; its thresholds were set on the
        # earlier pairs, and one rule (the day of the week) was added after pair 82 failed.
        _table(f"\nof which new (added with the names layer, lines {new[0] + 1}-{new[-1] + 1}):",
               [pairs[i] for i in new], [verdicts[i] for i in new])
    print("\nper pair: shingle Jaccard J / containment C / content-word overlap W; names layer: "
          "shared names n (part of the shorter list), headline cover hc, shared telling numbers "
          "#, days apart d, feeds f; and the verdict")
    for index, (pair, said) in enumerate(zip(pairs, verdicts)):
        v = _similarities(pair)
        mark = "ok " if said == pair["same"] else "BAD"
        print(f"{mark} {'new' if pair.get('new') else '   '} {index + 1:>3} {pair['category']:<11} "
              f"same={pair['same']!s:<5} said={said!s:<5} "
              f"J={v['J']:.2f} C={v['C']:.2f} W={v['W']:.2f} n={v['names']:>2} ({v['part']:.2f}) "
              f"hc={v['cover']:.2f} #={v['nums']} d={v['days']:.1f} f={v['feeds']}  {pair['note'][:55]}")


if __name__ == "__main__":
    main()
