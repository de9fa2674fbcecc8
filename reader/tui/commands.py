"""Command palette providers: the reader's commands, and jumping to a feed or an article."""

from __future__ import annotations

import asyncio
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.tui.keys import KEYS

# Commands worth offering in the palette (moving keys are not).
_PALETTE_KEYS = (
    "refresh_all", "refresh_feed", "mark_all_read", "toggle_read", "toggle_star", "search",
    "open_link", "show_removed", "entities", "next_unread", "help",
)


def _main_screen(provider: Provider):
    from reader.tui.screens.main import MainScreen

    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    return None


class ReaderCommands(Provider):
    """Everything the keys do, by name."""

    def _commands(self):
        screen = _main_screen(self)
        if screen is None:
            return []
        return [
            (KEYS[k].description, getattr(screen, f"action_{KEYS[k].action}"), k)
            for k in _PALETTE_KEYS
        ]

    async def discover(self) -> Hits:
        for name, action, key_id in self._commands():
            yield DiscoveryHit(name, action, help=f"key: {KEYS[key_id].keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, key_id in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), action, help=f"key: {KEYS[key_id].keys}")


class FeedJump(Provider):
    """Jump to a feed by name."""

    async def search(self, query: str) -> Hits:
        screen = _main_screen(self)
        if screen is None:
            return
        from reader.tui.view import feed_view

        matcher = self.matcher(query)
        for feed in screen.feeds:
            label = f"feed: {feed.name}"
            score = matcher.match(label)
            if score > 0:
                # Feed names go into Text (via the matcher's highlight of plain text), never markup.
                yield Hit(score, matcher.highlight(label),
                          partial(_jump_to_feed, screen, feed_view(feed.id, feed.name)),
                          text=label, help=f"{feed.unread} unread")


def _jump_to_feed(screen, view) -> None:
    screen.feed_list.select_key(view.key)
    screen.choose_view(view)
    screen.show_pane("list-pane")


class ArticleJump(Provider):
    """Jump to an article by words of its title or body (full-text search)."""

    async def search(self, query: str) -> Hits:
        screen = _main_screen(self)
        if screen is None or len(query.strip()) < 3:
            return
        from reader.core.store import ALL, StoreError

        try:
            rows = await asyncio.to_thread(
                screen.store.articles, ALL.containing(query), limit=20
            )
        except StoreError:
            return
        for rank, row in enumerate(rows):
            label = Text("article: ")
            label.append(row.title or "(untitled)")
            label.append(f"  {row.feed}", style="dim")
            yield Hit(0.9 - rank * 0.01, label, partial(_jump_to_article, screen, row.id),
                      text=f"article: {row.title}")


def _jump_to_article(screen, article_id: int) -> None:
    from reader.tui.messages import ArticleChosen

    screen.post_message(ArticleChosen(article_id))
