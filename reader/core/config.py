"""Where the reader keeps its files: the database, the settings file, the bundled sample feeds."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reader"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


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
