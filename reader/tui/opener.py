"""Open an article's link in the user's browser: only web links, never through a shell."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit


def check_link(link: str) -> str | None:
    """Why `link` will not be opened, or None when it is a web link we may open."""
    if not link:
        return "This article has no link."
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f"Not opening {link!r}: only http and https links are opened."
    if link.startswith("-"):
        return f"Not opening {link!r}."
    return None


def system_opener() -> tuple[str, ...]:
    if sys.platform == "darwin":
        return ("open",)
    if sys.platform.startswith("win"):
        return ()
    return ("xdg-open",)


def open_link(link: str, command: tuple[str, ...] = ()) -> str | None:
    """Start the opener on `link` and return at once; returns a problem, or None."""
    problem = check_link(link)
    if problem:
        return problem
    command = tuple(command) or system_opener()
    if not command:
        import webbrowser

        return None if webbrowser.open(link) else "No browser could be started."
    try:
        # A list of arguments and no shell: the link is one argument, whatever it contains.
        subprocess.Popen(
            [*command, link],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        return f"Could not start {command[0]!r} to open the link: {error.strerror or error}"
    return None
