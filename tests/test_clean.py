"""The cleaning function: nothing that can steer a terminal survives, ordinary text is untouched."""

import unicodedata

from hypothesis import given, strategies as st

from reader.core.clean import clean, clean_line


def test_ordinary_text_is_untouched():
    text = "El Salvador’s President — “Bukele” said: 75,000 arrests.\n\tNew paragraph é ü 日本"
    assert clean(text) == text


def test_osc52_clipboard_write_is_removed_whole():
    assert clean("a\x1b]52;c;ZWNobyBwd25lZA==\x07b") == "ab"
    assert clean("a\x1b]52;c;ZWNobyBwd25lZA==\x1b\\b") == "ab"


def test_osc8_link_keeps_only_its_text():
    assert clean("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\") == "click"


def test_csi_sequences_are_removed_with_their_parameters():
    assert clean("\x1b[31mred\x1b[0m \x1b[2J\x1b[1;1H") == "red "
    assert clean("x\x9b31my") == "xy"


def test_c0_c1_del_and_bidi_overrides_are_removed():
    assert clean("a\x00b\x07c\x08d\x7fe\x85f\u202eg\u2066h\u200fi") == "abcdefghi"


def test_carriage_returns_become_newlines():
    assert clean("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_clean_line_folds_whitespace():
    assert clean_line("  Breaking:\n  news\t\tnow  ") == "Breaking: news now"
    assert clean_line(None) == ""


@given(st.text())
def test_no_control_character_survives(text):
    out = clean(text)
    for ch in out:
        if ch in "\n\t":
            continue
        assert unicodedata.category(ch) != "Cc", repr(ch)
        assert ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
