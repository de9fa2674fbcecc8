"""Entries per second of parse_feed on synthetic RSS 2.0 feeds, beside feedparser's defaults.

Each entry has a 1-3 KB HTML body in content:encoded plus a description, as news feeds do.

    PYTHONPATH=. python bench/bench_parse.py [N ...]     (default: 1000 10000)
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import time
from email.utils import formatdate

import feedparser

from reader.core.parse import parse_feed

WORDS = ("the president said on monday that the government would review its security policy after "
         "talks in san salvador with officials from the united states where the lake near the "
         "capital drew visitors and reporters asked about prisons elections budgets and trade "
         "ministers met again on tuesday to discuss migration coffee exports and the new port").split()


def paragraph(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(25, 60))
    words[0] = words[0].capitalize()
    link = rng.randrange(3)
    text = " ".join(words)
    if link == 0:
        text += f' <a href="/news/{rng.randrange(10**6)}">more</a>'
    elif link == 1:
        text = f"<strong>{text[:40]}</strong>{text[40:]}"
    return f"<p>{text}.</p>"


def body(rng: random.Random) -> str:
    """HTML between 1 and 3 KB: paragraphs, sometimes a heading, a figure or a quote."""
    target = rng.randint(1024, 3072)
    parts: list[str] = []
    size = 0
    while size < target:
        kind = rng.random()
        if kind < 0.1:
            part = f"<h2>{' '.join(rng.choices(WORDS, k=5)).title()}</h2>"
        elif kind < 0.2:
            part = (f'<figure><img src="https://cdn.example.com/img/{rng.randrange(10**6)}.jpg" alt="photo">'
                    f"<figcaption>{' '.join(rng.choices(WORDS, k=8))}</figcaption></figure>")
        elif kind < 0.25:
            part = f"<blockquote>{paragraph(rng)}</blockquote>"
        else:
            part = paragraph(rng)
        parts.append(part)
        size += len(part)
    return "".join(parts)


def synthetic_feed(count: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    items = []
    start = 1_735_689_600  # 2025-01-01
    for number in range(count):
        title = " ".join(rng.choices(WORDS, k=rng.randint(6, 12))).capitalize()
        items.append(
            "<item>"
            f"<title>{title}</title>"
            f"<link>https://news.example.com/{number}</link>"
            f'<guid isPermaLink="false">urn:news:{number}</guid>'
            f"<dc:creator>Reporter {rng.randrange(50)}</dc:creator>"
            f"<pubDate>{formatdate(start + number * 600, usegmt=True)}</pubDate>"
            f"<description><![CDATA[<p>{' '.join(rng.choices(WORDS, k=30))}</p>]]></description>"
            f"<content:encoded><![CDATA[{body(rng)}]]></content:encoded>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>Synthetic news</title><link>https://news.example.com/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")


def median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(counts: list[int]) -> None:
    print(f"{'entries':>8} {'size':>8}  {'parse_feed':>14}  {'feedparser, our options':>24}  "
          f"{'feedparser defaults':>20}")
    for count in counts:
        content = synthetic_feed(count)
        repeats = 5 if count <= 2000 else 3
        entries = len(parse_feed(content, "https://news.example.com/rss").entries)
        assert entries == count, (entries, count)
        ours = median_seconds(lambda: parse_feed(content, "https://news.example.com/rss"), repeats)
        bare = median_seconds(lambda: feedparser.parse(io.BytesIO(content), sanitize_html=False,
                                                       resolve_relative_uris=False), repeats)
        default = median_seconds(lambda: feedparser.parse(io.BytesIO(content)), repeats)
        print(f"{count:>8} {len(content) / 2**20:>6.1f}MB  {count / ours:>8,.0f} ent/s  "
              f"{count / bare:>18,.0f} ent/s  {count / default:>14,.0f} ent/s")
    print("parse_feed = feedparser (sanitize and relative-URI resolution off) + entity check "
          "+ cleaning + Entry records; median of runs")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
