"""The main screen: feeds, article list and article view, and the workers that feed them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from reader.core.store import Article, Store, StoreError
from reader.tui import opener
from reader.tui.keys import bindings
from reader.tui.messages import (
    ArticleChosen,
    ArticleOpened,
    ArticlesAnalysed,
    ArticlesLoaded,
    EntitiesLoaded,
    EntityChosen,
    FeedsLoaded,
    HighlightingUnavailable,
    MentionsFound,
    RefreshFinished,
    RefreshProgressed,
    StoreFailed,
    UnreadFound,
    ViewChosen,
)
from reader.tui.view import ALL_ARTICLES, STARRED, View
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.feed_list import BACK, FeedList
from reader.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from reader.tui.widgets.entity_panel import EntityPanel

NO_FEEDS = "No feeds yet: press R to refresh, or add feeds with `reader add URL`."
SEARCH_DELAY = 0.15          # seconds of quiet typing before a search runs
FIRST_PAGE = 120             # rows shown before all ids of a big view have arrived
PANES = ("feeds", "list-pane", "article-pane")


class MainScreen(Screen):
    """Three panes side by side when there is room, one at a time when there is not."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#articles"

    BINDINGS = [
        *bindings(
            "back", "next_pane", "previous_pane", "next_unread", "previous_unread",
            "toggle_read", "toggle_star", "mark_all_read", "open_link", "refresh_feed",
            "refresh_all", "search", "next_source", "show_removed", "entities", "next_mention",
            "previous_mention", "help", "quit",
        ),
        Binding("ctrl+p", "app.command_palette", "Commands", show=True, id="palette"),
    ]

    def __init__(self, store: Store, refresh_concurrency: int = 8,
                 retention_days: int | None = None, mark_story_read: bool = True) -> None:
        super().__init__()
        self.mark_story_read = mark_story_read
        self.store = store
        self.refresh_concurrency = refresh_concurrency
        self.retention_days = retention_days
        self.analysing = False
        self._fetched_new_feeds = False
        self.view: View = ALL_ARTICLES
        self.search = ""
        self.feeds: list = []            # the last FeedsLoaded, for the palette
        self.total = 0
        self.refreshing = False
        self.model_warned = False
        self.mention_index = -1
        self.mention_name: tuple[str, str] | None = None
        self._search_timer: Timer | None = None
        self._status_view = Text()
        self._status_refresh = Text()
        self._partial: View | None = None       # the view whose first page alone is shown
        self._base: tuple[View, list[int]] | None = None   # the unsearched view's ids

    def compose(self) -> ComposeResult:
        # The width class is set before the panes are made: Textual sets it on the first
        # Resize, which comes after the first frame (a narrow terminal would show three panes).
        width = self.app.size.width
        self.add_class(next(name for least, name in reversed(self.HORIZONTAL_BREAKPOINTS)
                            if width >= least))
        with Horizontal(id="panes"):
            yield FeedList(id="feeds", classes="pane")
            with Vertical(id="right"):
                # The search box and the entity panel are hidden at first: they are made
                # when first needed (see search_box and entity_panel), not for the first frame.
                with Vertical(id="list-pane", classes="pane -current"):
                    yield ArticleList(self.store, id="articles")
                with Horizontal(id="article-pane", classes="pane"):
                    yield ArticleView(id="article")
        yield Static(id="status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        # The first screenful is read and shown right here, on the UI thread (~1 ms), so the
        # list is drawn with the first frame: a worker's answer would only come after it.
        try:
            first = self._first_page(self.view, time.perf_counter())
        except StoreError:
            self.load_articles(self.view)      # the worker says what is wrong
        else:
            self.articles_loaded(first)
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Start the workers once the list is on screen (before, they would only slow the
        drawing down): all the ids of the view, and the feeds with their counts."""
        if self._partial is not None and self._partial == self._shown_view():
            self._load_articles(self._partial, None, None, first_page=False)
        self.load_feeds()

    # --- widgets ---

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def feed_list(self) -> FeedList:
        return self.query_one("#feeds", FeedList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def entity_panel(self) -> EntityPanel:
        """The people and places of the open article, made (hidden) when first needed."""
        panels = self.query("#entities")
        if panels:
            return panels.first()
        from reader.tui.widgets.entity_panel import EntityPanel

        panel = EntityPanel(id="entities")
        panel.display = False          # until the user asks for it (e)
        self.query_one("#article-pane").mount(panel)
        return panel

    @property
    def search_box(self) -> Input | None:
        """The search box above the list, once the user has searched (it is made then)."""
        boxes = self.query("#search")
        return boxes.first(Input) if boxes else None

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def current_pane(self) -> str:
        focused = self.focused
        while focused is not None and focused is not self:
            if focused.id in PANES:
                return focused.id
            focused = focused.parent
        return "list-pane"

    def on_descendant_focus(self) -> None:
        self._mark_current(self.current_pane())

    def _mark_current(self, current: str) -> None:
        # On narrow screens only the current pane is displayed (see app.tcss).
        for pane in PANES:
            self.query_one(f"#{pane}").set_class(pane == current, "-current")
        self.set_class(current == "feeds", "-on-feeds")

    def show_pane(self, pane: str, widget=None) -> None:
        """Make `pane` the current one and focus it (or `widget` inside it)."""
        target = widget or {
            "feeds": self.feed_list,
            "list-pane": self.article_list,
            "article-pane": self.article_view,
        }[pane]
        self._mark_current(pane)
        if target.focusable:
            target.focus()
        else:
            # A hidden widget cannot take focus: focus once the pane is displayed.
            self.call_after_refresh(target.focus)

    # --- status line ---

    def set_status(self, view: Text | None = None, refresh: Text | None = None) -> None:
        if view is not None:
            self._status_view = view
        if refresh is not None:
            self._status_refresh = refresh
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append_text(self._status_view)
        if self._status_refresh:
            line.append("  ·  ", style="dim")
            line.append_text(self._status_refresh)
        self.query_one("#status", Static).update(line)

    def _view_status(self, count: int, seconds: float) -> Text:
        text = Text()
        text.append(self.view.name, style="bold")
        if self.search:
            text.append(f"  {count} result{'s' if count != 1 else ''} for ")
            text.append(repr(self.search))
        else:
            text.append(f"  {count} article{'s' if count != 1 else ''}")
        text.append(f"  ({seconds * 1000:.0f} ms)", style="dim")
        return text

    # --- workers: every database call runs here, off the UI thread ---

    def _failed(self, error: Exception) -> None:
        self.post_message(StoreFailed(str(error)))

    @work(thread=True, exclusive=True, group="feeds")
    def load_feeds(self) -> None:
        try:
            feeds = self.store.feeds()
            unread = sum(f.unread for f in feeds)
            total = sum(f.total for f in feeds)
            starred = self.store.count(STARRED.filter)
        except StoreError as error:
            self._failed(error)
            return
        if not get_current_worker().is_cancelled:
            self.post_message(FeedsLoaded(feeds, unread, starred, total))

    def load_articles(self, view: View, keep: int | None = None) -> None:
        base = None
        if view.filter.search and self._base is not None and self._base[0] == self.view:
            base = self._base[1]
        self._load_articles(view, keep, base)

    def _first_page(self, view: View, started: float) -> ArticlesLoaded:
        """The first screenful by itself (an index walk, ~1 ms at any size) so a big view
        shows at once, with its rows; all the ids (~100 ms at 100,000 articles) follow.
        A view with no more than that is complete."""
        rows = self.store.articles(view.filter, limit=FIRST_PAGE)
        return ArticlesLoaded(view, [row.id for row in rows], None, time.perf_counter() - started,
                              complete=len(rows) < FIRST_PAGE, rows=rows)

    @work(thread=True, exclusive=True, group="articles")
    def _load_articles(self, view: View, keep: int | None, base: list[int] | None,
                       first_page: bool = True) -> None:
        started = time.perf_counter()
        worker = get_current_worker()
        try:
            if first_page and keep is None and not view.filter.search:
                first = self._first_page(view, started)
                if not worker.is_cancelled:
                    self.post_message(first)
                if first.complete:
                    return
            matching = getattr(self.store, "matching_ids", None)
            if base is not None and matching is not None:
                # Search within the view's ids, already in order: only the unordered set of
                # matches is asked of SQLite, which is several times faster for common words.
                found = matching(view.filter.search)
                ids = [i for i in base if i in found]
            else:
                ids = self.store.article_ids(view.filter)
        except StoreError as error:
            self._failed(error)
            return
        if not worker.is_cancelled:
            self.post_message(ArticlesLoaded(view, ids, keep, time.perf_counter() - started))

    @work(thread=True, group="warm-up")
    def warm_up(self) -> None:
        """Import the body reader once the list is up, so the first article opens as fast
        as the others (the language model still loads only when first needed)."""
        try:
            import reader.analysis  # noqa: F401
            import reader.text.render  # noqa: F401
        except Exception:
            pass     # opening an article will say what is wrong

    @work(thread=True, exclusive=True, group="entities")
    def load_entities(self, kind: str) -> None:
        try:
            from reader.tui.widgets.feed_list import ENTITY_LIMIT

            names = self.store.mentioned(kind, limit=ENTITY_LIMIT)
        except StoreError as error:
            self._failed(error)
            return
        self.post_message(EntitiesLoaded(kind, names))
        if not self.analysing and not self.model_warned:
            self.app.call_from_thread(self.analyse_in_background)

    @work(thread=True, exclusive=True, group="analysis")
    def analyse_in_background(self) -> None:
        """Find the people and places of articles not analysed yet, a batch at a time, so
        browsing by person or place covers every stored article. Loads the model (seconds)."""
        self.analysing = True
        worker = get_current_worker()
        try:
            from reader.analysis import analyse_pending, analysis_version
            from reader.text.entities import ModelUnavailable

            if not self.store.unanalysed(analysis_version(), limit=1):
                return
            while not worker.is_cancelled:
                try:
                    count = analyse_pending(self.store, limit=32)
                except ModelUnavailable as error:
                    self.post_message(HighlightingUnavailable(str(error)))
                    return
                self.post_message(ArticlesAnalysed(count, finished=count == 0))
                if count == 0:
                    return
        except StoreError as error:
            self._failed(error)
        except Exception as error:     # highlighting is an extra: never crash over it
            self.post_message(HighlightingUnavailable(f"{type(error).__name__}: {error}"))
        finally:
            self.analysing = False

    @work(thread=True, exclusive=True, group="open")
    def open_article(self, article_id: int) -> None:
        try:
            article = self.store.article(article_id)
            if article is None:
                return
            story = [article_id]
            if article.story_id is not None:
                story = self.store.story_article_ids(article_id)
            sources = self.store.rows([i for i in story if i != article_id])
            to_mark = [article_id] if not article.read else []
            if self.mark_story_read:
                to_mark += [row.id for row in sources if not row.read]
            if to_mark:
                self.store.mark_read(to_mark, True)
        except StoreError as error:
            self._failed(error)
            return
        body, plain = self._read_body(article)
        if get_current_worker().is_cancelled:
            return
        self.post_message(ArticleOpened(article, body, plain, sources, to_mark))
        if body is not None:
            self.find_mentions(article, body)

    def _read_body(self, article: Article):
        """The de-duplicated body; if reading it fails, the plain text so the article shows."""
        try:
            from reader.analysis import read_article

            return read_article(article), ""
        except Exception as error:     # a body we cannot read must not stop the reader
            from reader.core.store import plain_text

            text = plain_text(article.content or article.summary)
            return None, f"{text}\n\n(shown as plain text: {error})"

    @work(thread=True, exclusive=True, group="mentions")
    def find_mentions(self, article: Article, body) -> None:
        from reader.analysis import mentions_for

        try:
            from reader.text.entities import ModelUnavailable
        except Exception as error:
            self.post_message(HighlightingUnavailable(str(error)))
            return
        try:
            mentions = mentions_for(self.store, article, body)
        except ModelUnavailable as error:
            self.post_message(HighlightingUnavailable(str(error)))
            return
        except Exception as error:     # highlighting is an extra: never crash over it
            self.post_message(HighlightingUnavailable(f"{type(error).__name__}: {error}"))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(MentionsFound(article.id, mentions))

    @work(thread=True, group="changes")
    def save_read(self, ids: list[int], read: bool) -> None:
        try:
            self.store.mark_read(ids, read)
        except StoreError as error:
            self._failed(error)
        self.load_feeds()

    @work(thread=True, group="changes")
    def save_starred(self, article_id: int, starred: bool) -> None:
        try:
            self.store.set_starred(article_id, starred)
        except StoreError as error:
            self._failed(error)
        self.load_feeds()

    @work(thread=True, group="changes")
    def save_all_read(self, view: View) -> None:
        try:
            changed = self.store.mark_all_read(view.filter)
        except StoreError as error:
            self._failed(error)
            return
        self.app.call_from_thread(self._all_marked, changed)

    def _all_marked(self, changed: int) -> None:
        self.notify(f"Marked {changed} article{'s' if changed != 1 else ''} read.")
        self.article_list.forget_rows()
        self.load_feeds()

    @work(thread=True, exclusive=True, group="unread")
    def find_unread(self, ids: list[int], start: int, step: int, open_it: bool) -> None:
        """The next (step=1) or previous (step=-1) unread article after index `start`."""
        chunk = 200
        index = start + step
        while 0 <= index < len(ids):
            if step > 0:
                window = ids[index:index + chunk]
            else:
                window = ids[max(0, index - chunk + 1):index + 1][::-1]
            try:
                rows = {r.id: r for r in self.store.rows(window)}
            except StoreError as error:
                self._failed(error)
                return
            for article_id in window:
                row = rows.get(article_id)
                if row is not None and not row.read:
                    self.post_message(UnreadFound(article_id, open_it))
                    return
            if get_current_worker().is_cancelled:
                return
            index += step * len(window)
        self.post_message(UnreadFound(None, open_it))

    @work(thread=True, exclusive=True, group="refresh")
    def run_refresh(self, feed_ids: list[int] | None) -> None:
        try:
            from reader.core.refresh import refresh

            failed_count = 0

            def progressed(outcome, done: int, total: int) -> None:
                nonlocal failed_count
                failed_count += outcome.error is not None
                self.post_message(RefreshProgressed(done, total, failed_count, outcome.name))

            summary = refresh(self.store, feed_ids, concurrency=self.refresh_concurrency,
                              on_feed=progressed, retention_days=self.retention_days)
            if summary.new:
                from reader.stories import group_new_articles

                group_new_articles(self.store)
        except Exception as error:     # e.g. the network stack failing to start
            self.post_message(RefreshFinished(0, 0, error=str(error)))
            return
        failed = [(o.name, o.error) for o in summary.outcomes if o.error]
        self.post_message(RefreshFinished(summary.feeds, summary.new, failed))

    @work(thread=True, group="opener")
    def open_in_browser(self, url: str, command: tuple[str, ...]) -> None:
        problem = opener.open_link(url, command)
        if problem:
            self.app.call_from_thread(self.notify, problem, severity="warning", markup=False)

    # --- what the workers found ---

    @on(FeedsLoaded)
    def feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feeds = message.feeds
        self.total = message.total
        if self.feed_list.entity_kind is None:
            self.feed_list.show_feeds(message.feeds, message.unread, message.starred,
                                      message.total)
        if not message.feeds:
            self.article_list.empty_message = NO_FEEDS
            self.article_list.refresh()
        else:
            self.article_list.empty_message = "No articles here."
        never_fetched = [f.id for f in message.feeds if f.last_fetched is None]
        if never_fetched and not self.refreshing and not self._fetched_new_feeds:
            # Feeds subscribed but never fetched (the sample feeds on a first run, or
            # `reader add --no-refresh`): fetch them now, in the background.
            self._fetched_new_feeds = True
            self.article_list.empty_message = "Fetching your feeds…"
            self.article_list.refresh()
            self._start_refresh(never_fetched)

    @on(EntitiesLoaded)
    def entities_loaded(self, message: EntitiesLoaded) -> None:
        self.feed_list.show_entities(message.kind, message.names)

    @on(ArticlesLoaded)
    def articles_loaded(self, message: ArticlesLoaded) -> None:
        if message.view != self._shown_view():
            return      # a stale answer: the user has moved on
        keep = message.keep
        if self._partial == message.view and message.complete:
            keep = self.article_list.selected_id   # the user may have moved meanwhile
        self._partial = None if message.complete else message.view
        self.article_list.show_ids(message.ids, keep=keep, rows=message.rows)
        if message.complete and not message.view.filter.search:
            if self._base is None:
                self.warm_up()
            self._base = (message.view, message.ids)
        if message.complete:
            self.set_status(view=self._view_status(len(message.ids), message.seconds))
        else:
            self.set_status(view=Text(f"{message.view.name}  counting…"))

    @on(ArticleOpened)
    def article_opened(self, message: ArticleOpened) -> None:
        article = message.article
        self.article_view.show_article(article, message.body, message.plain, message.sources)
        self.mention_name, self.mention_index = None, -1
        self.entity_panel.show_mentions([], "finding people and places…")
        self.article_list.mark_rows([article.id, *message.marked_read], read=True)
        if message.marked_read:
            self.load_feeds()

    @on(MentionsFound)
    def mentions_found(self, message: MentionsFound) -> None:
        view = self.article_view
        if view.article is None or view.article.id != message.article_id:
            return
        view.show_mentions(message.mentions)
        self.entity_panel.show_mentions(message.mentions)

    @on(HighlightingUnavailable)
    def highlighting_unavailable(self, message: HighlightingUnavailable) -> None:
        self.entity_panel.show_mentions([], "highlighting is off")
        if not self.model_warned:
            self.model_warned = True
            self.notify(f"Highlighting of people and places is off: {message.reason}",
                        severity="warning", timeout=8, markup=False)

    @on(UnreadFound)
    def unread_found(self, message: UnreadFound) -> None:
        if message.article_id is None:
            self.notify("No more unread articles here.")
            return
        ids = self.article_list.ids
        try:
            index = ids.index(message.article_id)
        except ValueError:
            return
        self.article_list.move_to(index)
        if message.open_it:
            self.open_article(message.article_id)

    @on(RefreshProgressed)
    def refresh_progressed(self, message: RefreshProgressed) -> None:
        text = Text(f"Refreshing {message.done}/{message.total}")
        if message.failed:
            text.append(f" · {message.failed} failed", style="bold red")
        text.append(" · ")
        text.append(message.name, style="dim")
        self.set_status(refresh=text)

    @on(RefreshFinished)
    def refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        if message.error:
            self.set_status(refresh=Text("Refresh failed", style="bold red"))
            self.notify(f"Refresh failed: {message.error}", severity="error", markup=False)
            return
        text = Text(f"Refreshed {message.feeds} feed{'s' if message.feeds != 1 else ''}, "
                    f"{message.new} new")
        if message.failed:
            text.append(f", {len(message.failed)} failed", style="bold red")
            detail = "; ".join(f"{name}: {error}" for name, error in message.failed[:5])
            more = f" (and {len(message.failed) - 5} more)" if len(message.failed) > 5 else ""
            self.notify(f"{len(message.failed)} feed{'s' if len(message.failed) != 1 else ''} "
                        f"failed: {detail}{more}", severity="warning", timeout=10, markup=False)
        self.set_status(refresh=text)
        self.load_feeds()
        self.article_list.forget_rows()
        self.load_articles(self._shown_view(), keep=self.article_list.selected_id)
        if message.new and not self.model_warned:
            self.analyse_in_background()

    @on(ArticlesAnalysed)
    def articles_analysed(self, message: ArticlesAnalysed) -> None:
        kind = self.feed_list.entity_kind
        if kind is not None and (message.finished or message.count):
            self.load_entities(kind)

    @on(StoreFailed)
    def store_failed(self, message: StoreFailed) -> None:
        self.notify(message.message, severity="error", timeout=10, markup=False)

    # --- what the user chose ---

    def _shown_view(self) -> View:
        return self.view.searching(self.search) if self.search else self.view

    @on(ViewChosen)
    def view_chosen(self, message: ViewChosen) -> None:
        view = message.view
        if view.key in ("people", "places"):
            self.load_entities(self.feed_list.kind_of(view))
            return
        if view == BACK:
            self.feed_list.entity_kind = None
            self.load_feeds()
            return
        self.choose_view(view)
        self.show_pane("list-pane")

    def choose_view(self, view: View) -> None:
        self.view = view
        self.load_articles(self._shown_view())

    @on(ArticleChosen)
    def article_chosen(self, message: ArticleChosen) -> None:
        self.open_article(message.article_id)
        self.show_pane("article-pane")

    @on(EntityChosen)
    def entity_chosen(self, message: EntityChosen) -> None:
        self.mention_name = (message.kind, message.name)
        self.mention_index = -1
        self.action_next_mention()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._run_search)

    def _run_search(self) -> None:
        self.search = self.search_box.value.strip()
        self.load_articles(self._shown_view())

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._run_search()
        self.show_pane("list-pane")

    def clear_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        box = self.search_box
        if box is not None:
            box.value = ""
            box.display = False
        if self.search:
            self.search = ""
            self.load_articles(self._shown_view(), keep=self.article_list.selected_id)
        self.show_pane("list-pane")

    # --- actions ---

    def action_back(self) -> None:
        pane = self.current_pane()
        focused = self.focused.id if self.focused is not None else None
        if focused == "search" or (pane == "list-pane" and self.search):
            self.clear_search()
        elif focused == "entities":
            self.article_view.focus()
        elif pane == "article-pane":
            self.show_pane("list-pane")
        elif pane == "feeds" and self.feed_list.entity_kind is not None:
            self.feed_list.entity_kind = None
            self.load_feeds()
        elif pane == "list-pane":
            self.show_pane("feeds")

    def action_quit(self) -> None:
        pane = self.current_pane()
        if (pane == "article-pane" or self.search or self.feed_list.entity_kind is not None
                or (self.narrow and pane == "feeds")):
            self.action_back()
        else:
            self.app.exit()

    def _cycle(self, step: int) -> None:
        panes = list(PANES)
        index = panes.index(self.current_pane())
        self.show_pane(panes[(index + step) % len(panes)])

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)

    def _target_id(self) -> int | None:
        """The article the user means: the open one in the article pane, else the selected."""
        if self.current_pane() == "article-pane" and self.article_view.article is not None:
            return self.article_view.article.id
        return self.article_list.selected_id

    def action_toggle_read(self) -> None:
        article_id = self._target_id()
        if article_id is None:
            return
        row = self.article_list.row_at(self.article_list.ids.index(article_id)) \
            if article_id in self.article_list.ids else None
        read = not row.read if row is not None else False
        self.article_list.mark_rows([article_id], read=read)
        self.save_read([article_id], read)

    def action_toggle_star(self) -> None:
        article_id = self._target_id()
        if article_id is None or article_id not in self.article_list.ids:
            return
        row = self.article_list.row_at(self.article_list.ids.index(article_id))
        if row is None:
            return
        from dataclasses import replace

        self.article_list.update_row(replace(row, starred=not row.starred))
        self.save_starred(article_id, not row.starred)

    def action_mark_all_read(self) -> None:
        if self.article_list.ids:
            self.save_all_read(self._shown_view())

    def action_next_unread(self) -> None:
        self._step_unread(1)

    def action_previous_unread(self) -> None:
        self._step_unread(-1)

    def _step_unread(self, step: int) -> None:
        articles = self.article_list
        open_it = self.current_pane() == "article-pane"
        start = articles.cursor
        self.find_unread(list(articles.ids), start, step, open_it)

    def action_open_link(self) -> None:
        if self.current_pane() == "article-pane" and self.article_view.article is not None:
            link = self.article_view.article.link
        else:
            row = self.article_list.selected_row
            link = row.link if row is not None else ""
        problem = opener.check_link(link)
        if problem:
            self.notify(problem, severity="warning", markup=False)
            return
        self.open_in_browser(link, self.app.settings.opener)
        self.notify("Opening the link in the browser…", markup=False, timeout=2)

    def _start_refresh(self, feed_ids: list[int] | None) -> None:
        if self.refreshing:
            self.notify("A refresh is already running.")
            return
        if not self.feeds:
            self.notify(NO_FEEDS, markup=False)
            return
        self.refreshing = True
        self.set_status(refresh=Text("Refreshing…"))
        self.run_refresh(feed_ids)

    def action_refresh_all(self) -> None:
        self._start_refresh(None)

    def action_refresh_feed(self) -> None:
        feed_id = None
        if self.current_pane() == "feeds":
            option = self.feed_list.highlighted_option
            view = self.feed_list.views.get(option.id) if option is not None else None
            feed_id = view.feed_id if view is not None else None
        if feed_id is None:
            feed_id = self.view.feed_id
        if feed_id is None:
            row = self.article_list.selected_row
            feed_id = row.feed_id if row is not None else None
        if feed_id is None:
            self.notify("Choose a feed to refresh (R refreshes all).")
            return
        self._start_refresh([feed_id])

    async def action_search(self) -> None:
        box = self.search_box
        if box is None:
            box = Input(placeholder="search: words in titles and bodies", id="search")
            await self.query_one("#list-pane").mount(box, before=0)
        box.display = True
        self.show_pane("list-pane", box)

    def action_next_source(self) -> None:
        """Read the same story as told by its next source (in the order they arrived)."""
        view = self.article_view
        if view.article is None or not view.sources:
            self.notify("This story has no other sources.")
            return
        later = [row for row in view.sources if row.id > view.article.id]
        self.open_article((later or view.sources)[0].id)

    def action_show_removed(self) -> None:
        view = self.article_view
        if view.article is None or view.body is None:
            return
        shown = view.toggle_removed()
        removed = len(view.body.removed)
        if shown:
            self.notify(f"Showing {removed} removed block{'s' if removed != 1 else ''}, dimmed."
                        if removed else "Nothing was removed from this article.")

    def action_entities(self) -> None:
        panel = self.entity_panel
        panel.display = not panel.display
        self.show_pane("article-pane", panel if panel.display else self.article_view)

    def action_next_mention(self) -> None:
        self._step_mention(1)

    def action_previous_mention(self) -> None:
        self._step_mention(-1)

    def _step_mention(self, step: int) -> None:
        view = self.article_view
        if self.mention_name is None:
            if not view.mentions:
                return
            first = view.mentions[0]
            self.mention_name, self.mention_index = (first.kind, first.canonical), -1
        found = view.mentions_of(*self.mention_name)
        if not found:
            return
        self.mention_index = (self.mention_index + step) % len(found)
        view.go_to(found[self.mention_index])
        kind, name = self.mention_name
        self.set_status(refresh=Text(f"{name}: mention {self.mention_index + 1} of {len(found)}"))

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())
