"""The `reader` command through click's runner, on real database files and feed files."""

import json

import pytest
from click.testing import CliRunner

from reader.cli import main

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>https://news.example/</link>
<description>d</description>
{items}
</channel></rss>"""

ITEM = """<item><title>{title}</title><link>https://news.example/{n}</link>
<guid isPermaLink="false">item-{n}</guid><pubDate>Mon, {day:02d} Nov 2026 10:00:00 GMT</pubDate>
<description><![CDATA[<p>{body}</p>]]></description></item>"""


def write_feed(path, title, items):
    xml_items = "\n".join(
        ITEM.format(title=t, n=i, day=i + 1, body=b) for i, (t, b) in enumerate(items)
    )
    path.write_text(RSS.format(title=title, items=xml_items), encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path):
    runner = CliRunner()
    db = tmp_path / "reader.db"
    feed = write_feed(tmp_path / "world.rss", "World Desk", [
        ("Floods in Valencia", "Mayor Ana Ortiz spoke in Valencia about the floods."),
        ("Talks in Geneva", "Diplomats met in Geneva on Tuesday."),
        ("Harvest in Kenya", "Farmers near Nakuru expect a good harvest."),
    ])

    def run(*args, input=None):
        return runner.invoke(main, ["--db", str(db), *args], input=input)

    return run, feed, tmp_path


def test_add_refresh_and_list(env):
    run, feed, _ = env
    out = run("add", str(feed))
    assert out.exit_code == 0, out.output
    assert "3 new" in out.output
    listed = run("articles", "--json")
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [r["title"] for r in rows] == ["Harvest in Kenya", "Talks in Geneva", "Floods in Valencia"]
    assert set(rows[0]) >= {"id", "feed", "title", "link", "published", "read", "starred"}
    assert rows[0]["feed"] == "World Desk" and rows[0]["read"] is False
    feeds = run("feeds")
    assert "3 unread" in feeds.output and "World Desk" in feeds.output


def test_refresh_twice_adds_nothing(env):
    run, feed, _ = env
    run("add", str(feed))
    again = run("refresh")
    assert again.exit_code == 0
    assert "0 new articles" in again.output


def test_search_unread_and_mark_read(env):
    run, feed, _ = env
    run("add", str(feed))
    found = [json.loads(l) for l in run("articles", "--json", "--search", 'geneva" NEAR(').output.splitlines()]
    assert found == []   # every typed word must match, syntax is just words
    found = [json.loads(l) for l in run("articles", "--json", "--search", "geneva").output.splitlines()]
    assert [f["title"] for f in found] == ["Talks in Geneva"]
    assert run("mark-read", str(found[0]["id"])).exit_code == 0
    unread = run("articles", "--json", "--unread").output.splitlines()
    assert len(unread) == 2
    assert "2 articles marked read" in run("mark-read", "--feed", "World Desk").output
    assert run("articles", "--unread").output == ""


def test_limit_pages(env):
    run, feed, _ = env
    run("add", str(feed))
    assert len(run("articles", "--limit", "2").output.splitlines()) == 2
    assert len(run("articles", "--limit", "0").output.splitlines()) == 3


def test_a_failing_feed_is_reported_and_refresh_still_exits_zero(env):
    run, feed, tmp_path = env
    broken = tmp_path / "broken.rss"
    broken.write_text("<html><body>not a feed</body></html>")
    assert run("add", str(feed)).exit_code == 0
    out = run("add", str(broken))
    assert out.exit_code == 0
    assert "1 failed" in out.output
    feeds = run("feeds").output
    assert "!" in feeds and "not a feed" in feeds


def test_errors_are_one_line_without_traceback(env):
    run, _, tmp_path = env
    for args in (["add", str(tmp_path / "missing.rss")], ["show", "999"],
                 ["remove", "nope"], ["add", "javascript:alert(1)"], ["mark-read"]):
        out = run(*args)
        assert out.exit_code != 0, args
        assert "Traceback" not in out.output
        assert out.output.startswith("reader: "), out.output


def test_a_damaged_database_is_one_clear_line(tmp_path):
    db = tmp_path / "junk.db"
    db.write_bytes(b"garbage" * 1000)
    out = CliRunner().invoke(main, ["--db", str(db), "feeds"])
    assert out.exit_code == 1
    assert "damaged or is not a reader database" in out.output
    assert "Traceback" not in out.output


def test_opml_export_then_import_round_trips(env, tmp_path):
    run, feed, _ = env
    run("add", "--no-refresh", str(feed))
    run("add", "--no-refresh", "https://example.org/feed.xml")
    exported = run("export-opml")
    assert exported.exit_code == 0 and "xmlUrl" in exported.output
    opml = tmp_path / "subs.opml"
    opml.write_text(exported.output)
    other = CliRunner().invoke(main, ["--db", str(tmp_path / "other.db"), "import-opml", "--no-refresh", str(opml)])
    assert other.exit_code == 0, other.output
    # the local file is not a web address, so it is refused on import; the web feed is kept
    assert "https://example.org/feed.xml" in other.output or "added" in other.output
    listed = CliRunner().invoke(main, ["--db", str(tmp_path / "other.db"), "feeds", "--json"])
    urls = [json.loads(l)["url"] for l in listed.output.splitlines()]
    assert urls == ["https://example.org/feed.xml"]


def test_env_var_selects_the_database(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("READER_DB", str(db))
    out = CliRunner().invoke(main, ["add", "--no-refresh", "https://example.org/feed.xml"])
    assert out.exit_code == 0
    assert db.exists()


SEED = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "seed-article.txt"
SEED_TITLE = "El Salvador Proposes to Host US Criminals and Unlawful Migrants"


def test_render_json_follows_the_contract_for_several_files_in_order(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("Mayor Ana Ortiz opened the new bridge in Valencia.\n\n"
                     "Ortiz said the bridge took four years to build.")
    out = CliRunner().invoke(main, ["render", "--json", "--title", SEED_TITLE, str(SEED), str(plain)])
    assert out.exit_code == 0, out.output
    seed, other = [json.loads(line) for line in out.output.splitlines()]
    assert set(seed) == {"title", "text", "removed", "entities"}
    assert seed["title"] == SEED_TITLE
    assert [r["reason"] for r in seed["removed"]].count("title") == 2
    assert [r["reason"] for r in seed["removed"]].count("repeat") == 4
    for e in seed["entities"] + other["entities"]:
        assert e["kind"] in ("person", "place")
    for doc in (seed, other):
        for e in doc["entities"]:
            assert doc["text"][e["start"]:e["end"]] == e["text"]
    people = {e["canonical"] for e in seed["entities"] if e["kind"] == "person"}
    places = {e["canonical"] for e in seed["entities"] if e["kind"] == "place"}
    assert {"Nayib Bukele", "Marco Rubio"} <= people
    assert {"El Salvador", "United States", "Lake Coatepeque"} <= places
    assert other["text"].startswith("Mayor Ana Ortiz")
    assert {e["canonical"] for e in other["entities"] if e["text"] == "Ortiz"} == {"Ana Ortiz"}


def test_render_reads_standard_input_and_shows_markup_literally():
    out = CliRunner().invoke(main, ["render", "--plain", "--no-highlight", "-"],
                             input="<p>[bold]not bold[/bold] \x1b]52;c;eA==\x07and [@click=app.quit]x[/]</p>")
    assert out.exit_code == 0
    assert "[bold]not bold[/bold] and [@click=app.quit]x[/]" in out.output
    assert "\x1b" not in out.output


def test_show_stories_and_people_as_json(env):
    run, _, tmp_path = env
    sample = __import__("reader.core.config", fromlist=["x"]).sample_feed_paths()
    assert run("add", *map(str, sample)).exit_code == 0
    stories = [json.loads(l) for l in run("stories", "--json", "--min", "2").output.splitlines()]
    assert stories and all(len(s["articles"]) >= 2 for s in stories)
    assert all(set(a) >= {"id", "feed", "title", "link"} for s in stories for a in s["articles"])
    assert any("copper" in s["title"].lower() for s in stories)
    seed = json.loads(run("articles", "--json", "--search", "Bukele").output.splitlines()[0])
    shown = json.loads(run("show", str(seed["id"]), "--json").output)
    assert shown["title"] == SEED_TITLE and len(shown["removed"]) >= 6
    people = [json.loads(l) for l in run("people", "--json").output.splitlines()]
    assert any(p["name"] == "Nayib Bukele" and p["articles"] >= 1 for p in people)
    mentioning = run("articles", "--json", "--mentions", "Nayib Bukele").output.splitlines()
    assert [json.loads(l)["id"] for l in mentioning] == [seed["id"]]
