"""Things that happened, posted by workers and widgets and handled by the main screen.

Plain classes with an __init__, as Textual's own messages are: fifteen dataclasses made this
module cost ~6 ms to import, on the way to the first screen.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class FeedsLoaded(Message):
    """The feeds with their counts, and the totals of the built-in views."""

    def __init__(self, feeds: list, unread: int, starred: int, total: int) -> None:
        super().__init__()
        self.feeds = feeds              # list[Feed]
        self.unread = unread
        self.starred = starred
        self.total = total


class EntitiesLoaded(Message):
    """Every person (or place) across stored articles, for browsing by entity."""

    def __init__(self, kind: str, names: list) -> None:
        super().__init__()
        self.kind = kind
        self.names = names              # list[Mentioned]


class ArticlesLoaded(Message):
    """The ids a view shows, newest first."""

    def __init__(self, view: Any, ids: list[int], keep: int | None, seconds: float,
                 complete: bool = True, rows: list | None = None) -> None:
        super().__init__()
        self.view = view                # the View these ids belong to
        self.ids = ids
        self.keep = keep                # the article to keep the cursor on, if still there
        self.seconds = seconds
        self.complete = complete        # False: only the first screenful, the rest follows
        self.rows = rows or []          # rows already read for some ids (ArticleRow)


class ArticleOpened(Message):
    """An article's text is ready to show (mentions come later, in MentionsFound)."""

    def __init__(self, article: Any, body: Any, plain: str = "", sources: list | None = None,
                 marked_read: list | None = None) -> None:
        super().__init__()
        self.article = article          # store.Article
        self.body = body                # the de-duplicated body (ArticleBody), or None
        self.plain = plain              # the fallback text when the body could not be read
        self.sources = sources or []    # the story's other articles (ArticleRow)
        self.marked_read = marked_read or []   # ids this opening marked read


class MentionsFound(Message):
    def __init__(self, article_id: int, mentions: list) -> None:
        super().__init__()
        self.article_id = article_id
        self.mentions = mentions        # list[Mention]


class ArticlesAnalysed(Message):
    """A batch of stored articles had their people and places found in the background."""

    def __init__(self, count: int, finished: bool) -> None:
        super().__init__()
        self.count = count
        self.finished = finished


class HighlightingUnavailable(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class ArticleChosen(Message):
    """The user chose an article in the list (Enter, l or a click)."""

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id


class ViewChosen(Message):
    """The user chose an entry in the feeds pane."""

    def __init__(self, view: Any) -> None:
        super().__init__()
        self.view = view


class EntityChosen(Message):
    """The user chose a person or place in the entity panel."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__()
        self.kind = kind
        self.name = name


class StorySizesFound(Message):
    """How many articles each story has, for the list's "+N" markers."""

    def __init__(self, sizes: dict[int, int]) -> None:
        super().__init__()
        self.sizes = sizes


class UnreadFound(Message):
    """The next (or previous) unread article, or None when there is none."""

    def __init__(self, article_id: int | None, open_it: bool) -> None:
        super().__init__()
        self.article_id = article_id
        self.open_it = open_it


class RefreshProgressed(Message):
    def __init__(self, done: int, total: int, failed: int, name: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.failed = failed
        self.name = name


class RefreshFinished(Message):
    def __init__(self, feeds: int, new: int, failed: list | None = None,
                 error: str | None = None) -> None:
        super().__init__()
        self.feeds = feeds
        self.new = new
        self.failed = failed or []      # [(feed name, error)]
        self.error = error              # set when the whole refresh could not run


class StoreFailed(Message):
    """A database call in a worker failed; the message is in the user's words."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message
