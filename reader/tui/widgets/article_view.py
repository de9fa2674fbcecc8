"""The article view: header, legend and the de-duplicated body with people and places marked."""

from __future__ import annotations

import time

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.core.store import Article
from reader.tui.keys import bindings

# The mention the user stepped to is shown reversed; its meta lets us find its line.
_CURRENT = "current"
_CURRENT_STYLE = Style(reverse=True, meta={"reader-current": True})


def _header(article: Article, sources: list) -> Text:
    text = Text()
    text.append(article.title or "(untitled)", style="bold")
    text.append("\n")
    details = [article.feed]
    if article.author:
        details.append(article.author)
    if article.published:
        try:
            details.append(time.strftime("%a %d %b %Y %H:%M", time.localtime(article.published)))
        except (OverflowError, OSError, ValueError):
            pass
    text.append(" · ".join(details), style="dim")
    if article.link:
        text.append("\n")
        text.append(article.link, style="underline dim")
    if sources:
        text.append("\n")
        text.append(f"Also reported by {len(sources)} more source"
                    f"{'s' if len(sources) != 1 else ''} (v: read the next):", style="dim")
        for row in sources:
            text.append("\n  · ")
            text.append(row.feed, style="bold")
            text.append(": ")
            text.append(row.title or "(untitled)")
    return text


def _legend(mentions: list) -> Text:
    from reader.text.render import DEFAULT_STYLES

    people = len({m.canonical for m in mentions if m.kind == "person"})
    places = len({m.canonical for m in mentions if m.kind == "place"})
    text = Text()
    text.append("person", style=DEFAULT_STYLES["person"])
    text.append(f" {people}  ", style="dim")
    text.append("place", style=DEFAULT_STYLES["place"])
    text.append(f" {places}  ", style="dim")
    text.append("e: list them  ]/[: step through mentions", style="dim")
    return text


class ArticleView(VerticalScroll, can_focus=True):
    """One article, scrollable; highlights arrive after the text (see MainScreen)."""

    BINDINGS = bindings("down", "up", "top", "bottom", "page_down", "page_up",
                        "half_down", "half_up")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.body = None                 # ArticleBody, or None when only plain text is shown
        self.plain = ""                  # the fallback text when the body could not be read
        self.mentions: list = []
        self.show_removed = False
        self.current: object | None = None   # the mention stepped to
        self.sources: list = []              # the story's other articles (ArticleRow)

    def compose(self):
        yield Static(id="article-header", markup=False)
        yield Static(id="article-legend", markup=False)
        yield Static(Text("Choose an article to read it.", style="dim"), id="article-body",
                     markup=False)

    # --- what is shown ---

    def show_article(self, article: Article, body, plain: str = "", sources=()) -> None:
        self.article, self.body, self.plain = article, body, plain
        self.mentions, self.current = [], None
        self.sources = list(sources)
        self.query_one("#article-header", Static).update(_header(article, self.sources))
        self.query_one("#article-legend", Static).update(Text())
        self.query_one("#article-legend").display = False
        self._render_body()
        self.scroll_home(animate=False, immediate=True)

    def show_mentions(self, mentions: list) -> None:
        self.mentions = list(mentions)
        legend = self.query_one("#article-legend", Static)
        legend.update(_legend(self.mentions))
        legend.display = bool(self.mentions)
        self._render_body()

    def show_message(self, message: str) -> None:
        self.article, self.body, self.mentions = None, None, []
        self.query_one("#article-header", Static).update(Text())
        self.query_one("#article-legend").display = False
        self.query_one("#article-body", Static).update(Text(message, style="dim"))

    def toggle_removed(self) -> bool:
        self.show_removed = not self.show_removed
        if self.article is not None:
            self._render_body()
        return self.show_removed

    def _renderable(self) -> RenderableType:
        if self.body is None:
            return Text(self.plain)
        from reader.analysis import spans_of
        from reader.text.render import Span, render_body

        spans = spans_of(self.mentions)
        if self.current is not None:
            spans.append(Span(self.current.start, self.current.end, _CURRENT))
        return render_body(self.body, spans, styles={_CURRENT: _CURRENT_STYLE},
                           show_removed=self.show_removed)

    def _render_body(self) -> None:
        self.query_one("#article-body", Static).update(self._renderable())

    # --- stepping through mentions ---

    def mentions_of(self, kind: str, name: str) -> list:
        return [m for m in self.mentions if m.kind == kind and m.canonical == name]

    def go_to(self, mention) -> None:
        """Mark `mention` as the current one and scroll so its line is in view."""
        self.current = mention
        renderable = self._renderable()
        self.query_one("#article-body", Static).update(renderable)
        line = self._line_of_current(renderable)
        if line is not None:
            body = self.query_one("#article-body")
            y = body.virtual_region.y + line
            self.scroll_to(y=max(0, y - 3), animate=False)

    def _line_of_current(self, renderable: RenderableType) -> int | None:
        body = self.query_one("#article-body")
        width = body.content_region.width or self.scrollable_content_region.width
        if width <= 0:
            return None
        console = self.app.console
        lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
        for number, line in enumerate(lines):
            for segment in line:
                if segment.style is not None and segment.style.meta.get("reader-current"):
                    return number
        return None
