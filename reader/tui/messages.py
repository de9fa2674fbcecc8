"""Things that happened, posted by workers and widgets and handled by the main screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class FeedsLoaded(Message):
    """The feeds with their counts, and the totals of the built-in views."""

    feeds: list          # list[Feed]
    unread: int
    starred: int
    total: int


@dataclass
class EntitiesLoaded(Message):
    """Every person (or place) across stored articles, for browsing by entity."""

    kind: str
    names: list          # list[Mentioned]


@dataclass
class ArticlesLoaded(Message):
    """The ids a view shows, newest first."""

    view: Any            # the View these ids belong to
    ids: list[int]
    keep: int | None     # the article to keep the cursor on, if it is still there
    seconds: float
    complete: bool = True   # False: only the first screenful, the rest follows


@dataclass
class ArticleOpened(Message):
    """An article's text is ready to show (mentions come later, in MentionsFound)."""

    article: Any         # store.Article
    body: Any            # the de-duplicated body (ArticleBody), or None for the plain fallback
    plain: str = ""      # the fallback text when the body could not be read
    sources: list = field(default_factory=list)   # the story's other articles (ArticleRow)
    marked_read: list = field(default_factory=list)   # ids this opening marked read


@dataclass
class MentionsFound(Message):
    article_id: int
    mentions: list       # list[Mention]


@dataclass
class ArticlesAnalysed(Message):
    """A batch of stored articles had their people and places found in the background."""

    count: int
    finished: bool


@dataclass
class HighlightingUnavailable(Message):
    reason: str


@dataclass
class ArticleChosen(Message):
    """The user chose an article in the list (Enter, l or a click)."""

    article_id: int


@dataclass
class ViewChosen(Message):
    """The user chose an entry in the feeds pane."""

    view: Any


@dataclass
class EntityChosen(Message):
    """The user chose a person or place in the entity panel."""

    kind: str
    name: str


@dataclass
class StorySizesFound(Message):
    """How many articles each story has, for the list's "+N" markers."""

    sizes: dict[int, int]


@dataclass
class UnreadFound(Message):
    """The next (or previous) unread article, or None when there is none."""

    article_id: int | None
    open_it: bool


@dataclass
class RefreshProgressed(Message):
    done: int
    total: int
    failed: int
    name: str


@dataclass
class RefreshFinished(Message):
    feeds: int
    new: int
    failed: list = field(default_factory=list)   # [(feed name, error)]
    error: str | None = None                     # the whole refresh could not run


@dataclass
class StoreFailed(Message):
    """A database call in a worker failed; the message is in the user's words."""

    message: str
