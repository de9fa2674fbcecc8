"""The app as a user drives it (Pilot), on real databases built from the sample feeds."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static
from feed_server import FeedServer, Reply, feed_server  # noqa: F401  (fixture)

from reader.core.config import sample_feed_paths
from reader.core.models import Entry, ParsedFeed
from reader.core.refresh import refresh
from reader.core.settings import Settings
from reader.core.store import ALL, Store
from reader.stories import group_new_articles
from reader.tui.app import ReaderApp
from reader.tui.messages import ArticleOpened, ArticlesLoaded, RefreshFinished
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import NO_FEEDS, MainScreen
from reader.tui.view import UNREAD

HOSTILE = "[@click=app.quit]x[/]"


@pytest.fixture(scope="session")
def samples_db(tmp_path_factory) -> Path:
    """A database filled from sample_feeds/ by the real refresh, built once."""
    path = tmp_path_factory.mktemp("samples") / "reader.db"
    with Store(path) as store:
        for feed in sample_feed_paths():
            store.add_feed(str(feed))
        summary = refresh(store)
        assert summary.failed == 0 and summary.new > 20
        group_new_articles(store)      # as the first run does
    return path


@pytest.fixture
def db(samples_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "reader.db"
    shutil.copy(samples_db, copy)
    return copy


def make_app(path: Path, settings: Settings | None = None) -> tuple[ReaderApp, Store]:
    store = Store(path)
    return ReaderApp(store, settings or Settings()), store


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (workers answer in a few ms)."""
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise AssertionError("the app did not get there in time")
        await pilot.pause(0.02)
        waited += 0.02


def main(app: ReaderApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def line_text(widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


async def loaded(pilot) -> MainScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, MainScreen)
                and pilot.app.screen.article_list.ids and pilot.app.screen.feeds)
    return pilot.app.screen


async def test_moving_through_the_list(db: Path):
    app, store = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        articles = screen.article_list
        assert articles.ids == store.article_ids(ALL.by_story())
        assert articles.has_focus
        await pilot.press("j", "j", "down")
        assert articles.cursor == 3
        await pilot.press("k")
        assert articles.cursor == 2
        await pilot.press("G")
        assert articles.cursor == len(articles.ids) - 1
        assert articles.scroll_offset.y > 0          # the cursor stays on screen
        await pilot.press("g")
        assert articles.cursor == 0 and articles.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert articles.cursor > 10
        await pilot.press("ctrl+u")
        assert 0 < articles.cursor < 20
        # The first line shows the newest article's title, from the store.
        newest = store.rows([articles.ids[0]])[0]
        assert newest.title[:20] in line_text(articles, 0 - articles.scroll_offset.y) \
            or articles.scroll_offset.y > 0
    store.close()


async def test_opening_an_article_marks_it_read_and_counts_change(db: Path):
    seen: list = []
    app, store = make_app(db)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        screen = await loaded(pilot)
        await until(pilot, lambda: "unread" in screen.feed_list.counts)
        unread_before = screen.feed_list.counts["unread"]
        # Find an unread article, then open it with Enter.
        await pilot.press("n")
        await until(pilot, lambda: not screen.article_list.selected_row.read)
        article_id = screen.article_list.selected_id
        feed_key = f"feed:{screen.article_list.selected_row.feed_id}"
        feed_unread = screen.feed_list.counts[feed_key]
        await pilot.press("enter")
        await until(pilot, lambda: any(isinstance(m, ArticleOpened) for m in seen))
        opened = next(m for m in seen if isinstance(m, ArticleOpened))
        assert opened.article.id == article_id
        assert screen.article_view.article.id == article_id
        assert screen.article_view.has_focus
        assert store.article(article_id).read
        await until(pilot, lambda: screen.feed_list.counts["unread"] == unread_before - 1)
        assert screen.feed_list.counts[feed_key] == feed_unread - 1
        header = screen.query_one("#article-header").render()
        assert store.article(article_id).title in str(header)

        # m marks it unread again, s stars it; the counts in the feeds pane follow.
        starred_before = screen.feed_list.counts["starred"]
        await pilot.press("m", "s")
        await until(pilot, lambda: screen.feed_list.counts["starred"] == starred_before + 1
                    and screen.feed_list.counts["unread"] == unread_before)
        assert not store.article(article_id).read
        assert store.article(article_id).starred
        # h goes back to the list, where the row shows the star.
        await pilot.press("h")
        assert screen.article_list.has_focus
        assert screen.article_list.selected_row.starred
        assert "★" in line_text(screen.article_list,
                                screen.article_list.cursor - screen.article_list.scroll_offset.y)
    store.close()


async def test_search_shows_the_result_count_and_escape_clears_it(db: Path):
    app, store = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        everything = list(screen.article_list.ids)
        expected = store.article_ids(ALL.by_story().containing("harbour"))
        assert 0 < len(expected) < len(everything)
        await pilot.press("slash")
        assert screen.search_box.has_focus
        await pilot.press(*"harbour")
        await until(pilot, lambda: screen.article_list.ids == expected)
        status = str(screen.query_one("#status").render())
        assert f"{len(expected)} result" in status and "harbour" in status
        await pilot.press("escape")
        await until(pilot, lambda: screen.article_list.ids == everything)
        assert not screen.search_box.display
        assert screen.article_list.has_focus
    store.close()


async def test_feeds_pane_chooses_a_feed(db: Path):
    app, store = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("shift+tab")
        assert screen.feed_list.has_focus
        first_feed = store.feeds()[0]
        await pilot.press("j", "j", "j", "enter")     # All, Unread, Starred, then feed one
        await until(pilot, lambda: screen.view.feed_id == first_feed.id
                    and screen.article_list.ids == store.article_ids(ALL.in_feed(first_feed.id)))
        assert screen.article_list.has_focus
    store.close()


async def test_refresh_against_a_server_with_one_failing_feed(tmp_path: Path, feed_server):
    sample = sample_feed_paths()[0]
    good = feed_server.serve_file("/good.xml", sample)
    bad = feed_server.route("/bad.xml", Reply(status=500, body=b"oops"))
    path = tmp_path / "reader.db"
    with Store(path) as store:
        good_feed = store.add_feed(good)
        bad_feed = store.add_feed(bad)
    seen: list = []
    app, store = make_app(path)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        screen = main(app)
        await until(pilot, lambda: len(screen.feeds) == 2)
        assert screen.article_list.ids == []
        await pilot.press("R")
        await until(pilot, lambda: any(isinstance(m, RefreshFinished) for m in seen))
        finished = next(m for m in seen if isinstance(m, RefreshFinished))
        assert finished.feeds == 2 and finished.new > 0
        assert [name for name, _ in finished.failed] == [store.feed(bad_feed.id).name]
        # New articles appear in the list; the failing feed is marked; the app is alive.
        await until(pilot, lambda: len(screen.article_list.ids) == finished.new)
        await until(pilot, lambda: bad_feed.id in screen.feed_list.errors)
        assert good_feed.id not in screen.feed_list.errors
        assert any("failed" in n.message for n in app._notifications)
        assert "1 failed" in str(screen.query_one("#status").render())
        assert app.is_running
        await pilot.press("j")
        assert screen.article_list.cursor == 1
    store.close()


async def test_refresh_keeps_the_selection(tmp_path: Path, feed_server):
    """New articles arriving above the cursor do not move it off the article it is on."""
    first = sample_feed_paths()[0]
    feed_server.serve_file("/feed.xml", first)
    path = tmp_path / "reader.db"
    with Store(path) as store:
        store.add_feed(feed_server.url("/feed.xml"))
        # Fetched (and failed) before the app opens, so the app does not fetch it by itself.
        other = store.add_feed("https://example.invalid/other.xml")
        refresh(store)
        newer = Entry(key="late", title="Late news", published=2_000_000_000, content="x")
        seen: list = []
    app, store = make_app(path)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j", "j")
        chosen = screen.article_list.selected_id
        store.store_feed(other.id, ParsedFeed(title="Other", entries=[newer]))
        await pilot.press("R")
        await until(pilot, lambda: any(isinstance(m, RefreshFinished) for m in seen))
        await until(pilot, lambda: screen.article_list.ids[0] != chosen
                    and len(screen.article_list.ids) == store.count(ALL))
        assert screen.article_list.selected_id == chosen
        assert screen.article_list.cursor == 3
    store.close()


async def test_markup_in_a_feed_is_shown_literally(tmp_path: Path):
    path = tmp_path / "reader.db"
    with Store(path) as store:
        feed = store.add_feed("https://example.org/feed.xml")
        store.store_feed(feed.id, ParsedFeed(title=HOSTILE, entries=[
            Entry(key="1", title=HOSTILE, author=HOSTILE, link="https://example.org/1",
                  published=1_700_000_000, content=f"<p>{HOSTILE} in the body</p>"),
        ]))
    app, store = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert HOSTILE in line_text(screen.article_list, 0)
        feed_prompts = [" ".join(o.prompt.plain.split()) for o in screen.feed_list.options
                        if o.id == f"feed:{feed.id}"]
        assert feed_prompts == [HOSTILE + " 1"]          # the name as typed, 1 unread
        # Clicking the row opens the article; nothing in it is an action.
        await pilot.click("#articles", offset=(10, 0))
        await until(pilot, lambda: screen.article_view.article is not None)
        await pilot.pause(0.1)
        header = screen.query_one("#article-header").render()
        assert HOSTILE in str(header)
        await pilot.click("#article-header", offset=(2, 0))
        await pilot.click("#feeds", offset=(2, 3))
        await pilot.pause(0.1)
        assert app.is_running
    store.close()


async def test_narrow_terminal_shows_one_pane_at_a_time(db: Path):
    app, store = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.pause(0.05)
        assert screen.narrow

        def shown() -> set[str]:
            return {pane for pane in ("feeds", "list-pane", "article-pane")
                    if screen.query_one(f"#{pane}").display
                    and screen.query_one(f"#{pane}").region.area > 0}

        assert shown() == {"list-pane"}
        assert screen.article_list.size.width >= 78      # the list has the whole width
        await pilot.press("enter")
        await until(pilot, lambda: screen.article_view.article is not None)
        await pilot.pause(0.05)
        assert shown() == {"article-pane"}
        await pilot.press("escape")
        await pilot.pause(0.05)
        assert shown() == {"list-pane"}
        await pilot.press("h")
        await pilot.pause(0.05)
        assert shown() == {"feeds"}
        await pilot.press("tab")
        await pilot.pause(0.05)
        assert shown() == {"list-pane"}
    store.close()


async def test_wide_terminal_shows_three_panes(db: Path):
    app, store = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.pause(0.05)
        assert not screen.narrow
        for pane in ("feeds", "list-pane", "article-pane"):
            assert screen.query_one(f"#{pane}").region.area > 0
    store.close()


async def test_empty_database_says_how_to_add_feeds(tmp_path: Path):
    app, store = make_app(tmp_path / "empty.db")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main(app)
        await until(pilot, lambda: screen.article_list.empty_message == NO_FEEDS)
        assert NO_FEEDS in line_text(screen.article_list, 1)
        await pilot.press("R", "j", "enter", "n", "m", "s", "A", "o")
        await pilot.pause(0.1)
        assert app.is_running
    store.close()


async def test_first_run_fetches_the_subscribed_sample_feeds_in_the_background(tmp_path: Path):
    # What `reader` does on an empty database: subscribe to the sample feeds, open the app;
    # the app fetches feeds that were never fetched, and the articles appear.
    with Store(tmp_path / "first.db") as store:
        for path in sample_feed_paths():
            store.add_feed(str(path))
    seen: list = []
    app, store = make_app(tmp_path / "first.db")
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        screen = main(app)
        await until(pilot, lambda: any(isinstance(m, RefreshFinished) for m in seen), timeout=60)
        finished = next(m for m in seen if isinstance(m, RefreshFinished))
        assert finished.new == store.count(ALL) >= 40 and not finished.failed
        await until(pilot, lambda: screen.article_list.ids == store.article_ids(ALL.by_story()))
        assert all(f.last_fetched for f in store.feeds())
        # the copies of one story were grouped, so the list shows fewer rows than articles
        assert len(screen.article_list.ids) < store.count(ALL)
    store.close()


async def test_help_screen_and_remapped_keys(db: Path):
    settings = Settings(keymap={"down": "x", "help": "f1"})
    app, store = make_app(db, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("x", "x")
        assert screen.article_list.cursor == 2
        await pilot.press("j")                 # no longer bound to "down"
        assert screen.article_list.cursor == 2
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        help_text = console.export_text()
        assert "toggle_star" in help_text
        assert "f1" in help_text and "Help" in help_text          # the remapped key is shown
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    store.close()


async def test_broken_settings_are_one_notification(db: Path):
    store = Store(db)
    app = ReaderApp(store, Settings(), "the settings file x.toml is not valid TOML")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "not valid TOML" in messages[0]
    store.close()


async def test_entity_browsing_finds_people_in_the_background_and_lists_their_articles(db: Path):
    # Nothing is analysed yet: choosing People starts the real model on every stored article
    # in a worker, and the names fill in as batches finish.
    app, store = make_app(db)
    seed = store.articles(ALL.containing("Bukele Coatepeque"))
    assert len(seed) == 1
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("shift+tab", "G", "k", "enter")      # "People" is next to last
        await until(pilot, lambda: screen.feed_list.entity_kind == "person")
        await until(pilot, lambda: "person:Nayib Bukele" in screen.feed_list.views, timeout=90)
        screen.feed_list.select_key("person:Nayib Bukele")
        await pilot.press("enter")
        await until(pilot, lambda: seed[0].id in screen.article_list.ids)
        assert set(screen.article_list.ids) == set(store.article_ids(
            ALL.mentioning("person", "Nayib Bukele")))
        await pilot.press("shift+tab", "escape")
        await until(pilot, lambda: screen.feed_list.entity_kind is None
                    and "all" in screen.feed_list.views)
    store.close()


async def test_articles_loaded_names_its_view(db: Path):
    # The first screenful is shown at start-up as the screen mounts; every answer of a worker
    # names the view it belongs to, so a stale one (the user has moved on) is dropped.
    seen: list = []
    app, store = make_app(db)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        screen = await loaded(pilot)
        assert screen.article_list.ids == store.article_ids(ALL.by_story())
        screen.choose_view(UNREAD)
        await until(pilot, lambda: any(isinstance(m, ArticlesLoaded) and m.complete
                                       for m in seen))
        loads = [m for m in seen if isinstance(m, ArticlesLoaded)]
        assert all(m.view.key == "unread" for m in loads)
        assert loads[-1].ids == store.article_ids(UNREAD.filter)
        await until(pilot, lambda: screen.article_list.ids == loads[-1].ids)
    store.close()


def test_only_web_links_are_opened():
    from reader.tui.opener import check_link, open_link

    assert check_link("https://example.org/a?b=1;rm -rf /") is None
    assert check_link("http://example.org/") is None
    for bad in ("", "file:///etc/passwd", "javascript:alert(1)", "-oProxyCommand=x",
                "ftp://example.org/", "https://"):
        assert check_link(bad) is not None, bad
        assert open_link(bad, ("true",)) is not None
    # A missing opener is a message, not a crash.
    assert "could not start" in open_link("https://example.org/", ("no-such-opener-xyz",)).lower()


def test_remapped_keys_reach_every_binding_with_that_id():
    from reader.tui.keys import KEYS, binding

    assert len({k.id for k in KEYS.values()}) == len(KEYS)
    assert binding("down").id == "down" and "j" in binding("down").key


async def test_a_story_from_two_feeds_shows_once_and_reading_it_reads_both(db: Path):
    seen: list = []
    app, store = make_app(db)
    copies = store.articles(ALL.containing("copper strike"))
    story_ids = {row.story_id for row in copies}
    assert len(copies) == 2 and len(story_ids) == 1     # the syndicated copy, grouped
    # The story is led by its earliest source, whose id is the story's id.
    (first,) = [row.id for row in copies if row.id == row.story_id]
    (second,) = [row.id for row in copies if row.id != row.story_id]
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        screen = await loaded(pilot)
        ids = screen.article_list.ids
        assert first in ids and second not in ids       # shown once, by its lead
        screen.article_list.move_to(ids.index(first))
        await pilot.press("enter")
        await until(pilot, lambda: screen.article_view.article is not None
                    and screen.article_view.article.id == first)
        assert [row.id for row in screen.article_view.sources] == [second]
        assert "Also reported by 1 more source" in str(
            screen.query_one("#article-header").render())
        assert store.article(first).read and store.article(second).read
        await pilot.press("v")                            # the next source of the story
        await until(pilot, lambda: screen.article_view.article.id == second)
        assert [row.id for row in screen.article_view.sources] == [first]
    store.close()


async def test_reading_one_source_leaves_the_others_unread_when_the_setting_is_off(db: Path):
    app, store = make_app(db, Settings(mark_story_read=False))
    copies = store.articles(ALL.containing("copper strike"))
    # The list shows the story by its lead (its earliest source), whatever order the feeds
    # were stored in.
    (first,) = [row.id for row in copies if row.id == row.story_id]
    (second,) = [row.id for row in copies if row.id != row.story_id]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.article_list.move_to(screen.article_list.ids.index(first))
        await pilot.press("enter")
        await until(pilot, lambda: screen.article_view.article is not None
                    and screen.article_view.article.id == first)
        assert store.article(first).read and not store.article(second).read
    store.close()
