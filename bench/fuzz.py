"""Fuzz the body path: generated feed XML -> parse_feed -> clean -> blocks -> dedup -> render.

    /work/venv/bin/python bench/fuzz.py [--cases 10000] [--seed 0]

Properties (tests/hostile_corpus.check_pipeline): parse_feed raises nothing but FeedError,
nothing raises after it, no control character in any parsed string or rendered output,
and only http(s)/mailto links are listed. Prints cases/s and every distinct failure found.
tests/test_hostile.py runs 200 of these cases.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from hostile_corpus import check_pipeline, feed_documents  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    counts = {"cases": 0, "entries": 0, "refused": 0}
    failures: dict[str, tuple[bytes, str]] = {}
    slowest = [0.0, b""]

    @seed(args.seed)
    @settings(max_examples=args.cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(feed_documents())
    def run(document: bytes) -> None:
        counts["cases"] += 1
        started = time.perf_counter()
        try:
            entries = check_pipeline(document)
        except Exception as error:    # every failure is recorded, the run goes on
            where = traceback.extract_tb(error.__traceback__)[-1]
            key = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
            failures.setdefault(key, (document, f"{error!s}"[:300]))
            return
        took = time.perf_counter() - started
        if took > slowest[0]:
            slowest[:] = [took, document]
        counts["entries"] += entries
        counts["refused"] += entries == 0
        if counts["cases"] % 1000 == 0:
            print(f"  {counts['cases']} cases, {len(failures)} distinct failures", flush=True)

    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    print(f"{counts['cases']} cases in {elapsed:.1f} s ({counts['cases'] / elapsed:.0f} cases/s); "
          f"{counts['entries']} entries read, body-read and rendered; "
          f"{counts['refused']} documents refused by parse_feed or without entries; "
          f"slowest case {slowest[0] * 1000:.0f} ms ({len(slowest[1])} bytes)")
    print(f"{len(failures)} distinct failures")
    for key, (document, message) in failures.items():
        print(f"- {key}: {message}\n  input ({len(document)} bytes): {document[:400]!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
