"""The help screen: every key, with the user's remappings applied."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.keys import KEYS


def _shown(keys: str) -> str:
    names = {"slash": "/", "question_mark": "?", "left_square_bracket": "[",
             "right_square_bracket": "]", "pagedown": "PgDn", "pageup": "PgUp",
             "escape": "Esc", "enter": "Enter"}
    return ", ".join(names.get(k, k) for k in keys.split(","))


def key_table(keymap: dict[str, str]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim")
    for key in KEYS.values():
        table.add_row(Text(_shown(keymap.get(key.id, key.keys))), Text(key.description),
                      Text(key.id))
    table.add_row(Text("ctrl+p"), Text("Commands: jump to a feed or article"), Text("palette"))
    table.add_row(Text("ctrl+q"), Text("Quit"), Text(""))
    return table


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", show=True)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"), markup=False)
            yield Static(key_table(getattr(self.app, "_keymap", {})), markup=False)
            yield Static(Text(
                "Remap any key in the settings file: [keymap] then id = \"keys\", "
                "e.g. next_unread = \"n,space\".", style="dim"), markup=False)
