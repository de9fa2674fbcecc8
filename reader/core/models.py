"""The plain records that move between fetch, parse, store and the views."""

from __future__ import annotations

from dataclasses import dataclass, field


class FeedError(Exception):
    """The bytes could not be read as a feed; the message is in the user's words."""


@dataclass
class FetchResult:
    """What one HTTP fetch (or local file read) of a feed gave.

    Exactly one of these holds: `error` is set (the fetch failed, in the user's words),
    `not_modified` is true (a 304: nothing to parse), or `content` holds the body bytes.
    """

    url: str                          # the URL or path that was asked for
    content: bytes | None = None
    status: int | None = None         # HTTP status; None for local files and failures
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    moved_to: str | None = None       # the new URL after a permanent redirect (301/308)
    content_type: str | None = None
    error: str | None = None


@dataclass
class Entry:
    """One entry of a parsed feed; every string already cleaned."""

    key: str                          # identity within its feed (see parse.entry_key)
    title: str = ""
    link: str = ""
    author: str = ""
    published: int | None = None      # Unix seconds, UTC
    summary: str = ""                 # HTML or plain text
    content: str = ""                 # HTML or plain text; may be empty
    base: str = ""                    # base URL for resolving relative links in bodies


@dataclass
class ParsedFeed:
    """A feed after parsing; every string already cleaned."""

    title: str = ""
    link: str = ""
    entries: list[Entry] = field(default_factory=list)
    warning: str | None = None        # set when the XML was malformed but entries were kept
