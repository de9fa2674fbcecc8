"""The article list: a virtual list that holds only ids and draws just the rows on screen."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.store import ArticleRow, Store, StoreError
from reader.tui.keys import bindings
from reader.tui.messages import ArticleChosen, StorySizesFound

# Rows kept in memory: a few screens either side of the cursor; the rest are fetched again
# (about 1 ms per screenful) when scrolled back to.
_CACHE_ROWS = 2000
# Rows fetched beyond the visible ones in one query, so scrolling a line costs no query.
_PREFETCH = 60
_FEED_WIDTH = 18


class ArticleList(ScrollView, can_focus=True):
    """One line per article, newest first: unread mark, star, date, feed, title."""

    BINDINGS = bindings(
        "down", "up", "top", "bottom", "page_down", "page_up", "half_down", "half_up", "open"
    )
    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--meta",
        "article-list--star",
    }

    cursor: var[int] = var(0, init=False)
    """Index (in `ids`) of the selected article."""

    def __init__(self, store: Store, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.ids: list[int] = []
        self.empty_message = ""
        self._rows: OrderedDict[int, ArticleRow] = OrderedDict()
        self._styles: dict[str, Style] = {}
        self._sizes: dict[int, int] = {}         # story id -> articles in the story
        self._sizes_asked: set[int] = set()

    # --- what is shown ---

    @property
    def selected_id(self) -> int | None:
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    @property
    def selected_row(self) -> ArticleRow | None:
        return self.row_at(self.cursor) if self.ids else None

    def show_ids(self, ids: list[int], keep: int | None = None,
                 rows: Iterable[ArticleRow] = ()) -> None:
        """Show these articles; the cursor stays on `keep` if it is among them, else at the
        same position (so marking the last unread one read in Unread moves to the next).
        `rows` are rows already read for some of them (they are not asked for again)."""
        old_cursor = self.cursor
        self.ids = ids
        self._remember(list(rows))
        if keep is not None:
            try:
                index = ids.index(keep)
            except ValueError:
                index = old_cursor
        else:
            index = 0
        self.virtual_size = Size(0, len(ids))
        self.cursor = max(0, min(index, len(ids) - 1))
        if keep is None:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._show_cursor()
        self.refresh()

    def update_row(self, row: ArticleRow) -> None:
        """A row changed (read, starred): redraw it from the new record."""
        if row.id in self._rows:
            self._rows[row.id] = row
        self.refresh()

    def mark_rows(self, ids, *, read: bool) -> None:
        for article_id in ids:
            row = self._rows.get(article_id)
            if row is not None:
                self._rows[article_id] = replace(row, read=read)
        self.refresh()

    def forget_rows(self) -> None:
        """Drop the cached rows (after a refresh or a bulk change), so they are read again."""
        self._rows.clear()
        self._sizes.clear()
        self._sizes_asked.clear()
        self.refresh()

    def row_at(self, index: int) -> ArticleRow | None:
        if not 0 <= index < len(self.ids):
            return None
        article_id = self.ids[index]
        row = self._rows.get(article_id)
        if row is None:
            self._fetch_around(index)
            row = self._rows.get(article_id)
        else:
            self._rows.move_to_end(article_id)
        return row

    def _fetch_around(self, index: int) -> None:
        # The one query the UI thread makes: the ~100 rows around the screen, by primary key,
        # about 1 ms at any database size (bench/bench_tui.py measures it).
        start = max(0, min(index, self.scroll_offset.y) - 10)
        end = max(index, self.scroll_offset.y + self.size.height) + _PREFETCH
        wanted = [i for i in self.ids[start:end] if i not in self._rows]
        try:
            rows = self.store.rows(wanted)
        except StoreError:
            return
        self._remember(rows)

    def _remember(self, rows: list[ArticleRow]) -> None:
        """Keep these rows, and find the sizes of their stories (for "+N") once."""
        for row in rows:
            self._rows[row.id] = row
        while len(self._rows) > _CACHE_ROWS:
            self._rows.popitem(last=False)
        stories = {r.story_id for r in rows if r.story_id is not None} - self._sizes_asked
        if stories:
            self._sizes_asked |= stories
            self._find_story_sizes(sorted(stories))

    @work(thread=True, group="story-sizes")
    def _find_story_sizes(self, story_ids: list[int]) -> None:
        # In a worker: the story module's import and the count query stay off the UI thread.
        try:
            from reader.stories import story_sizes

            sizes = story_sizes(self.store, story_ids)
        except Exception:      # a "+N" marker is a nicety; the list works without it
            return
        self.post_message(StorySizesFound(sizes))

    @on(StorySizesFound)
    def _story_sizes_found(self, message: StorySizesFound) -> None:
        self._sizes.update(message.sizes)
        if any(n > 1 for n in message.sizes.values()):
            self.refresh()

    # --- drawing ---

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self._styles.clear()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._styles.clear()
        self.refresh()

    def _style(self, name: str) -> Style:
        """The style of a component ("cursor", "meta"...) or of the list itself ("base"),
        kept until the styles change (working it out each line cost most of the drawing)."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = (
                self.rich_style if name == "base"
                else self.get_component_rich_style(f"article-list--{name}")
            )
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self._style("base")
        if not self.ids:
            if y == 1 and self.empty_message:
                return Strip([Segment("  " + self.empty_message, base)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        row = self.row_at(index) if index < len(self.ids) else None
        if row is None:
            return Strip.blank(width, base)
        return self._row_strip(row, width, index == self.cursor)

    def _row_strip(self, row: ArticleRow, width: int, selected: bool) -> Strip:
        base = self._style("base")
        text_style = base + self._style("read" if row.read else "unread")
        meta = base + self._style("meta")
        star = base + self._style("star")
        segments = [
            Segment(" ● " if not row.read else "   ", text_style),
            Segment("★ " if row.starred else "  ", star),
            Segment(f"{self._date(row.published):>6} ", meta),
        ]
        if width >= 70:
            segments.append(Segment(set_cell_size(row.feed, _FEED_WIDTH) + " ", meta))
        used = sum(cell_len(s.text) for s in segments)
        room = max(0, width - used)
        size = self._sizes.get(row.story_id, 0) if row.story_id is not None else 0
        if size > 1:
            # "+N": N more articles in other feeds tell the same story.
            more = f"+{size - 1} "
            segments.append(Segment(more, meta))
            room = max(0, room - len(more))
        title = row.title or "(untitled)"
        if cell_len(title) > room:
            title = set_cell_size(title, max(0, room - 1)) + "…"
        segments.append(Segment(title, text_style))
        if selected:
            cursor = self._style("cursor")
            segments = [Segment(s.text, s.style + cursor) for s in segments]
            return Strip(segments).crop_extend(0, width, base + cursor)
        return Strip(segments).crop_extend(0, width, base)

    def _date(self, published: int) -> str:
        try:
            moment = time.localtime(published)
        except (OverflowError, OSError, ValueError):
            return ""
        if moment[:3] == time.localtime()[:3]:
            return time.strftime("%H:%M", moment)
        return time.strftime("%d %b", moment)

    # --- moving ---

    def watch_cursor(self, old: int, new: int) -> None:
        self._show_cursor()
        self.refresh()

    def _show_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if self.ids:
            self.cursor = max(0, min(index, len(self.ids) - 1))

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.ids) - 1)

    def _page(self, lines: int) -> None:
        # Scroll by a page and keep the cursor at the same place on screen, like a pager.
        target = max(0, min(self.cursor + lines, len(self.ids) - 1))
        self.scroll_to(y=self.scroll_offset.y + lines, animate=False, immediate=True)
        self.move_to(target)

    def action_page_down(self) -> None:
        self._page(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._page(-max(1, self.scrollable_content_region.height - 1))

    def action_half_down(self) -> None:
        self._page(max(1, self.scrollable_content_region.height // 2))

    def action_half_up(self) -> None:
        self._page(-max(1, self.scrollable_content_region.height // 2))

    def action_open(self) -> None:
        if self.selected_id is not None:
            self.post_message(ArticleChosen(self.selected_id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < len(self.ids):
            self.cursor = index
            self.post_message(ArticleChosen(self.ids[index]))
