"""What the article list is showing: a named filter (a feed, Unread, a person...)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reader.core.store import ALL, ArticleFilter


@dataclass(frozen=True)
class View:
    key: str                    # "all", "unread", "starred", "feed:12", "person:Ada Lovelace"
    name: str                   # what the status line calls it
    filter: ArticleFilter = ALL

    @property
    def feed_id(self) -> int | None:
        return self.filter.feed_id

    def searching(self, words: str) -> "View":
        return replace(self, filter=self.filter.containing(words))


# The overall views show a story carried by several feeds once ("+N" marks the others);
# a feed's own view shows all of its articles.
ALL_ARTICLES = View("all", "All articles", ALL.by_story())
UNREAD = View("unread", "Unread", ALL.only_unread().by_story())
STARRED = View("starred", "Starred", ALL.only_starred())


def feed_view(feed_id: int, name: str) -> View:
    return View(f"feed:{feed_id}", name, ALL.in_feed(feed_id))


def entity_view(kind: str, name: str) -> View:
    return View(f"{kind}:{name}", name, ALL.mentioning(kind, name))
