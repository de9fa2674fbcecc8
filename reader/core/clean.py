"""The one function that makes any string from outside safe to store and show."""

from __future__ import annotations

import re

# Escape sequences first, so their parameters go with them rather than being left as text:
# CSI (ESC [ ... final), OSC / DCS / SOS / PM / APC strings (ESC ] ... BEL or ST), and
# two-character ESC sequences. The 8-bit C1 forms (0x9B CSI, 0x9D OSC, ...) likewise.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?                     # CSI
  | \x9b[0-?]*[ -/]*[@-~]?                       # 8-bit CSI
  | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])      # OSC, DCS, SOS, PM, APC ...
    [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?        # ... up to BEL or ST (or the end)
  | \x1b[ -/]*[0-~]?                             # other ESC sequences, or a lone ESC
    """,
    re.VERBOSE,
)

# What is left to drop: C0 controls except tab and newline, DEL, C1 controls, and the
# bidirectional overrides, embeddings and isolates that can make text read differently
# from what it is. Zero-width characters are harmless and left alone.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)

_SPACE_RUNS = re.compile(r"[ \t\u00a0]+")


def clean(text: str | None) -> str:
    """Return `text` without escape sequences, control characters or bidi overrides.

    Newlines and tabs survive; a carriage return becomes a newline (CRLF counts once).
    """
    if not text:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or "\x9b" in text or "\x9d" in text or "\x90" in text:
        text = _ESCAPES.sub("", text)
    return _UNSAFE.sub("", text)


def clean_line(text: str | None) -> str:
    """Clean `text` and fold it onto one line: for titles, authors, feed names, URLs."""
    text = clean(text)
    if not text:
        return ""
    return _SPACE_RUNS.sub(" ", text.replace("\n", " ").replace("\t", " ")).strip()
