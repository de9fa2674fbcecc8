"""The entity panel: the people and places of the open article, with how often each appears."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.tui.keys import bindings
from reader.tui.messages import EntityChosen


class EntityPanel(OptionList):
    """Choosing a name scrolls the article to its first mention."""

    BINDINGS = bindings("down", "up", "top", "bottom", "open")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: dict[str, tuple[str, str]] = {}

    def action_open(self) -> None:
        self.action_select()

    def show_mentions(self, mentions: list, note: str = "") -> None:
        counts = Counter((m.kind, m.canonical) for m in mentions)
        options: list[Option] = []
        self.entries = {}
        for kind, heading in (("person", "People"), ("place", "Places")):
            names = sorted(
                ((name, n) for (k, name), n in counts.items() if k == kind),
                key=lambda item: (-item[1], item[0].lower()),
            )
            options.append(Option(Text(heading, style="bold"), disabled=True))
            if not names:
                options.append(Option(Text("  none", style="dim"), disabled=True))
            for name, n in names:
                key = f"{kind}:{name}"
                self.entries[key] = (kind, name)
                label = Text("  ")
                label.append(name)
                label.append(f" ×{n}", style="dim")
                options.append(Option(label, id=key))
        if note:
            options.append(Option(Text(note, style="dim italic"), disabled=True))
        self.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self.entries.get(event.option.id or "")
        if entry is not None:
            self.post_message(EntityChosen(*entry))
