"""Where the reader keeps its files: the database, the settings file, the bundled sample feeds."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "reader"

# Linux and the BSDs follow the XDG rules, simple enough to apply here; importing
# platformdirs (for macOS and Windows) would cost every command about 10 ms.
_XDG = not sys.platform.startswith(("win", "darwin", "cygwin"))


def data_dir() -> Path:
    if _XDG:
        return _xdg_dir("XDG_DATA_HOME", "~/.local/share")
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    if _XDG:
        return _xdg_dir("XDG_CONFIG_HOME", "~/.config")
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def _xdg_dir(variable: str, default: str) -> Path:
    """$variable/reader, or default/reader when the variable is unset, empty or relative
    (the XDG base directory rules)."""
    base = os.environ.get(variable, "").strip()
    if not base or not os.path.isabs(base):
        base = os.path.expanduser(default)
    return Path(base) / APP_NAME


def default_db_path() -> Path:
    """The database: `READER_DB` if set, else `reader.db` in the user data folder."""
    env = os.environ.get("READER_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "reader.db"


def settings_path() -> Path:
    """The settings file (TOML): `READER_CONFIG` if set, else `config.toml` in the config folder."""
    env = os.environ.get("READER_CONFIG")
    if env:
        return Path(env).expanduser()
    return config_dir() / "config.toml"


def sample_feeds_dir() -> Path:
    """The feeds shipped with the project, which a first run subscribes to."""
    return Path(__file__).resolve().parents[2] / "sample_feeds"


def sample_feed_paths() -> list[Path]:
    folder = sample_feeds_dir()
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.suffix.lower() in {".rss", ".atom", ".rdf", ".xml"} and p.is_file()
    )
