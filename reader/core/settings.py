"""The user's settings file (TOML): theme, keys, refresh concurrency, link opener, retention.

A missing file means defaults, silently; a broken one means defaults and one clear message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reader.core import config

DEFAULT_THEME = "textual-dark"


@dataclass(frozen=True)
class Settings:
    theme: str = DEFAULT_THEME
    keymap: dict[str, str] = field(default_factory=dict)   # binding id -> "key1,key2"
    refresh_concurrency: int = 8
    opener: tuple[str, ...] = ()                            # empty: the system's opener
    retention_days: int | None = None                       # None: keep every article
    mark_story_read: bool = True      # reading one source of a story marks all its sources read


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Read the settings file; return the settings and, if the file was wrong, one message."""
    path = Path(path) if path is not None else config.settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), None
    except OSError as error:
        return Settings(), f"cannot read the settings file {path}: {error.strerror or error}"
    import tomllib     # only when there is a file to read

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Settings(), f"the settings file {path} is not valid TOML ({error}); using defaults"
    settings, problems = _from_table(data)
    if problems:
        return Settings(), (
            f"the settings file {path} has mistakes ({'; '.join(problems)}); using defaults"
        )
    return settings, None


def _from_table(data: dict) -> tuple[Settings, list[str]]:
    """Settings from a parsed TOML table, with a list of what was wrong in it."""
    problems: list[str] = []
    values: dict = {}
    known = {"theme", "keymap", "refresh_concurrency", "opener", "retention_days",
             "mark_story_read"}
    for key in data:
        if key not in known:
            problems.append(f"unknown setting {key!r}")

    if "theme" in data:
        if isinstance(data["theme"], str) and data["theme"].strip():
            values["theme"] = data["theme"].strip()
        else:
            problems.append("theme must be a theme name such as \"textual-dark\"")

    if "keymap" in data:
        keymap = data["keymap"]
        if isinstance(keymap, dict) and all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in keymap.items()
        ):
            values["keymap"] = {k: v.replace(" ", "") for k, v in keymap.items()}
        else:
            problems.append('keymap must be a table of binding id = "keys", e.g. next = "j,down"')

    if "refresh_concurrency" in data:
        n = data["refresh_concurrency"]
        if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 64:
            values["refresh_concurrency"] = n
        else:
            problems.append("refresh_concurrency must be a whole number from 1 to 64")

    if "opener" in data:
        opener = data["opener"]
        if isinstance(opener, str) and opener.strip():
            values["opener"] = tuple(opener.split())
        elif isinstance(opener, list) and opener and all(isinstance(p, str) for p in opener):
            values["opener"] = tuple(opener)
        else:
            problems.append('opener must be a command, e.g. "firefox" or ["open", "-a", "Safari"]')

    if "retention_days" in data:
        days = data["retention_days"]
        if isinstance(days, int) and not isinstance(days, bool) and days >= 1:
            values["retention_days"] = days
        elif days == 0 and not isinstance(days, bool):
            values["retention_days"] = None
        else:
            problems.append("retention_days must be a whole number of days (0 keeps everything)")

    if "mark_story_read" in data:
        if isinstance(data["mark_story_read"], bool):
            values["mark_story_read"] = data["mark_story_read"]
        else:
            problems.append("mark_story_read must be true or false")

    return Settings(**values), problems
