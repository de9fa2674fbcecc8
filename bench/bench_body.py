"""Median time and peak memory to parse, de-duplicate and render article bodies.

A typical body (about 5 KB of HTML) and a huge one (about 1 MB, 2,000 paragraphs), rendered
to a 100-column console writing into a StringIO. Targets: typical < 5 ms, huge < 1 s.

    PYTHONPATH=. python bench/bench_body.py
"""

from __future__ import annotations

import io
import random
import statistics
import time
import tracemalloc

from rich.console import Console

from reader.text.body import read_body
from reader.text.render import render_body

# A Zipf-distributed vocabulary of 6,000 made-up words: a few words ("w0", "w1") are in
# every paragraph, as "the" and "of" are in real prose, so the near-repeat index meets long
# posting lists, and most words are rare.
def made_up_word(rank: int) -> str:
    letters = "bcdfghklmnprstvz"
    word = ""
    while True:
        word += letters[rank % 16] + "aeiou"[rank // 16 % 5]
        rank //= 80
        if not rank:
            return word


VOCABULARY = [made_up_word(rank) for rank in range(6000)]
WEIGHTS = [1 / (rank + 1) for rank in range(6000)]


def paragraph(rng: random.Random, words: int) -> str:
    out = rng.choices(VOCABULARY, WEIGHTS, k=words)
    text = " ".join(out).capitalize()
    if rng.random() < 0.3:
        text += f' <a href="/story/{rng.randrange(10**6)}">related</a>'
    return text + "."


def html_body(paragraphs: int, seed: int) -> str:
    rng = random.Random(seed)
    parts = ["<h1>Headline of the story</h1>", '<img src="/pic.jpg" alt="A picture">']
    texts = [paragraph(rng, rng.randint(80, 140)) for _ in range(paragraphs)]
    for n, text in enumerate(texts):
        if n % 25 == 12:
            parts.append(f"<h2>Section {n}</h2>")
        if n % 40 == 20:
            parts.append("<ul>" + "".join(f"<li>{paragraph(rng, 8)}</li>" for _ in range(3)) + "</ul>")
        if n % 50 == 30:
            parts.append(f"<blockquote><p>{paragraph(rng, 20)}</p></blockquote>")
        parts.append(f"<p>{text}</p>")
    # Repeats the de-duplication has to find: some copies, one run, one edited copy.
    parts += [f"<p>{texts[1]}</p>", f"<p>{texts[2]}</p>", "<p>Advertisement</p>"]
    edited = texts[3].split(" ")
    edited[5] = "changed"
    parts.append(f"<p>{' '.join(edited)}</p>")
    return "\n".join(parts)


def read_and_render(markup: str) -> str:
    body = read_body(title="Headline of the story", content=markup,
                     base_url="https://news.example/2024/story")
    console = Console(file=io.StringIO(), width=100, color_system="truecolor",
                      force_terminal=True, legacy_windows=False)
    console.print(render_body(body))
    return console.file.getvalue()


def measure(name: str, markup: str, runs: int) -> None:
    read_and_render(markup)    # warm up imports and caches
    times, cpu_times = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        read_and_render(markup)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    tracemalloc.start()
    read_and_render(markup)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    body = read_body(title="Headline of the story", content=markup)
    print(f"{name:8} {len(markup) / 1024:8.0f} KB  {len(body.original):5} blocks  "
          f"{len(body.removed):3} removed  median {statistics.median(times) * 1000:8.1f} ms "
          f"(cpu {statistics.median(cpu_times) * 1000:.1f} ms)  "
          f"peak memory {peak / 2**20:6.1f} MiB")


def main() -> None:
    typical = html_body(9, seed=1)       # about 5 KB
    huge = html_body(2000, seed=2)       # about 1 MB
    measure("typical", typical, runs=51)
    measure("huge", huge, runs=5)


if __name__ == "__main__":
    main()
