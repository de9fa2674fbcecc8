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

# A Zipf-like vocabulary: common words shared by every paragraph, as in real prose, so the
# near-repeat index meets long posting lists.
COMMON = ("the of and to a in that is was he for it with as his on be at by i this had not "
          "are but from or have an they which one you were her all she there would their we "
          "him been has when who will more no if out so said what up its about into than them "
          "can only other new some could time these two may then do first any my now such like "
          "our over man me even most made after also did many before must through back years "
          "where much your way well down should because each just those people mr how too "
          "little state good very make world still own see men work long get here between both "
          "life being under never day same another know while last might us great old year off "
          "come since against go came right used take three").split()
RARE = [f"{a}{b}{c}" for a in "bcdfgklmnprstvz" for b in "aeiou" for c in ("n", "r", "s", "t", "l")]


def paragraph(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        out.append(rng.choice(COMMON) if rng.random() < 0.6 else rng.choice(RARE))
    out[0] = out[0].capitalize()
    text = " ".join(out)
    if rng.random() < 0.3:
        text += f' <a href="/story/{rng.randrange(10**6)}">related</a>'
    return text + "."


def html_body(paragraphs: int, seed: int) -> str:
    rng = random.Random(seed)
    parts = ["<h1>Headline of the story</h1>", '<img src="/pic.jpg" alt="A picture">']
    texts = [paragraph(rng, rng.randint(30, 80)) for _ in range(paragraphs)]
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
    parts.append(f"<p>{texts[3].replace(' the ', ' a ', 1)}</p>")
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
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read_and_render(markup)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    read_and_render(markup)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    body = read_body(title="Headline of the story", content=markup)
    print(f"{name:8} {len(markup) / 1024:8.0f} KB  {len(body.original):5} blocks  "
          f"{len(body.removed):3} removed  median {statistics.median(times) * 1000:8.1f} ms  "
          f"peak memory {peak / 2**20:6.1f} MiB")


def main() -> None:
    typical = html_body(9, seed=1)
    while len(typical) < 5 * 1024:
        typical = typical.replace("</p>", " More words follow here for length.</p>", 1)
    huge = html_body(2000, seed=2)
    measure("typical", typical, runs=51)
    measure("huge", huge, runs=5)


if __name__ == "__main__":
    main()
