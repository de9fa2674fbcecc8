"""Every key the reader answers to, by binding id, so the settings file can remap any of them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    id: str
    keys: str           # Textual key names, comma-separated
    action: str
    description: str
    show: bool = False  # shown in the footer
    display: str | None = None


KEYS: dict[str, Key] = {k.id: k for k in [
    Key("down", "j,down", "cursor_down", "Move down"),
    Key("up", "k,up", "cursor_up", "Move up"),
    Key("top", "g,home", "first", "First"),
    Key("bottom", "G,end", "last", "Last"),
    Key("page_down", "pagedown", "page_down", "Page down"),
    Key("page_up", "pageup", "page_up", "Page up"),
    Key("half_down", "ctrl+d", "half_down", "Half a page down"),
    Key("half_up", "ctrl+u", "half_up", "Half a page up"),
    Key("open", "enter,l", "open", "Open", show=True, display="⏎"),
    Key("back", "escape,h", "back", "Back"),
    Key("next_pane", "tab", "next_pane", "Next pane"),
    Key("previous_pane", "shift+tab", "previous_pane", "Previous pane"),
    Key("next_unread", "n", "next_unread", "Next unread", show=True),
    Key("previous_unread", "p", "previous_unread", "Previous unread"),
    Key("toggle_read", "m", "toggle_read", "Read/unread"),
    Key("toggle_star", "s", "toggle_star", "Star", show=True),
    Key("mark_all_read", "A", "mark_all_read", "Mark all in view read"),
    Key("open_link", "o", "open_link", "Open link in browser"),
    Key("refresh_feed", "r", "refresh_feed", "Refresh this feed"),
    Key("refresh_all", "R", "refresh_all", "Refresh all", show=True),
    Key("search", "slash", "search", "Search", show=True, display="/"),
    Key("next_source", "v", "next_source", "Next source of this story"),
    Key("show_removed", "d", "show_removed", "Show removed duplicates"),
    Key("entities", "e", "entities", "People and places", show=True),
    Key("next_mention", "right_square_bracket", "next_mention", "Next mention", display="]"),
    Key("previous_mention", "left_square_bracket", "previous_mention", "Previous mention",
        display="["),
    Key("help", "question_mark", "help", "Help", show=True, display="?"),
    Key("quit", "q", "quit", "Back / quit", show=True),
]}


def binding(key_id: str, *, action: str | None = None, show: bool | None = None) -> Binding:
    """The Binding for one entry of KEYS (optionally aimed at another action name)."""
    key = KEYS[key_id]
    return Binding(
        key.keys,
        action or key.action,
        key.description,
        show=key.show if show is None else show,
        key_display=key.display,
        id=key.id,
    )


def bindings(*key_ids: str) -> list[Binding]:
    return [binding(key_id) for key_id in key_ids]
