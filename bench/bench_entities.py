"""Speed and memory of finding people and places: model load, RSS, tokens/s, one article.

usage: python bench/bench_entities.py [--runs N] [GOLD.jsonl]
"""

from __future__ import annotations

import os

# One core: the figures should not depend on how many the machine has.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

DATA = Path("/work/shared/data/people-places/news-people-places.jsonl")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="?", default=str(DATA))
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    docs = [json.loads(line) for line in Path(a.gold).read_text(encoding="utf8").splitlines() if line.strip()]
    texts = [d["text"] for d in docs]

    from reader.text.entities import ANALYSIS_VERSION, Recogniser

    before = rss_mb()
    rec = Recogniser()
    started = time.perf_counter()
    nlp = rec._loaded()  # the lazy load that the first article would pay for
    load_s = time.perf_counter() - started
    grown = rss_mb() - before

    tokens = sum(len(nlp.make_doc(t)) for t in texts)
    rec.mentions_many((t, "") for t in texts[:2])  # warm up
    batch = []
    for _ in range(a.runs):
        started = time.perf_counter()
        rec.mentions_many((t, "") for t in texts)
        batch.append(time.perf_counter() - started)

    # The document nearest 600 words stands for a typical article.
    article = min(texts, key=lambda t: abs(len(t.split()) - 600))
    one = []
    for _ in range(max(a.runs, 15)):
        started = time.perf_counter()
        rec.mentions(article)
        one.append(time.perf_counter() - started)

    median = statistics.median(batch)
    print(f"analysis {ANALYSIS_VERSION}, pipeline {nlp.pipe_names}, {len(texts)} documents, {tokens} tokens")
    print(f"model load (lazy, first use)   {load_s * 1000:8.0f} ms")
    print(f"RSS growth from loading        {grown:8.1f} MB   (RSS now {rss_mb():.0f} MB)")
    print(f"batch, median of {a.runs} runs        {median * 1000:8.0f} ms   = {tokens / median:,.0f} tokens/s")
    print(f"one article ({len(article.split())} words), median  {statistics.median(one) * 1000:8.1f} ms")
    print(f"RSS after the runs             {rss_mb():8.1f} MB")


if __name__ == "__main__":
    main()
