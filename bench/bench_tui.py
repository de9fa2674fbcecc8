"""Benchmarks of the app at 1,000 and 100,000 articles: start-up, keys, opening, search, memory.

Usage: python bench/bench_tui.py [--sizes 1000,100000] [--runs 5]
Prints medians. Databases are built with bench/make_db.py in a temporary folder (or reused
from /tmp/reader-bench-N.db when present).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_db import make_db  # noqa: E402

from reader.core.store import ALL, Store  # noqa: E402


def database(articles: int) -> Path:
    path = Path(f"/tmp/reader-bench-{articles}.db")
    if not path.exists():
        feeds = 200 if articles >= 10_000 else max(1, articles // 50)
        print(f"  building {path} ({articles} articles, {feeds} feeds)...", flush=True)
        make_db(path, articles, feeds)
    return path


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


# --- whole process: launch in tmux, poll the screen until rows show -------------------------


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def _launch(session: str, command: str) -> float:
    """Start `command` in a new 120x40 tmux session; returns the moment it was launched.
    (A session started while the server of the previous one is shutting down can fail to
    start: it is started again.)"""
    for _ in range(5):
        started = time.perf_counter()
        _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
        if subprocess.run(["tmux", "has-session", "-t", session],
                          capture_output=True).returncode == 0:
            return started
        time.sleep(0.2)
    raise RuntimeError(f"tmux could not start a session for {command!r}")


def _wait(condition, started: float, what: str, limit: float = 30) -> float:
    """Poll until `condition()` holds; returns the seconds since `started`."""
    while not condition():
        if time.perf_counter() - started > limit:
            raise RuntimeError(f"{what} did not happen within {limit} s")
        time.sleep(0.003)
    return time.perf_counter() - started


def whole_process(db: Path, runs: int):
    """Seconds from launch until rows are painted, until all ids are in (the status line
    counts them), then until a key is answered; and the resident memory."""
    painted, counted, answered, rss = [], [], [], []
    env = f"PYTHONPATH={ROOT}"
    for run in range(runs):
        session = f"bench{os.getpid()}{run}"
        # The shell stays after the app ends, so a crash leaves its traceback on screen.
        started = _launch(session, f"{env} {sys.executable} -m reader.tui.app --db {db}; "
                                   "echo APP-EXITED; sleep 30")
        try:
            try:
                painted.append(_wait(lambda: _first_row(session), started, "the list"))
            except RuntimeError as error:
                screen = _tmux("capture-pane", "-p", "-t", session)
                raise RuntimeError(f"{error}:\n{screen}") from None
            counted.append(_wait(
                lambda: "articles  (" in _tmux("capture-pane", "-p", "-t", session),
                started, "the count of all articles"))
            # The key: m toggles the first row's unread mark (the cursor is on it).
            before = _row_marks(session)
            key_sent = time.perf_counter()
            _tmux("send-keys", "-t", session, "m")
            while _row_marks(session) == before:
                if time.perf_counter() - key_sent > 10:
                    raise RuntimeError("the app did not answer a key within 10 s")
                time.sleep(0.002)
            answered.append(time.perf_counter() - key_sent)
            shell = _tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
            app_pid = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()[0]
            rss.append(_rss_kib(int(app_pid)))
        finally:
            _tmux("kill-session", "-t", session)
    return painted, counted, answered, rss


_BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("BARE-APP-PAINTED")
Bare().run()
"""


def bare_textual(runs: int) -> list[float]:
    """The floor on this machine: a Textual app with one Static, launch until painted."""
    script = Path("/tmp/reader-bench-bare.py")
    script.write_text(_BARE)
    times = []
    for run in range(runs):
        session = f"bare{os.getpid()}{run}"
        started = _launch(session, f"exec {sys.executable} {script}")
        try:
            times.append(_wait(
                lambda: "BARE-APP-PAINTED" in _tmux("capture-pane", "-p", "-t", session),
                started, "the bare app's label"))
        finally:
            _tmux("kill-session", "-t", session)
    return times


def _first_row(session: str) -> bool:
    """True once the first list row (right of the feeds pane) has a date and a title."""
    lines = _tmux("capture-pane", "-p", "-t", session).splitlines()
    return bool(lines) and "APP-EXITED" not in lines and len(lines[0][34:].strip()) > 10


def _row_marks(session: str) -> str:
    lines = _tmux("capture-pane", "-p", "-t", session).splitlines()
    return lines[0][30:34] if lines else ""


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --- in the app: run_test -------------------------------------------------------------------


async def in_app(db: Path, runs: int) -> dict[str, list[float]]:
    from reader.tui.app import ReaderApp
    from reader.tui.screens.main import MainScreen

    figures: dict[str, list[float]] = {
        "start until list filled": [], "cursor down + redraw": [], "page down + redraw": [],
        "jump to a random place + redraw": [], "open article (text shown)": [],
    }
    for _ in range(runs):
        store = Store(db)
        started = time.perf_counter()
        app = ReaderApp(store)
        async with app.run_test(size=(120, 40)) as pilot:
            while not (isinstance(app.screen, MainScreen) and app.screen.article_list.ids):
                await asyncio.sleep(0.001)
            figures["start until list filled"].append(time.perf_counter() - started)
            screen = app.screen
            articles = screen.article_list
            height = articles.scrollable_content_region.height

            def redraw() -> None:
                for y in range(height):
                    articles.render_line(y)

            rng = random.Random(7)
            for _ in range(50):
                t = time.perf_counter()
                articles.action_cursor_down()
                redraw()
                figures["cursor down + redraw"].append(time.perf_counter() - t)
            for _ in range(20):
                t = time.perf_counter()
                articles.action_page_down()
                redraw()
                figures["page down + redraw"].append(time.perf_counter() - t)
            for _ in range(20):
                t = time.perf_counter()
                articles.move_to(rng.randrange(len(articles.ids)))
                redraw()
                figures["jump to a random place + redraw"].append(time.perf_counter() - t)
            for _ in range(5):
                target = articles.ids[rng.randrange(len(articles.ids))]
                t = time.perf_counter()
                screen.open_article(target)
                while screen.article_view.article is None or screen.article_view.article.id != target:
                    await asyncio.sleep(0.0005)
                figures["open article (text shown)"].append(time.perf_counter() - t)
            await pilot.pause(0)
        store.close()
    return figures


def search_times(db: Path, runs: int) -> list[tuple[str, int, float, float]]:
    """(words, results, seconds as one sorted query, seconds as the app does it: the
    unordered matches from the index, kept in the order of the view's ids it already has)."""
    results = []
    with Store(db) as store:
        base = store.article_ids(ALL.by_story())
        for words in ("harbour", "kaloze", "zezeze", "nayib bukele", "prison minister"):
            sorted_times, app_times, count = [], [], 0
            for _ in range(runs):
                t = time.perf_counter()
                count = len(store.article_ids(ALL.by_story().containing(words)))
                sorted_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                found = store.matching_ids(words)
                in_view = [i for i in base if i in found]
                app_times.append(time.perf_counter() - t)
                assert len(in_view) == count
            results.append((words, count, statistics.median(sorted_times),
                            statistics.median(app_times)))
    return results


def pieces(db: Path, runs: int) -> dict[str, float]:
    """The database calls behind start-up and drawing, measured alone."""
    out: dict[str, list[float]] = {"article_ids(ALL)": [], "feeds() with counts": [],
                                   "rows(60 ids)": []}
    with Store(db) as store:
        ids = store.article_ids(ALL)
        for _ in range(runs):
            t = time.perf_counter(); store.article_ids(ALL); out["article_ids(ALL)"].append(time.perf_counter() - t)
            t = time.perf_counter(); store.feeds(); out["feeds() with counts"].append(time.perf_counter() - t)
            start = random.randrange(max(1, len(ids) - 60))
            t = time.perf_counter(); store.rows(ids[start:start + 60]); out["rows(60 ids)"].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if shutil.which("tmux"):
        bare = bare_textual(args.runs)
        print(f"floor: a bare Textual app, launch until painted {ms(statistics.median(bare))}")
    for size in [int(s) for s in args.sizes.split(",")]:
        db = database(size)
        print(f"\n== {size:,} articles ({db}) ==")
        for name, value in pieces(db, args.runs).items():
            print(f"  store {name:34} {ms(value)}")
        if shutil.which("tmux"):
            painted, counted, answered, rss = whole_process(db, args.runs)
            print(f"  whole process: launch until rows show  {ms(statistics.median(painted))}"
                  f"  (min {ms(min(painted))}, max {ms(max(painted))})")
            print(f"  whole process: launch until all counted {ms(statistics.median(counted))}")
            print(f"  whole process: key m until row changes {ms(statistics.median(answered))}")
            print(f"  resident memory after start (no model)  {statistics.median(rss) / 1024:7.1f} MB")
        figures = asyncio.run(in_app(db, max(1, args.runs // 2)))
        for name, values in figures.items():
            print(f"  in app: {name:36} {ms(statistics.median(values))}  (max {ms(max(values))})")
        for words, count, seconds, as_the_app in search_times(db, args.runs):
            print(f"  search {words!r:20} {count:7} results  {ms(as_the_app)} as the app does it"
                  f"  ({ms(seconds)} as one sorted query)")


if __name__ == "__main__":
    main()
