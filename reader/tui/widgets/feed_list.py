"""The feeds pane: the built-in views, every feed with its unread count, and People / Places."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.store import Feed, Mentioned
from reader.tui.keys import bindings
from reader.tui.messages import ViewChosen
from reader.tui.view import ALL_ARTICLES, STARRED, UNREAD, View, entity_view, feed_view

PEOPLE = View("people", "People")
PLACES = View("places", "Places")
BACK = View("back", "Feeds")
ENTITY_LIMIT = 500           # the most-mentioned names shown when browsing by entity
_KIND_OF = {"people": "person", "places": "place"}


def _line(name: str, count: str = "", *, mark: str = "", name_style: str = "") -> Table:
    """One entry: name (cut with … when too long) and a right-aligned count.

    Names from feeds go into Text objects, never markup, so `[b]` is shown as typed.
    """
    grid = Table.grid(expand=True, padding=(0, 0))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    label = Text(no_wrap=True, overflow="ellipsis")
    if mark:
        label.append(mark, style="bold red")
    label.append(name, style=name_style)
    grid.add_row(label, Text(f" {count}" if count else "", style="dim"))
    return grid


class FeedList(OptionList):
    """Choose what the article list shows."""

    BINDINGS = bindings("down", "up", "top", "bottom", "open")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.views: dict[str, View] = {}
        self.entity_kind: str | None = None      # "person"/"place" while browsing by entity
        self.errors: dict[int, str] = {}          # feed id -> last error
        self.counts: dict[str, int] = {}          # view key -> the count shown beside it

    def action_open(self) -> None:
        self.action_select()

    def show_feeds(self, feeds: list[Feed], unread: int, starred: int, total: int) -> None:
        """Fill the pane with the views and feeds, keeping the highlighted entry."""
        self.entity_kind = None
        self.errors = {f.id: f.last_error for f in feeds if f.last_error}
        self.counts = {"all": unread, "unread": unread, "starred": starred}
        self.counts.update({f"feed:{f.id}": f.unread for f in feeds})
        entries: list[tuple[View, Table]] = [
            (ALL_ARTICLES, _line("All articles", f"{unread}/{total}" if total else "")),
            (UNREAD, _line("Unread", str(unread) if unread else "")),
            (STARRED, _line("Starred", str(starred) if starred else "")),
        ]
        for feed in feeds:
            entries.append((
                feed_view(feed.id, feed.name),
                _line(feed.name, str(feed.unread) if feed.unread else "",
                      mark="! " if feed.last_error else "",
                      name_style="bold" if feed.unread else ""),
            ))
        entries += [(PEOPLE, _line("People")), (PLACES, _line("Places"))]
        self._fill(entries)

    def show_entities(self, kind: str, names: list[Mentioned]) -> None:
        """List every person (or place) with the number of articles mentioning it."""
        self.entity_kind = kind
        title = "People" if kind == "person" else "Places"
        entries: list[tuple[View, Table]] = [(BACK, _line(f"‹ Feeds · {title}"))]
        if not names:
            entries.append((View("none", "none"), _line(
                "none found yet: open articles to find them", name_style="dim")))
        for mentioned in names[:ENTITY_LIMIT]:
            entries.append(
                (entity_view(kind, mentioned.name), _line(mentioned.name, str(mentioned.articles)))
            )
        self._fill(entries)

    def _fill(self, entries: list[tuple[View, Table]]) -> None:
        keys = [view.key for view, _ in entries]
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        same = [o.id for o in self.options] == keys
        self.views = {view.key: view for view, _ in entries}
        if same:
            # Only the counts changed: replace the prompts in place (cheap, no relayout).
            for index, (_, prompt) in enumerate(entries):
                self.replace_option_prompt_at_index(index, prompt)
            return
        self.set_options(Option(prompt, id=view.key) for view, prompt in entries)
        if highlighted in keys:
            self.highlighted = keys.index(highlighted)
        else:
            self.highlighted = 0

    def select_key(self, key: str) -> None:
        """Highlight the entry for a view (e.g. when the palette jumps to a feed)."""
        for index, option in enumerate(self.options):
            if option.id == key:
                self.highlighted = index
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        view = self.views.get(event.option.id or "")
        if view is not None and view.key != "none":
            self.post_message(ViewChosen(view))

    def kind_of(self, view: View) -> str | None:
        return _KIND_OF.get(view.key)
