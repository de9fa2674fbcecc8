"""Faults around the database: kill -9 mid-refresh, a full disk, read-only and damaged files,
a database from a newer reader, and two readers at once. Real processes, real files, real mounts.

The disk-full and read-only cases need root (mount, chattr), which the project's test machine has.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feed_server import Reply

from reader.core.store import SCHEMA_VERSION, Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from kill_refresh import KillBench, with_store  # noqa: E402

READER = [sys.executable, "-m", "reader.cli"]


def reader(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*READER, "--db", str(db), *args], capture_output=True, text=True, timeout=timeout)


def assert_one_clear_line(out: subprocess.CompletedProcess, *words: str) -> None:
    """A failure the user can read: non-zero exit, one line on stderr, no traceback."""
    assert out.returncode != 0, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: "), out.stderr
    for word in words:
        assert word in lines[0], lines[0]


def files_digest(folder: Path, name: str) -> dict[str, str]:
    """The bytes of a database and its -wal, by name (-shm is SQLite's shared-memory index,
    which readers update too, and an empty -wal: neither holds data)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())
            if p.name.startswith(name) and not p.name.endswith("-shm") and p.stat().st_size}


def set_user_version(db: Path, version: int, journal_mode: str | None = None) -> None:
    """As another program would: in its own process, which leaves no WAL behind when it ends."""
    script = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
              + (f"c.execute('PRAGMA journal_mode = {journal_mode}'); c.execute('CREATE TABLE future (x)'); "
                 if journal_mode else "")
              + f"c.execute('PRAGMA user_version = {version}'); c.close()")
    subprocess.run([sys.executable, "-c", script, str(db)], check=True)


def write_feed(path: Path, title: str, count: int, words: int = 20, tag: str = "") -> Path:
    items = "".join(
        f"<item><title>{title} {i}{tag}</title><link>https://{title.lower()}.example/{i}</link>"
        f"<guid>{title}-{i}</guid><description>{f'word{i}{tag} ' * words}</description></item>"
        for i in range(count))
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
                    f"<link>https://{title.lower()}.example/</link>{items}</channel></rss>")
    return path


def marked_db(folder: Path) -> Path:
    """A database with one feed of 30 articles, three read and two starred; closed (no WAL left)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "r.db"
    feed = write_feed(folder.parent / f"{folder.name}-small.xml", "Small", 30)
    assert reader(db, "add", str(feed)).returncode == 0
    with_store(db, "ids = store.article_ids()\nstore.mark_read(ids[:3])\n"
                   "store.set_starred(ids[5], True)\nstore.set_starred(ids[6], True)")
    return db


def marks(db: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT key, read, starred FROM articles ORDER BY key").fetchall()
    finally:
        conn.close()


# --- kill -9 --------------------------------------------------------------------------------------


def test_kill_9_during_refresh_loses_nothing(tmp_path):
    # 3,000 entries: a refresh stores feeds in batches of about 1,000 entries, so a kill
    # can land between batches as well as inside one.
    bench = KillBench(tmp_path, feeds=100, items=30)
    bench.setup(random.Random(7))
    assert len(bench.marks) > 100
    trials = [
        bench.trial(1, kill_after_stored=1),       # just after the first batch's transaction
        bench.trial(2, kill_after_stored=50),      # half way
        bench.trial(3, delay=random.Random(3).uniform(0.3, 1.0)),
    ]
    for trial in trials:
        assert trial.ok, trial
    assert trials[0].killed and trials[1].killed
    assert 0 < trials[1].stored_before_kill < 100


# --- a full disk ----------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MiB tmpfs mounted in the test's folder (root only)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True)
    assert done.returncode == 0, f"cannot mount a tmpfs: {done.stderr}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_clear_line_and_keeps_what_was_stored(tmp_path, tiny_disk):
    db = marked_db(tiny_disk)
    before = marks(db)
    big = write_feed(tmp_path / "big.xml", "Big", 100, words=2000)
    added = reader(db, "add", str(big))
    assert "Traceback" not in added.stdout + added.stderr
    assert "is full" in added.stdout + added.stderr
    # The feed was not stored, so the command failed: say so with a non-zero exit.
    assert added.returncode != 0, added.stdout
    assert marks(db) == before
    with Store(db) as store:
        assert store.integrity_ok()
        assert store.count() == 30


def test_marking_on_a_full_disk(tmp_path, tiny_disk):
    db = marked_db(tiny_disk)
    before = marks(db)
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)    # take every byte left
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    out = reader(db, "mark-read", "--all")
    if out.returncode == 0:
        # SQLite found room (a WAL it could grow into freed pages): then the marks must be real.
        assert all(read for _, read, _ in marks(db))
    else:
        assert_one_clear_line(out)
        assert "full" in out.stderr or "cannot open" in out.stderr or "cannot be written" in out.stderr
        filler.unlink()
        assert marks(db) == before
    filler.unlink(missing_ok=True)
    with Store(db) as store:
        assert store.integrity_ok()


# --- read-only file and folder --------------------------------------------------------------------


@pytest.fixture
def immutable():
    """chattr +i: a file even root cannot write (chmod 444 does not stop root)."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, f"chattr is not available: {done.stderr}"
        made.append(path)
        return path

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.fixture
def read_only_folder():
    """A read-only bind mount of a folder onto itself (root does not bypass a read-only mount)."""
    mounted: list[Path] = []

    def make(folder: Path) -> Path:
        for args in (["mount", "--bind", str(folder), str(folder)],
                     ["mount", "-o", "remount,bind,ro", str(folder)]):
            done = subprocess.run(args, capture_output=True, text=True)
            assert done.returncode == 0, f"cannot make a read-only mount: {done.stderr}"
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_chmod_444_does_not_stop_root_so_the_tests_use_chattr_and_mounts(tmp_path):
    path = tmp_path / "f"
    path.write_text("x")
    path.chmod(0o444)
    writable_anyway = os.geteuid() == 0
    if writable_anyway:
        with open(path, "a") as f:      # root ignores the mode bits
            f.write("y")
        assert path.read_text() == "xy"


def _read_only_checks(tmp_path: Path, db: Path) -> None:
    folder = db.parent
    before = files_digest(folder, db.name)
    listed = reader(db, "feeds")
    if listed.returncode == 0:             # reading a read-only database is fine ...
        assert "Small" in listed.stdout
        assert reader(db, "articles", "--limit", "0").stdout.count("\n") == 30
    else:                                  # ... and so is a clear refusal (WAL needs its -shm)
        assert_one_clear_line(listed, "cannot open the database")
    for out in (reader(db, "mark-read", "--all"),
                reader(db, "add", str(write_feed(tmp_path / "other.xml", "Other", 2)))):
        assert_one_clear_line(out)
        assert "cannot be written" in out.stderr or "cannot open the database" in out.stderr
    assert files_digest(folder, db.name) == before
    # A refresh with something new to store cannot store it: one clear line, non-zero exit.
    feed = tmp_path / "ro-small.xml"
    write_feed(feed, "Small", 31, tag=" again")
    refreshed = reader(db, "refresh")
    assert "Traceback" not in refreshed.stdout + refreshed.stderr
    said = " ".join((refreshed.stdout + refreshed.stderr).split())
    assert "cannot be written" in said or "cannot open the database" in said
    assert files_digest(folder, db.name) == before
    assert refreshed.returncode != 0, refreshed.stdout


def test_a_read_only_database_file(tmp_path, immutable):
    db = marked_db(tmp_path / "ro")
    immutable(db)
    _read_only_checks(tmp_path, db)


def test_a_database_in_a_read_only_folder(tmp_path, read_only_folder):
    db = marked_db(tmp_path / "ro")
    read_only_folder(db.parent)
    _read_only_checks(tmp_path, db)


# --- a damaged database ---------------------------------------------------------------------------


def test_a_database_damaged_in_the_middle(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    db = folder / "r.db"
    for n in range(5):
        assert reader(db, "add", "--no-refresh", str(write_feed(tmp_path / f"f{n}.xml", f"F{n}", 60, words=200))).returncode == 0
    assert reader(db, "refresh", "--quiet").returncode == 0
    size = db.stat().st_size
    assert size > 500_000 and not (folder / "r.db-wal").exists()
    rng = random.Random(11)
    with open(db, "r+b") as f:          # scribble over a few pages in the middle
        for _ in range(8):
            f.seek(rng.randrange(size // 3, 2 * size // 3))
            f.write(bytes(rng.randrange(256) for _ in range(2048)))
    before = files_digest(folder, db.name)
    for args in (["articles", "--limit", "0"], ["articles", "--search", "word1"]):
        out = reader(db, *args)
        assert_one_clear_line(out, "damaged")
    assert files_digest(folder, db.name) == before
    # A refresh must not write more into a damaged file than it already holds: refused or harmless.
    for n in range(5):
        write_feed(tmp_path / f"f{n}.xml", f"F{n}", 61, words=200, tag=" new")
    out = reader(db, "refresh")
    assert "Traceback" not in out.stdout + out.stderr
    assert "damaged" in " ".join((out.stdout + out.stderr).split())
    assert out.returncode != 0, out.stdout


def test_a_database_from_a_newer_reader_is_refused_untouched(tmp_path):
    folder = tmp_path / "new"
    db = marked_db(folder)
    set_user_version(db, SCHEMA_VERSION + 1)
    assert not (folder / "r.db-wal").exists()
    before = files_digest(folder, db.name)
    for args in (["feeds"], ["articles"], ["refresh"], ["mark-read", "--all"]):
        assert_one_clear_line(reader(db, *args), "newer version")
    assert files_digest(folder, db.name) == before


def test_a_newer_database_in_rollback_journal_mode_is_not_switched_to_wal(tmp_path):
    """A newer reader may use another journal mode; refusing it must not rewrite its header."""
    folder = tmp_path / "new"
    folder.mkdir()
    db = folder / "r.db"
    set_user_version(db, SCHEMA_VERSION + 1, journal_mode="DELETE")
    before = files_digest(folder, db.name)
    assert_one_clear_line(reader(db, "feeds"), "newer version")
    assert files_digest(folder, db.name) == before


# --- two at once ----------------------------------------------------------------------------------


def _serve_feeds(feed_server, count: int, items: int) -> list[str]:
    urls = []
    for n in range(count):
        body = "".join(f"<item><title>S{n} e{i}</title><guid>s{n}-{i}</guid><description>{'w ' * 300}</description></item>"
                       for i in range(items))
        urls.append(feed_server.route(f"/s{n}.xml", Reply(
            body=f'<rss version="2.0"><channel><title>Site {n}</title>{body}</channel></rss>'.encode())))
    return urls


def _check_complete(db: Path, feeds: int, items: int) -> None:
    with Store(db) as store:
        assert store.integrity_ok()
        listed = store.feeds()
        assert len(listed) == feeds
        assert all(f.total == items and f.last_error is None for f in listed), \
            [(f.name, f.total, f.last_error) for f in listed if f.total != items or f.last_error]
        assert store.count() == feeds * items
        assert store.execute("SELECT count(*) FROM article_search")[0][0] == feeds * items
        assert store.execute("SELECT count(*) FROM (SELECT feed_id, key FROM articles GROUP BY 1, 2)")[0][0] == feeds * items


def test_two_refreshes_of_one_database_at_once(tmp_path, feed_server):
    db = tmp_path / "r.db"
    urls = _serve_feeds(feed_server, 60, 15)
    with_store(db, "for url in sys.argv[2:]: store.add_feed(url)", *urls)
    first = subprocess.Popen([*READER, "--db", str(db), "refresh", "--quiet"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([*READER, "--db", str(db), "refresh", "--quiet"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    for process, (stdout, stderr) in zip((first, second), outs):
        assert "Traceback" not in stdout + stderr
        # Both finish, or one is refused in one clear line.
        assert process.returncode == 0 or stderr.strip().startswith("reader: "), stderr
        assert " 0 failed" in stdout or process.returncode != 0, stdout
    assert len(feed_server.requests) >= 60
    _check_complete(db, 60, 15)


READER_LOOP = r"""
import sys, time
from reader.core.store import Store, ALL
store = Store(sys.argv[1])
seen, reads, until = 0, 0, time.monotonic() + float(sys.argv[2])
while time.monotonic() < until:
    rows = store.articles(ALL, limit=500)
    for row in rows[:20]:
        store.article(row.id)
    count = store.count()
    assert count >= seen, (count, seen)      # never goes back: no article vanishes mid-refresh
    seen, reads = count, reads + 1
    # And a long read transaction: a snapshot held open while the refresh writes.
    store.execute("BEGIN")
    held = store.execute("SELECT count(*) FROM articles")[0][0]
    time.sleep(0.05)
    assert store.execute("SELECT count(*) FROM articles")[0][0] == held
    store.execute("COMMIT")
print(reads, seen)
"""


def test_refresh_while_another_process_holds_the_store_open_and_reads(tmp_path, feed_server):
    db = tmp_path / "r.db"
    urls = _serve_feeds(feed_server, 60, 15)
    with_store(db, "for url in sys.argv[2:]: store.add_feed(url)", *urls)
    looker = subprocess.Popen([sys.executable, "-c", READER_LOOP, str(db), "4"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    refreshed = reader(db, "refresh", "--quiet")
    stdout, stderr = looker.communicate(timeout=60)
    assert looker.returncode == 0, stderr
    assert refreshed.returncode == 0, refreshed.stderr
    assert "0 failed" in refreshed.stdout
    reads, seen = map(int, stdout.split())
    assert reads > 5
    _check_complete(db, 60, 15)
