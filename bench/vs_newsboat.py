"""Our reader side by side with newsboat, in one run, on the same synthetic feeds.

Usage:
    /work/venv/bin/python bench/vs_newsboat.py            # full run (about 10-20 minutes)
    /work/venv/bin/python bench/vs_newsboat.py --quick    # smoke run (small sizes, 1-2 runs)

What it measures (see bench/vs_newsboat_README.md for the details and caveats):

1. Refresh of F feeds x 50 items (default 200 x 50) served from 127.0.0.1 by a
   ThreadingHTTPServer in this process (ETag + Last-Modified, 304 when unchanged):
   cold (empty caches, a fresh cache for every run) and warm (nothing changed: every feed
   answers 304). Ours: `reader --db DB refresh -q`; newsboat:
   `newsboat -u urls -c cache.db -C config -x reload` with `reload-threads 8`.
2. Open: launch in tmux (120x40), poll `tmux capture-pane` about every 10 ms until the list is
   on screen. Ours: rows of the article list (titles carrying a marker word); newsboat: its
   first screen is the feed list, counted when a full screen of feed rows is shown. Each reader
   opens a fresh copy of a store built by its own refresh of the same feeds (10k and 100k
   articles). newsboat is measured on its cache as shipped and on a copy after `ANALYZE;`.
3. Peak memory: /usr/bin/time -v (max RSS) for refreshes; for opens, VmHWM of the process
   tree in the tmux pane, read up to SETTLE seconds after the list is on screen.

The script installs nothing: without newsboat (or tmux) it says so and measures only ours.
Only 127.0.0.1 is contacted. Every wait is capped.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEED_MARK = "Synthfeed"   # in every feed title (newsboat's first screen lists feeds)
ITEM_MARK = "Storymark"   # in every article title (our first screen lists articles)
WIDTH, HEIGHT = 120, 40

_WORDS = (
    "prison election harbour minister storm market river council border treaty volcano lake "
    "festival strike budget court bridge vaccine drought railway summit protest harvest museum "
    "satellite island senate refinery glacier port"
).split()


# --- synthetic feeds and the server ---------------------------------------------------------


class FeedSet:
    """`feeds` RSS documents of `items` items each, generated once, served at /f/TAG/N.xml."""

    def __init__(self, tag: str, feeds: int, items: int) -> None:
        self.tag, self.feeds, self.items = tag, feeds, items
        self.docs: list[bytes] = []
        self.etags: list[str] = []
        rng = random.Random(f"{tag}-{feeds}-{items}")
        now = int(time.time())
        # One fixed modification time for every feed, a minute in the past.
        self.last_modified_ts = now - 60
        self.last_modified = email.utils.formatdate(self.last_modified_ts, usegmt=True)
        for f in range(feeds):
            parts = [
                '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
                f"<title>{FEED_MARK} {tag} {f:03d}</title>",
                f"<link>http://127.0.0.1/{tag}/{f}/</link>",
                f"<description>Synthetic feed {f} of set {tag}</description>",
            ]
            for i in range(items):
                # Distinct dates, newest first, spread over the past year or so.
                published = now - 3600 - (i * feeds + f) * 300
                title = f"{ITEM_MARK} {f:03d}-{i:04d} " + " ".join(rng.choices(_WORDS, k=6))
                body = " ".join(rng.choices(_WORDS, k=70))
                parts.append(
                    "<item>"
                    f"<title>{title}</title>"
                    f"<link>http://127.0.0.1/{tag}/{f}/{i}.html</link>"
                    f'<guid isPermaLink="false">urn:bench:{tag}:{f}:{i}</guid>'
                    f"<pubDate>{email.utils.formatdate(published, usegmt=True)}</pubDate>"
                    f"<description>&lt;p&gt;{body.capitalize()}.&lt;/p&gt;</description>"
                    "</item>"
                )
            parts.append("</channel></rss>\n")
            doc = "".join(parts).encode()
            self.docs.append(doc)
            self.etags.append('"' + hashlib.blake2b(doc, digest_size=12).hexdigest() + '"')

    @property
    def articles(self) -> int:
        return self.feeds * self.items

    def urls(self, port: int) -> list[str]:
        return [f"http://127.0.0.1:{port}/f/{self.tag}/{f}.xml" for f in range(self.feeds)]


class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[int, int] = {}

    def add(self, status: int) -> None:
        with self.lock:
            self.counts[status] = self.counts.get(status, 0) + 1

    def take(self) -> dict[int, int]:
        with self.lock:
            counts, self.counts = self.counts, {}
        return counts


def make_server(sets: dict[str, FeedSet], counter: Counter) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in one write with Nagle off: written apart, each response
        # waited ~40 ms for the client's delayed ACK, which dominated a refresh.
        disable_nagle_algorithm = True

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            parts = self.path.split("?")[0].strip("/").split("/")
            feed_set = sets.get(parts[1]) if len(parts) == 3 and parts[0] == "f" else None
            number = parts[2].removesuffix(".xml") if feed_set else ""
            if not feed_set or not number.isdigit() or int(number) >= feed_set.feeds:
                self._reply(404, b"not found\n", {})
                return
            n = int(number)
            headers = {"ETag": feed_set.etags[n], "Last-Modified": feed_set.last_modified,
                       "Content-Type": "application/rss+xml; charset=utf-8"}
            if self._not_modified(feed_set, n):
                self._reply(304, b"", headers)
            else:
                self._reply(200, feed_set.docs[n], headers)

        def _not_modified(self, feed_set: FeedSet, n: int) -> bool:
            inm = self.headers.get("If-None-Match")
            if inm is not None:
                return feed_set.etags[n] in [t.strip().removeprefix("W/") for t in inm.split(",")]
            ims = self.headers.get("If-Modified-Since")
            if ims:
                try:
                    since = email.utils.parsedate_to_datetime(ims).timestamp()
                except (TypeError, ValueError):
                    return False
                return since >= feed_set.last_modified_ts
            return False

        def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            counter.add(status)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
                self._headers_buffer.append(b"\r\n" + body)  # sent by flush_headers
                self.flush_headers()
            else:
                self.end_headers()

    class Server(ThreadingHTTPServer):
        # socketserver's default backlog of 5 drops some of 8+ simultaneous connects, and a
        # dropped SYN is retried after a second: that second showed up in refresh times.
        request_queue_size = 256

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- running the two readers ----------------------------------------------------------------


class Env:
    def __init__(self, work: Path, port: int, cap: float) -> None:
        self.work, self.port, self.cap = work, port, cap
        home = work / "home"
        home.mkdir(exist_ok=True)
        # Both readers run with an empty home: no personal config or settings leak in.
        self.env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                        XDG_DATA_HOME=str(home / ".local/share"),
                        XDG_CACHE_HOME=str(home / ".cache"), NO_PROXY="*", no_proxy="*")
        for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            self.env.pop(key, None)
        self.reader = shutil.which("reader", path=str(Path(sys.executable).parent)) or "reader"
        self.newsboat = shutil.which("newsboat")
        self.tmux_bin = shutil.which("tmux")
        self.gnu_time = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
        self.socket = f"vsnb{os.getpid()}"
        self.last_cpu: float | None = None
        self.nb_config = work / "newsboat.config"
        self.nb_config.write_text("reload-threads 8\n")

    def timed(self, argv: list[str], what: str) -> tuple[float, int | None]:
        """Wall seconds and peak RSS (KiB, from /usr/bin/time -v) of one command."""
        stats = self.work / "time.txt"
        stats.unlink(missing_ok=True)
        full = ([self.gnu_time, "-v", "-o", str(stats)] if self.gnu_time else []) + argv
        started = time.perf_counter()
        try:
            done = subprocess.run(full, env=self.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=max(self.cap, 600))
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"{what}: no end within {max(self.cap, 600):.0f} s") from None
        wall = time.perf_counter() - started
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace")[-600:]
            raise RuntimeError(f"{what}: exit {done.returncode}\n{tail}")
        rss, cpu = None, 0.0
        if stats.exists():
            for line in stats.read_text().splitlines():
                if "Maximum resident set size" in line:
                    rss = int(line.split(":")[1])
                elif "User time (seconds)" in line or "System time (seconds)" in line:
                    cpu += float(line.split(":")[1])
        self.last_cpu = cpu if stats.exists() else None
        return wall, rss

    # ours
    def ours_subscribe(self, db: Path, urls: list[str]) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        subprocess.run([self.reader, "--db", str(db), "add", "--no-refresh", *urls], env=self.env,
                       stdout=subprocess.DEVNULL, check=True, timeout=120)

    def ours_refresh(self, db: Path) -> tuple[float, int | None]:
        return self.timed([self.reader, "--db", str(db), "refresh", "-q"], "reader refresh")

    def ours_open_cmd(self, db: Path) -> str:
        return f"exec {self.reader} --db {db}"

    # newsboat
    def nb_refresh(self, cache: Path, urls_file: Path) -> tuple[float, int | None]:
        Path(str(cache) + ".lock").unlink(missing_ok=True)
        return self.timed([self.newsboat, "-u", str(urls_file), "-c", str(cache),
                           "-C", str(self.nb_config), "-x", "reload"], "newsboat reload")

    def nb_open_cmd(self, cache: Path, urls_file: Path) -> str:
        return f"exec {self.newsboat} -u {urls_file} -c {cache} -C {self.nb_config}"

    # tmux
    def tmux(self, *args: str) -> str:
        return subprocess.run([self.tmux_bin, "-L", self.socket, *args], capture_output=True,
                              text=True, env=self.env, timeout=20).stdout

    def open_once(self, command: str, ready, settle: float) -> tuple[float | None, int | None, str]:
        """Seconds from launch until `ready(screen)`, None past the cap; peak memory (KiB)."""
        session = f"s{time.monotonic_ns()}"
        started = time.perf_counter()
        self.tmux("new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT),
                  command)
        pid_text = self.tmux("list-panes", "-t", session, "-F", "#{pane_pid}").strip()
        pid = int(pid_text.splitlines()[0]) if pid_text else None
        elapsed: float | None = None
        screen = ""
        peak = 0
        try:
            while True:
                screen = self.tmux("capture-pane", "-p", "-t", session)
                now = time.perf_counter()
                if ready(screen):
                    elapsed = now - started
                    break
                if now - started > self.cap or pid is None or not Path(f"/proc/{pid}").exists():
                    break
                if pid is not None:
                    peak = max(peak, tree_hwm(pid))
                time.sleep(0.010)
            if elapsed is not None and pid is not None:
                # Memory: the high-water mark of the tree, read for a while after the first
                # screen (work started at open, like our body reader import, is included).
                until = time.perf_counter() + settle
                while time.perf_counter() < until:
                    peak = max(peak, tree_hwm(pid))
                    time.sleep(0.05)
        finally:
            self.tmux("kill-session", "-t", session)
            if pid is not None:
                end_tree(pid)
        return elapsed, (peak or None), screen


def tree_pids(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo and len(pids) < 200:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return pids


def tree_hwm(pid: int) -> int:
    total = 0
    for p in tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def end_tree(pid: int) -> None:
    """Wait (bounded) for the pane's processes to go after kill-session; then kill them."""
    pids = tree_pids(pid)
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.05)
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def ours_ready(screen: str) -> bool:
    """Our article list is on screen: rows carrying the article marker (at 120x40 the list
    pane shows 14 rows above the article pane; 10 of them is a painted screenful)."""
    return sum(ITEM_MARK in line for line in screen.splitlines()) >= 10


def nb_ready(feeds: int):
    """newsboat's first screen (the feed list) is full: min(feeds, 30) rows of feeds."""
    need = min(feeds, 30)

    def ready(screen: str) -> bool:
        return sum(FEED_MARK in line for line in screen.splitlines()) >= need
    return ready


def copy_db(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)


def analyze(cache: Path) -> None:
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(cache), "ANALYZE;"], check=True, timeout=600)
    else:
        with sqlite3.connect(cache) as db:
            db.execute("ANALYZE")


def count_rows(path: Path, table: str) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- the phases ------------------------------------------------------------------------------


class Results:
    """name -> {"ours": [...], "nb": [...], "nba": [...]} of seconds or KiB (None = over cap)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, list]] = {}
        self.notes: list[str] = []

    def add(self, name: str, who: str, value) -> None:
        self.rows.setdefault(name, {}).setdefault(who, []).append(value)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def refresh_phase(env: Env, fs: FeedSet, counter: Counter, res: Results, runs: int,
                  have_nb: bool) -> dict[str, Path]:
    """Cold and warm refreshes; returns the pristine stores (built by a cold run) for opening."""
    urls = fs.urls(env.port)
    urls_file = env.work / f"urls-{fs.tag}"
    urls_file.write_text("\n".join(urls) + "\n")
    label = f"{fs.feeds} feeds x {fs.items}"
    stores: dict[str, Path] = {}
    cold, warm = f"refresh cold, {label} (s)", f"refresh warm, all 304, {label} (s)"
    mcold, mwarm = f"peak memory, cold refresh {label} (MiB)", f"peak memory, warm refresh {label} (MiB)"
    ccold, cwarm = f"CPU user+sys, cold refresh {label} (s)", f"CPU user+sys, warm refresh {label} (s)"
    keep_ours = env.work / f"ours-{fs.tag}.db"
    keep_nb = env.work / f"nb-{fs.tag}.db"
    keep_nba = env.work / f"nba-{fs.tag}.db"

    # Cold: a fresh store each run, alternating readers so drift hits both alike.
    for run in range(runs):
        db = env.work / "ours-run.db"
        env.ours_subscribe(db, urls)
        counter.take()
        wall, rss = env.ours_refresh(db)
        codes = counter.take()
        res.add(cold, "ours", wall)
        res.add(mcold, "ours", rss)
        res.add(ccold, "ours", env.last_cpu)
        log(f"  cold   ours     run {run + 1}: {wall:6.2f} s  {kib(rss)}  server {codes}")
        if run == runs - 1:
            copy_db(db, keep_ours)
        if have_nb:
            cache = env.work / "nb-run.db"
            for suffix in ("", ".lock"):
                Path(str(cache) + suffix).unlink(missing_ok=True)
            wall, rss = env.nb_refresh(cache, urls_file)
            codes = counter.take()
            res.add(cold, "nb", wall)
            res.add(mcold, "nb", rss)
            res.add(ccold, "nb", env.last_cpu)
            log(f"  cold   newsboat run {run + 1}: {wall:6.2f} s  {kib(rss)}  server {codes}")
            if run == runs - 1:
                copy_db(cache, keep_nb)
    # One unmeasured refresh of each kept store before the warm runs: newsboat 2.21 loses the
    # ETag/Last-Modified of a feed's first download (it updates a feed row not yet written),
    # so only from its second refresh on does it send conditional requests. Both get it.
    counter.take()
    env.ours_refresh(keep_ours)
    log(f"  prime  ours     (unmeasured)  server {counter.take()}")
    if have_nb:
        env.nb_refresh(keep_nb, urls_file)
        log(f"  prime  newsboat (unmeasured)  server {counter.take()}")
    stores["ours"] = keep_ours
    ours_count = count_rows(keep_ours, "articles")
    if ours_count != fs.articles:
        res.notes.append(f"ours stored {ours_count} articles of {fs.articles} ({label})")
    if have_nb:
        nb_count = count_rows(keep_nb, "rss_item")
        if nb_count != fs.articles:
            res.notes.append(f"newsboat stored {nb_count} items of {fs.articles} ({label})")
        copy_db(keep_nb, keep_nba)
        analyze(keep_nba)
        stores["nb"], stores["nba"] = keep_nb, keep_nba
        # ANALYZE cannot apply to an empty cache: the cold figure is the same in both columns.
        res.rows[cold]["nba"] = res.rows[cold]["nb"]
        res.rows[mcold]["nba"] = res.rows[mcold]["nb"]
        res.rows[ccold]["nba"] = res.rows[ccold]["nb"]

    # Warm: copies of the stores the last cold run made; nothing changed on the server.
    warm_ours, warm_nb, warm_nba = (env.work / n for n in ("w-ours.db", "w-nb.db", "w-nba.db"))
    copy_db(keep_ours, warm_ours)
    if have_nb:
        copy_db(keep_nb, warm_nb)
        copy_db(keep_nba, warm_nba)
    for run in range(runs):
        counter.take()
        wall, rss = env.ours_refresh(warm_ours)
        codes = counter.take()
        res.add(warm, "ours", wall)
        res.add(mwarm, "ours", rss)
        res.add(cwarm, "ours", env.last_cpu)
        log(f"  warm   ours     run {run + 1}: {wall:6.2f} s  {kib(rss)}  server {codes}")
        check_304(res, "ours", codes, fs.feeds)
        if have_nb:
            for who, cache in (("nb", warm_nb), ("nba", warm_nba)):
                wall, rss = env.nb_refresh(cache, urls_file)
                codes = counter.take()
                res.add(warm, who, wall)
                res.add(mwarm, who, rss)
                res.add(cwarm, who, env.last_cpu)
                name = "newsboat" if who == "nb" else "nb+ANLZ"
                log(f"  warm   {name:8} run {run + 1}: {wall:6.2f} s  {kib(rss)}  server {codes}")
                check_304(res, name, codes, fs.feeds)
    return stores


def check_304(res: Results, who: str, codes: dict[int, int], feeds: int) -> None:
    if codes.get(304, 0) != feeds or len(codes) != 1:
        note = f"warm refresh of {who}: server answered {codes}, not {feeds} x 304"
        if note not in res.notes:
            res.notes.append(note)


def floor(env: Env, res: Results, runs: int) -> None:
    """The cost of starting each program at all: `reader --version` / `newsboat -v`."""
    name = "bare start: reader --version / newsboat -v (s)"
    for _ in range(runs):
        res.add(name, "ours", env.timed([env.reader, "--version"], "reader --version")[0])
        if env.newsboat:
            wall = env.timed([env.newsboat, "-v"], "newsboat -v")[0]
            res.add(name, "nb", wall)
            res.add(name, "nba", wall)


def build_phase(env: Env, fs: FeedSet, counter: Counter, res: Results, have_nb: bool) -> dict[str, Path]:
    """One cold refresh each of a big feed set, to build the stores for opening (timed once)."""
    urls = fs.urls(env.port)
    urls_file = env.work / f"urls-{fs.tag}"
    urls_file.write_text("\n".join(urls) + "\n")
    label = f"{fs.feeds} feeds x {fs.items}"
    name = f"refresh cold, {label}, 1 run (s)"
    mname = f"peak memory, cold refresh {label}, 1 run (MiB)"
    cname = f"CPU user+sys, cold refresh {label}, 1 run (s)"
    stores = {"ours": env.work / f"ours-{fs.tag}.db"}
    env.ours_subscribe(stores["ours"], urls)
    counter.take()
    wall, rss = env.ours_refresh(stores["ours"])
    log(f"  build  ours     {wall:6.2f} s  {kib(rss)}  server {counter.take()}")
    res.add(name, "ours", wall)
    res.add(mname, "ours", rss)
    res.add(cname, "ours", env.last_cpu)
    count = count_rows(stores["ours"], "articles")
    if count != fs.articles:
        res.notes.append(f"ours stored {count} articles of {fs.articles} ({label})")
    if have_nb:
        cache = env.work / f"nb-{fs.tag}.db"
        Path(cache).unlink(missing_ok=True)
        wall, rss = env.nb_refresh(cache, urls_file)
        log(f"  build  newsboat {wall:6.2f} s  {kib(rss)}  server {counter.take()}")
        res.add(name, "nb", wall)
        res.add(mname, "nb", rss)
        res.add(cname, "nb", env.last_cpu)
        for row in (name, mname, cname):
            res.rows[row]["nba"] = res.rows[row]["nb"]
        count = count_rows(cache, "rss_item")
        if count != fs.articles:
            res.notes.append(f"newsboat stored {count} items of {fs.articles} ({label})")
        stores["nb"] = cache
        stores["nba"] = env.work / f"nba-{fs.tag}.db"
        copy_db(cache, stores["nba"])
        analyze(stores["nba"])
    return stores


def open_phase(env: Env, fs: FeedSet, stores: dict[str, Path], res: Results, runs: int,
               settle: float, slow: float) -> None:
    """Open each reader on a fresh copy of its store, `runs` times (once if a run is slow)."""
    urls_file = env.work / f"urls-{fs.tag}"
    name = f"open until list on screen, {fs.articles:,} articles (s)"
    mname = f"peak memory, open {fs.articles:,} articles (MiB)"
    who_list = [w for w in ("ours", "nb", "nba") if w in stores]
    done_early: set[str] = set()
    for run in range(runs):
        for who in who_list:
            if who in done_early:
                continue
            copy = env.work / f"open-{who}.db"
            copy_db(stores[who], copy)
            if who == "ours":
                command, ready = env.ours_open_cmd(copy), ours_ready
            else:
                Path(str(copy) + ".lock").unlink(missing_ok=True)
                command, ready = env.nb_open_cmd(copy, urls_file), nb_ready(fs.feeds)
            elapsed, peak, screen = env.open_once(command, ready, settle)
            shown = f"{elapsed:6.2f} s" if elapsed is not None else f"> {env.cap:.0f} s (cap)"
            label = {"ours": "ours", "nb": "newsboat", "nba": "nb+ANLZ"}[who]
            log(f"  open   {label:8} {fs.articles:>7,} run {run + 1}: {shown}  {kib(peak)}")
            if elapsed is None:
                last = "\n".join(screen.splitlines()[:8])
                log(f"    (not on screen in time; top of the screen:)\n{last}")
            res.add(name, who, elapsed)
            if elapsed is not None:
                res.add(mname, who, peak)
            if elapsed is None or elapsed > slow:
                done_early.add(who)  # too slow to repeat within the time budget
            copy.unlink(missing_ok=True)


# --- the table -------------------------------------------------------------------------------


def kib(value: int | None) -> str:
    return f"{value / 1024:6.1f} MiB" if value else "   ? MiB"


def median(values: list, cap: float) -> tuple[float | None, str]:
    """The median, where a run past the cap counts as infinitely long."""
    if not values:
        return None, "–"
    known = sorted(v for v in values if v is not None)
    over = len(values) - len(known)
    ordered = known + [float("inf")] * over
    m = statistics.median_low(ordered) if len(ordered) % 2 == 0 else statistics.median(ordered)
    if m == float("inf"):
        return None, f"> {cap:.0f}"
    return m, None


def fmt(value: float, unit: str) -> str:
    if unit == "MiB":
        return f"{value / 1024:.0f}"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def table(res: Results, cap: float, targets: dict[str, float]) -> str:
    lines = [
        "| measure | ours | newsboat as shipped | newsboat after ANALYZE | ours / shipped "
        "| ours / ANALYZE | target (ours / ANALYZE) | runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, cols in res.rows.items():
        unit = "MiB" if name.endswith("(MiB)") else "s"
        cells, values = [], {}
        for who in ("ours", "nb", "nba"):
            data = cols.get(who)
            if data is None:
                cells.append("n/a")
                continue
            if unit == "MiB" or name.startswith("CPU"):
                data = [v for v in data if v is not None]  # None: not measured, not over cap
                if not data:
                    cells.append("?")
                    continue
            m, text = median(data, cap)
            values[who] = m
            cells.append(text if m is None else fmt(m, unit))
        ratios = []
        for who in ("nb", "nba"):
            ours, theirs = values.get("ours"), values.get(who)
            if ours is not None and theirs:
                ratios.append(f"{ours / theirs:.2f}")
            elif ours is not None and who in cols and theirs is None and cols.get(who):
                ratios.append(f"< {ours / cap:.3f}")  # newsboat past the cap
            else:
                ratios.append("–")
        target = targets.get(name)
        verdict = "–"
        if target is not None:
            verdict = f"<= {target:g}"
            ours, theirs = values.get("ours"), values.get("nba")
            if ours is not None and theirs:
                verdict += " met" if ours / theirs <= target else " **missed**"
        runs = max((len(v) for v in cols.values()), default=0)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratios[0]} | {ratios[1]} | "
                     f"{verdict} | {runs} |")
    return "\n".join(lines)


def compile_package() -> None:
    """Write the reader's bytecode before measuring, as an installed program has it.

    Without it, a run in an environment with PYTHONDONTWRITEBYTECODE=1 (this sandbox has
    it) compiles every module of ours from source at every start: ~45 ms per command.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "reader"), quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs (smoke run)")
    parser.add_argument("--feeds", type=int, help="feeds (default 200)")
    parser.add_argument("--items", type=int, help="items per feed for refresh and the small "
                        "open (default 50; quick 10)")
    parser.add_argument("--big-items", type=int, help="items per feed for the big open "
                        "(default 500; quick 50)")
    parser.add_argument("--runs", type=int, help="runs of each refresh (default 5; quick 1)")
    parser.add_argument("--open-runs", type=int, help="runs of each open (default 5; quick 2)")
    parser.add_argument("--big-open-runs", type=int, help="runs of each open of the big "
                        "store (default 3; quick 2)")
    parser.add_argument("--cap", type=float, default=120.0, help="cap of any one wait, s")
    parser.add_argument("--settle", type=float, help="seconds of memory reading after the list "
                        "shows (default 3; quick 1.5)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()
    quick = args.quick
    feeds = args.feeds or 200
    items = args.items or (10 if quick else 50)
    big_items = args.big_items or (50 if quick else 500)
    runs = args.runs or (1 if quick else 5)
    open_runs = args.open_runs or (2 if quick else 5)
    big_open_runs = args.big_open_runs or (2 if quick else 3)
    settle = args.settle if args.settle is not None else (1.5 if quick else 3.0)
    slow = 20.0  # an open slower than this is run once only

    compile_package()
    work = Path(tempfile.mkdtemp(prefix="vs-newsboat-"))
    sets = {"s": FeedSet("s", feeds, items), "b": FeedSet("b", feeds, big_items)}
    counter = Counter()
    server = make_server(sets, counter)
    env = Env(work, server.server_address[1], args.cap)
    res = Results()
    have_nb = env.newsboat is not None
    if not have_nb:
        msg = ("newsboat is not installed: only our reader is measured "
               "(install it, e.g. `apt-get install newsboat`, for the comparison)")
        log("NOTE: " + msg)
        res.notes.append(msg)
    nb_version = ""
    if have_nb:
        out = subprocess.run([env.newsboat, "-v"], capture_output=True, text=True, env=env.env)
        nb_version = out.stdout.splitlines()[0] if out.stdout else "newsboat (version unknown)"
    if env.gnu_time is None:
        res.notes.append("/usr/bin/time is missing: no peak memory for refreshes")
    log(f"work folder {work}; feeds on 127.0.0.1:{env.port}; {nb_version or 'no newsboat'}")
    started = time.perf_counter()
    load_before = os.getloadavg()
    try:
        log(f"[1] refresh, {feeds} feeds x {items} items, {runs} run(s)")
        small = refresh_phase(env, sets["s"], counter, res, runs, have_nb)
        floor(env, res, runs)
        if env.tmux_bin is None:
            res.notes.append("tmux is not installed: open times not measured")
        else:
            log(f"[2] open, {sets['s'].articles:,} articles")
            open_phase(env, sets["s"], small, res, open_runs, settle, slow)
        log(f"[3] build stores of {sets['b'].articles:,} articles ({feeds} feeds x {big_items})")
        big = build_phase(env, sets["b"], counter, res, have_nb)
        if env.tmux_bin is not None:
            log(f"[4] open, {sets['b'].articles:,} articles")
            open_phase(env, sets["b"], big, res, big_open_runs, settle, slow)
    finally:
        server.shutdown()
        if env.tmux_bin:
            env.tmux("kill-server")
            tmpdir = os.environ.get("TMUX_TMPDIR", "/tmp")
            Path(f"{tmpdir}/tmux-{os.getuid()}/{env.socket}").unlink(missing_ok=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    big_open = f"open until list on screen, {sets['b'].articles:,} articles (s)"
    targets = {
        f"refresh cold, {feeds} feeds x {items} (s)": 1.0,
        f"refresh warm, all 304, {feeds} feeds x {items} (s)": 1.0,
        big_open: 0.8,
        f"peak memory, open {sets['s'].articles:,} articles (MiB)": 2.0,
        f"peak memory, open {sets['b'].articles:,} articles (MiB)": 1.0,
    }
    print()
    print(f"reader vs {nb_version or 'newsboat (absent)'}, {'quick' if quick else 'full'} run, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
          f"{time.perf_counter() - started:.0f} s in all; load average {load_before[0]:.1f} at "
          f"the start, {os.getloadavg()[0]:.1f} at the end. Medians; times in seconds, memory "
          f"in MiB (peak RSS).")
    print()
    print(table(res, args.cap, targets))
    print()
    print("- Open: ours until a screenful of article rows is shown; newsboat until its first "
          "screen, the feed list, shows a full screen of feeds (it has no article list at start).")
    print("- Memory of opens: VmHWM of the pane's process tree, read until "
          f"{settle:g} s after the list shows; of refreshes: max RSS from /usr/bin/time -v.")
    print("- Cold-refresh columns for newsboat are the same figures (ANALYZE cannot apply to an "
          "empty cache). An open slower than "
          f"{slow:g} s is run once; '> {args.cap:.0f}' is past the cap.")
    for note in res.notes:
        print(f"- NOTE: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
