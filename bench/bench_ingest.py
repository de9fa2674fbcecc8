"""Ingest benchmark: synthetic feeds of N articles, refreshed by the real `reader` command.

For each N it prints: ingest throughput from local files and from a 127.0.0.1 server
(articles/s, whole process), database size, peak RSS of the refresh, and the median time of
`reader articles --limit 50` on the full database (whole process).

    python bench/bench_ingest.py            # N = 1k, 10k, 100k
    python bench/bench_ingest.py 1000 10000
"""

from __future__ import annotations

import functools
import http.server
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PER_FEED = 500
WORDS = (
    "minister council river harbour election budget storm festival museum court railway "
    "school hospital farmers market bridge coast mountain village university police ferry "
    "parliament treaty summit drought harvest airport station library theatre stadium"
).split()
PLACES = ["Valencia", "Geneva", "Nakuru", "Lake Coatepeque", "Tromsø", "Cusco", "Busan", "Perth"]
PEOPLE = ["Ana Ortiz", "Ingrid Solberg", "Tomás Herrera", "Mei Lin", "Kwame Mensah", "Lars Berg"]


def paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 90))]
    words[rng.randrange(len(words))] = rng.choice(PEOPLE)
    words[rng.randrange(len(words))] = rng.choice(PLACES)
    return "<p>" + " ".join(words).capitalize() + ".</p>"


def write_feed(path: Path, feed_no: int, count: int, rng: random.Random) -> None:
    items = []
    for i in range(count):
        body = "".join(paragraph(rng) for _ in range(rng.randint(2, 5)))
        day = 1 + (i % 28)
        items.append(
            f"<item><title>{rng.choice(PEOPLE)} visits {rng.choice(PLACES)} ({feed_no}-{i})</title>"
            f"<link>https://feed{feed_no}.example/{i}</link>"
            f'<guid isPermaLink="false">feed{feed_no}-{i}</guid>'
            f"<pubDate>Tue, {day:02d} Nov 2026 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate>"
            f"<author>desk@feed{feed_no}.example (Desk)</author>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Synthetic feed {feed_no}</title><link>https://feed{feed_no}.example/</link>"
        "<description>bench</description>" + "".join(items) + "</channel></rss>",
        encoding="utf-8",
    )


def make_feeds(folder: Path, articles: int) -> list[Path]:
    rng = random.Random(articles)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for feed_no in range(max(1, articles // PER_FEED)):
        path = folder / f"feed{feed_no}.rss"
        write_feed(path, feed_no, min(PER_FEED, articles), rng)
        paths.append(path)
    return paths


def reader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader.cli", *args], capture_output=True,
                          text=True, check=True)


def timed_refresh(db: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `reader refresh` in a fresh process."""
    code = (
        "import resource, sys, time\n"
        "from reader.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n"
        f"    main(['--db', {str(db)!r}, 'refresh', '-q'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print('BENCH', time.perf_counter() - t, own, kids, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = next(l for l in out.stderr.splitlines() if l.startswith("BENCH"))
    _, seconds, own, kids = line.split()
    return float(seconds), max(int(own), int(kids)) / 1024


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def list_time(db: Path, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("reader")), "--db", str(db), "articles", "--limit", "50"],
                       capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench(articles: int, work: Path) -> None:
    folder = work / f"feeds-{articles}"
    paths = make_feeds(folder, articles)
    size_mb = sum(p.stat().st_size for p in paths) / 2**20

    db = work / f"local-{articles}.db"
    reader("--db", str(db), "add", "--no-refresh", *map(str, paths))
    seconds, rss = timed_refresh(db)
    db_mb = sum(p.stat().st_size for p in work.glob(f"local-{articles}.db*")) / 2**20
    print(f"N={articles:>7,}: {len(paths)} feeds, {size_mb:.1f} MB of XML")
    print(f"  local files : {articles / seconds:8,.0f} articles/s ({seconds:.2f} s), "
          f"peak RSS {rss:.0f} MB, database {db_mb:.1f} MB")

    server, base = serve(folder)
    try:
        db2 = work / f"http-{articles}.db"
        reader("--db", str(db2), "add", "--no-refresh", *[f"{base}/{p.name}" for p in paths])
        seconds2, rss2 = timed_refresh(db2)
        print(f"  127.0.0.1   : {articles / seconds2:8,.0f} articles/s ({seconds2:.2f} s), "
              f"peak RSS {rss2:.0f} MB")
        warm, _ = timed_refresh(db2)
        print(f"  127.0.0.1, nothing changed (conditional GET): {warm:.2f} s")
    finally:
        server.shutdown()
    print(f"  reader articles --limit 50: {list_time(db) * 1000:.0f} ms (median of 7, whole process)")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            bench(n, Path(tmp))


if __name__ == "__main__":
    main()
