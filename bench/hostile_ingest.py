"""Ingest every hostile and broken feed we have through the real pipeline, and print the figures.

    /work/venv/bin/python bench/hostile_ingest.py [--no-giants] [--keep DIR]

feedparser's own test suite (2,106 files) + the generated corpus (tests/hostile_corpus.py) + a
50 MB feed + a 100,000-entry feed, each added as a local file to one Store; one refresh; then
read_body + render_body of every stored article to a Console. Prints files, accepted, refused
(distinct messages with counts), crashes (must be 0), broken promises (control characters,
dangerous links, markup not shown literally), max time per file and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile_corpus as corpus  # noqa: E402


def peak_rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-giants", action="store_true", help="Leave out the 50 MB and 100,000-entry feeds.")
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generated = corpus.generate(folder / "corpus")
        files = corpus.feedparser_files() + generated
        giants = []
        if not args.no_giants:
            giants = [corpus.write_big_feed(folder / "giant-50mb.xml", 50),
                      corpus.write_many_entries_feed(folder / "giant-100k-entries.xml", 100_000)]
            files += giants
        print(f"corpus: {len(corpus.feedparser_files())} feedparser files, {len(generated)} generated, "
              f"{len(giants)} giants ({', '.join(f'{p.name} {p.stat().st_size / 1e6:.1f} MB' for p in giants)}); "
              f"written in {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        report = corpus.ingest(folder / "hostile.db", files, check_colour=True,
                               on_progress=lambda s: print(f"  {s} ({time.perf_counter() - started:.0f} s)", flush=True))
        elapsed = time.perf_counter() - started
        own, children = peak_rss_mib()

        print(f"\nfiles:     {report.files}")
        print(f"accepted:  {report.accepted}")
        print(f"refused:   {sum(report.refused.values())}")
        for message, count in sorted(report.refused.items(), key=lambda kv: -kv[1]):
            print(f"  {count:5d}  {message}")
        print(f"crashes:   {len(report.crashes)}")
        for crash in report.crashes[:10]:
            print("  " + crash.replace("\n", "\n  "))
        print(f"articles:  {report.articles} stored, {report.rendered} read and rendered "
              f"({report.markup_checked} bodies with Rich markup checked shown literally)")
        print(f"problems:  {len(report.problems)}")
        for problem in report.problems[:20]:
            print(f"  {problem}")
        print(f"max time per file: {report.slowest[0]:.2f} s ({Path(report.slowest[1]).name})")
        print(f"total: {elapsed:.1f} s; peak RSS {own:.0f} MiB (this process), {children:.0f} MiB (largest child)")
        return 1 if report.crashes or report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
