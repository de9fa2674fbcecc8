"""kill -9 a `reader refresh` of 100 feeds at random moments; after each kill check the database.

    /work/venv/bin/python bench/kill_refresh.py [--trials 50] [--feeds 100] [--items 20] [--seed 1]

Before the trials some articles are marked read and starred. Each trial rewrites every feed
file (changed bodies and two new entries each, so the refresh has real writing to do), starts
`reader refresh` as a process, kills it with SIGKILL at a random moment, then checks:
PRAGMA integrity_check passes, no read/star mark is lost, and a following refresh completes
with every feed stored (no error, every entry once). tests/test_faults.py runs 3 trials.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

READER = [sys.executable, "-m", "reader.cli"]


def with_store(db: Path, code: str, *args: str) -> str:
    """Run `code` with `store` open on `db` in a process of its own, so this one holds no
    connection to the file; returns what it printed. Raises with the error on failure."""
    script = ("import sys\nfrom reader.core.store import Store, StoreError\n"
              "store = Store(sys.argv[1])\n" + code + "\nstore.close()\n")
    done = subprocess.run([sys.executable, "-c", script, str(db), *args], capture_output=True, text=True,
                          timeout=120)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return done.stdout


def child_processes(pid: int) -> list[int]:
    """The process ids of `pid`'s children (Linux /proc)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as file:
                found.extend(int(child) for child in file.read().split())
    except OSError:
        pass
    return found


def still_running(pids: list[int], within: float) -> list[int]:
    """Those of `pids` still running after waiting up to `within` seconds for them to end."""
    deadline = time.monotonic() + within
    while True:
        alive = [pid for pid in pids if _alive(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"    # a zombie has ended
    except OSError:
        return False


@dataclass
class Trial:
    number: int
    delay: float                 # seconds after start when the kill was sent
    killed: bool                 # the process was still running when killed
    stored_before_kill: int      # feeds whose new version was committed before the kill
    integrity: bool
    marks_kept: bool
    completed: bool              # the refresh after the kill finished, every feed stored once
    problems: list[str] = field(default_factory=list)
    leftovers: list[int] = field(default_factory=list)   # its processes still alive 5 s after

    @property
    def ok(self) -> bool:
        return (self.integrity and self.marks_kept and self.completed and not self.problems
                and not self.leftovers)


class KillBench:
    """A database of `feeds` local feed files, each rewritten for every trial."""

    def __init__(self, folder: Path, feeds: int = 100, items: int = 20) -> None:
        self.folder = folder
        self.db = folder / "reader.db"
        self.feeds = feeds
        self.items = items
        self.version = 0
        self.paths = [folder / f"feed-{n:03d}.xml" for n in range(feeds)]
        self.marks: dict[tuple[str, str], tuple[int, int]] = {}   # (feed url, key) -> (read, starred)

    # --- feeds -----------------------------------------------------------------------------

    def stored_entries(self, version: int) -> int:
        """Entries stored per feed once `version` is refreshed: the feed shows `items` at a time,
        two newer ones each version; entries that left the feed stay stored."""
        return self.items + 2 * version

    def write_feeds(self) -> None:
        """Every feed at the current version: two entries dropped, two new, the rest changed."""
        first = 2 * self.version
        for n, path in enumerate(self.paths):
            items = []
            for i in range(first, first + self.items):
                body = f"Version {self.version} of entry {i} in feed {n}. " * 30
                items.append(f"<item><title>Feed {n} entry {i} v{self.version}</title>"
                             f"<link>https://k{n}.example/{i}</link><guid>k{n}-{i}</guid>"
                             f"<pubDate>Mon, 03 Feb 2025 10:{i % 60:02d}:00 GMT</pubDate>"
                             f"<description>{body}</description></item>")
            tmp = path.with_suffix(".tmp")
            tmp.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                           f"<title>Kill feed {n}</title><link>https://k{n}.example/</link>"
                           f"<description>d</description>{''.join(items)}</channel></rss>")
            os.replace(tmp, path)       # a reader never sees half a file

    def expected_etags(self) -> dict[str, str]:
        """The etag each feed will have once its current version is stored (size and mtime)."""
        out = {}
        for path in self.paths:
            info = os.stat(path)
            out[str(path)] = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
        return out

    # --- the database ------------------------------------------------------------------------

    def reader(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*READER, "--db", str(self.db), *args], capture_output=True, text=True,
                              timeout=timeout)

    def setup(self, rng: random.Random) -> float:
        """Subscribe, refresh once, mark some articles; returns seconds a full refresh took."""
        self.write_feeds()
        with_store(self.db, "for path in sys.argv[2:]: store.add_feed(path)", *map(str, self.paths))
        started = time.monotonic()
        done = self.reader("refresh", "--quiet")
        took = time.monotonic() - started
        if done.returncode != 0:
            raise RuntimeError(f"the first refresh failed: {done.stderr}")
        seed = rng.randrange(2**31)
        with_store(self.db, "import random\nrng = random.Random(int(sys.argv[2]))\nids = store.article_ids()\n"
                            "store.mark_read(rng.sample(ids, len(ids) // 3))\n"
                            "for i in rng.sample(ids, len(ids) // 7): store.set_starred(i, True)", str(seed))
        self.marks = self.current_marks()
        return took

    def current_marks(self) -> dict[tuple[str, str], tuple[int, int]]:
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return {(url, key): (read, starred) for url, key, read, starred in db.execute(
                "SELECT f.url, a.key, a.read, a.starred FROM articles a JOIN feeds f ON f.id = a.feed_id "
                "WHERE a.read = 1 OR a.starred = 1")}
        finally:
            db.close()

    def stored_count(self, etags: dict[str, str]) -> int:
        """How many feeds have their current version committed (read while a refresh runs)."""
        try:
            db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
            try:
                rows = db.execute("SELECT url, etag FROM feeds").fetchall()
            finally:
                db.close()
        except sqlite3.Error:
            return -1
        return sum(etags.get(url) == etag for url, etag in rows)

    # --- one trial -----------------------------------------------------------------------------

    def trial(self, number: int, delay: float | None = None, kill_after_stored: int | None = None,
              timeout: float = 60) -> Trial:
        """Kill a refresh after `delay` seconds, or once `kill_after_stored` feeds are committed."""
        self.version += 1
        self.write_feeds()
        etags = self.expected_etags()
        process = subprocess.Popen([*READER, "--db", str(self.db), "refresh", "--quiet"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = time.monotonic()
        if kill_after_stored is not None:
            while process.poll() is None and time.monotonic() - started < timeout:
                if self.stored_count(etags) >= kill_after_stored:
                    break
                time.sleep(0.002)
        else:
            while process.poll() is None and time.monotonic() - started < (delay or 0):
                time.sleep(0.001)
        waited = time.monotonic() - started
        children = child_processes(process.pid)
        killed = process.poll() is None
        if killed:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        stored = self.stored_count(etags)
        trial = self.check(number, waited, killed, stored, etags)
        # The parse workers (and multiprocessing's tracker) must not outlive a killed reader.
        trial.leftovers = still_running(children, within=5.0)
        for pid in trial.leftovers:
            os.kill(pid, signal.SIGKILL)
        return trial

    def check(self, number: int, delay: float, killed: bool, stored: int, etags: dict[str, str]) -> Trial:
        problems: list[str] = []
        integrity = marks_kept = completed = False
        try:
            integrity = with_store(self.db, "print(store.integrity_ok())").strip() == "True"
        except RuntimeError as error:
            problems.append(f"cannot open after the kill: {error}")
        if integrity:
            now = self.current_marks()
            lost = [k for k, v in self.marks.items() if now.get(k) != v]
            marks_kept = not lost
            if lost:
                problems.append(f"{len(lost)} read/star marks lost, e.g. {lost[:3]}")
            done = self.reader("refresh", "--quiet")
            if done.returncode != 0:
                problems.append(f"the refresh after the kill failed: {done.stderr.strip()}")
            completed = done.returncode == 0 and self.complete(etags, problems)
            if self.current_marks() != self.marks:
                marks_kept = False
                problems.append("read/star marks changed by the refresh after the kill")
        return Trial(number, delay, killed, stored, integrity, marks_kept, completed, problems)

    def complete(self, etags: dict[str, str], problems: list[str]) -> bool:
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            feeds = db.execute(
                "SELECT f.url, f.etag, f.last_error, count(a.id), count(DISTINCT a.key), "
                "sum(a.title LIKE '%v' || ?) FROM feeds f LEFT JOIN articles a ON a.feed_id = f.id GROUP BY f.id",
                (self.version,)).fetchall()
            fts = db.execute("SELECT count(*) FROM article_search").fetchone()[0]
            articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            db.close()
        want = self.stored_entries(self.version)
        ok = len(feeds) == self.feeds
        for url, etag, error, count, distinct, current in feeds:
            if error or etag != etags[url] or count != want or distinct != want or current != self.items:
                problems.append(f"{Path(url).name}: error={error!r} etag ok={etag == etags[url]} "
                                f"articles={count} distinct={distinct} current={current} "
                                f"(want {want} stored, {self.items} current)")
                ok = False
        if fts != articles:
            problems.append(f"search index has {fts} rows for {articles} articles")
            ok = False
        return ok


def run(trials: int, feeds: int, items: int, seed: int, folder: Path | None = None) -> list[Trial]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        bench = KillBench(folder or Path(tmp), feeds, items)
        full = bench.setup(rng)
        print(f"{feeds} feeds x {items} entries (2 new and the rest changed per trial); a full `reader refresh` takes {full:.2f} s; "
              f"{len(bench.marks)} articles marked read or starred", flush=True)
        results = []
        for number in range(1, trials + 1):
            # Anywhere from startup to near the end of a typical refresh.
            delay = rng.uniform(0.0, full * 0.9)
            trial = bench.trial(number, delay=delay)
            results.append(trial)
            print(f"trial {number:3d}: kill at {trial.delay:5.2f} s  killed={'yes' if trial.killed else 'no '}  "
                  f"feeds committed before kill {trial.stored_before_kill:3d}/{feeds}  "
                  f"integrity {'ok' if trial.integrity else 'FAIL'}  marks {'kept' if trial.marks_kept else 'LOST'}  "
                  f"next refresh {'complete' if trial.completed else 'INCOMPLETE'}  "
                  f"processes left {len(trial.leftovers)}"
                  + ("" if trial.ok else f"  {trial.problems[:2]}"), flush=True)
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    results = run(args.trials, args.feeds, args.items, args.seed)
    killed = [t for t in results if t.killed]
    mid = [t for t in killed if 0 < t.stored_before_kill < args.feeds]
    failed = [t for t in results if not t.ok]
    print(f"\n{len(results)} trials, {len(killed)} killed while running "
          f"({len(mid)} after some feeds were committed and before all were), "
          f"{sum(t.integrity for t in results)} integrity ok, {sum(t.marks_kept for t in results)} marks kept, "
          f"{sum(t.completed for t in results)} next refreshes complete, "
          f"{sum(len(t.leftovers) for t in results)} processes outlived their reader, {len(failed)} failed; "
          f"{time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
