"""The reader's terminal app: `run_app(db_path)` opens it on a database."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from reader.core.settings import Settings, load_settings
from reader.core.store import Store
from reader.tui.commands import ArticleJump, FeedJump, ReaderCommands
from reader.tui.keys import KEYS
from reader.tui.screens.main import MainScreen


class ReaderApp(App):
    """Feeds, articles and the article itself, all from the keyboard."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ReaderCommands, FeedJump, ArticleJump}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, store: Store, settings: Settings | None = None,
                 settings_message: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings or Settings()
        self.settings_message = settings_message

    def get_default_screen(self) -> MainScreen:
        # The main screen is the app's first screen, not pushed over Textual's blank one in
        # on_mount: a screen pushed then is drawn while Textual still holds the display back
        # at start-up, that drawing is thrown away and done again (~40 ms).
        return MainScreen(self.store, self.settings.refresh_concurrency,
                          self.settings.retention_days, self.settings.mark_story_read)

    def on_mount(self) -> None:
        problems = [self.settings_message] if self.settings_message else []
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            problems.append(f"unknown theme {self.settings.theme!r}")
        unknown = sorted(set(self.settings.keymap) - set(KEYS) - {"palette"})
        if unknown:
            problems.append(f"unknown key binding ids in [keymap]: {', '.join(unknown)}")
        self.set_keymap({k: v for k, v in self.settings.keymap.items() if k not in unknown})
        if problems:
            self.notify("Settings: " + "; ".join(problems), severity="warning", timeout=10,
                        markup=False)


def run_app(db_path: Path, settings_path: Path | None = None, store: Store | None = None) -> None:
    """Open the app on the database at `db_path`, or on `store` when it is already open
    (the one Store of this process; closed when the app ends)."""
    settings, message = load_settings(settings_path)
    store = store or Store(db_path)
    try:
        ReaderApp(store, settings, message).run()
    finally:
        store.close()


def main() -> None:
    import argparse     # here, not for `reader`, which starts the app through click (~1.5 ms)

    parser = argparse.ArgumentParser(prog="python -m reader.tui.app")
    parser.add_argument("--db", type=Path, help="the database file")
    parser.add_argument("--settings", type=Path, help="the settings file (TOML)")
    args = parser.parse_args()
    if args.db is None:
        from reader.core.config import default_db_path

        args.db = default_db_path()
    run_app(args.db, args.settings)


if __name__ == "__main__":
    main()
