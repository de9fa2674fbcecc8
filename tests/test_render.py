"""Rendering bodies with Rich: layout by block kind, styled spans, removed parts, safety."""

import io
import re

from rich.console import Console
from rich.style import Style

from reader.text.body import read_body
from reader.text.render import DEFAULT_STYLES, Span, links_text, plain_text, render_body

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printed(renderable, width=60) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()


def segments(renderable, width=60):
    console = Console(file=io.StringIO(), width=width, color_system="truecolor")
    return list(console.render(renderable, console.options))


def styles_of(renderable, needle: str, width=60) -> list[Style]:
    """Styles of the segments that carry `needle` (which must sit inside one segment)."""
    found = [s.style for s in segments(renderable, width) if needle in s.text]
    assert found, f"{needle!r} not rendered"
    return found


def test_blocks_render_by_kind_and_wrap_to_width():
    body = read_body(content=(
        "<h2>Heading</h2><p>" + "word " * 40 + "</p><ul><li>first item</li><li>second<ol>"
        "<li>inner</li></ol></li></ul><blockquote>quoted text</blockquote>"
        "<pre>  x = 1\n  y = 2</pre><hr>"))
    out = printed(render_body(body), width=30)
    lines = out.splitlines()
    assert all(len(line) <= 30 for line in lines)
    assert "Heading" in lines[0]
    assert "\u2022 first item" in out and "  1. inner" in out
    assert "\u2502 quoted text" in out
    assert "      x = 1\n      y = 2" in out     # four spaces of indent, verbatim inside
    assert "* * *" in out
    assert [s.style.bold for s in segments(render_body(body)) if s.text == "Heading"] == [True]


def test_code_is_not_rewrapped():
    code = "print('" + "a" * 80 + "')"
    body = read_body(content=f"<pre>{code}</pre>")
    out = printed(render_body(body), width=40)
    assert len(out.splitlines()) == 1


def test_table_as_table_or_plain_when_too_wide():
    body = read_body(content="<table><tr><th>Name</th><th>Age</th></tr>"
                             "<tr><td>Ann</td><td>41</td></tr></table>")
    wide = printed(render_body(body), width=60)
    assert "Name" in wide and "Ann" in wide and "|" not in wide
    cells = "".join(f"<td>{'cell' + str(n) * 12}</td>" for n in range(8))
    body = read_body(content=f"<table><tr>{cells}</tr><tr>{cells}</tr></table>")
    narrow = printed(render_body(body), width=40)
    assert " | " in narrow
    assert all(len(line) <= 40 for line in narrow.splitlines())


def test_links_list_at_the_end():
    body = read_body(content="<p>See <a href='https://user:pw@ex.org/a?b=1'>this</a>.</p>")
    out = printed(render_body(body))
    assert out.rstrip().endswith("[1] https://ex.org/a?b=1")
    assert links_text(body.links) == "[1] https://ex.org/a?b=1"


def test_spans_style_the_right_characters():
    body = read_body(content="Nayib Bukele met Marco Rubio.\n\nThey met at Lake Coatepeque.")
    text = body.text
    person = text.index("Marco Rubio")
    place = text.index("Lake Coatepeque")
    spans = [Span(person, person + 11, "person"), Span(place, place + 15, "place")]
    rendered = render_body(body, spans)
    assert styles_of(rendered, "Marco Rubio") == [DEFAULT_STYLES["person"]]
    assert styles_of(rendered, "Lake Coatepeque") == [DEFAULT_STYLES["place"]]
    plain = [s for s in segments(rendered) if "Nayib Bukele met" in s.text]
    assert plain and all(not s.style for s in plain)


def test_custom_styles_and_unknown_kinds():
    body = read_body(content="Bukele spoke.")
    rendered = render_body(body, [Span(0, 6, "person"), Span(7, 12, "unknown")],
                           styles={"person": "bold red"})
    assert styles_of(rendered, "Bukele") == [Style.parse("bold red")]
    assert [bool(s.style) for s in segments(rendered) if "spoke" in s.text] == [False]


def test_bad_spans_are_clipped_or_ignored():
    body = read_body(content="First paragraph.\n\nSecond paragraph.")
    n = len(body.text)
    spans = [Span(-10, 5, "person"), Span(10, 25, "place"), Span(n - 3, n + 100, "person"),
             Span(5, 2, "place"), Span(n + 5, n + 9, "place"), Span(16, 18, "person"),
             Span("x", None, "person")]
    rendered = render_body(body, spans)
    out = printed(rendered)
    assert "First paragraph." in out and "Second paragraph." in out
    assert styles_of(rendered, "First")[0] == DEFAULT_STYLES["person"]
    # A span over the paragraph break is cut at both block edges.
    assert styles_of(rendered, "graph.")[0] == DEFAULT_STYLES["place"]
    assert styles_of(rendered, "Second")[0] == DEFAULT_STYLES["place"]


def test_spans_in_table_cells():
    body = read_body(content="<table><tr><td>Rubio</td><td>El Salvador</td></tr></table>")
    start = body.text.index("El Salvador")
    rendered = render_body(body, [Span(start, start + 11, "place")])
    assert styles_of(rendered, "El Salvador") == [DEFAULT_STYLES["place"]]


def test_show_removed_dims_and_labels():
    long = "A paragraph long enough to count as a real paragraph when it is printed twice over."
    body = read_body(title="The headline here", content=f"The headline here\n{long}\nAdvertisement\n{long}")
    out = printed(render_body(body, show_removed=True), width=100)
    assert "removed: title" in out and "removed: boilerplate" in out and "removed: repeat" in out
    assert out.count(long) == 2
    assert all(s.style.dim for s in segments(render_body(body, show_removed=True), 100)
               if s.text == "Advertisement")
    assert printed(render_body(body), width=100).count(long) == 1


def test_show_removed_keeps_spans_on_kept_blocks():
    body = read_body(content="Advertisement\nBukele spoke.")
    rendered = render_body(body, [Span(0, 6, "person")], show_removed=True)
    assert styles_of(rendered, "Bukele") == [DEFAULT_STYLES["person"]]


HOSTILE = (
    "[bold]x[/bold] [link=file:///etc/passwd]y[/link] [@click=app.quit]z[/] [/x] "
    "a\x1b]52;c;ZXZpbA==\x07b \x1b]8;;https://evil.example\x1b\\c\x1b]8;;\x1b\\ "
    "\x1b[2J\x1b[31md \x9b31me \x85f \u202eg\u2066h"
)


def test_markup_and_escapes_in_feed_text_are_shown_literally():
    for body in (read_body(content=HOSTILE), read_body(content=f"<p>{HOSTILE}</p>"),
                 read_body(title=HOSTILE, content=f"<ul><li>{HOSTILE}</li></ul>"
                                                  f"<blockquote>{HOSTILE}</blockquote>"
                                                  f"<table><tr><td>{HOSTILE}</td></tr></table>")):
        rendered = render_body(body, show_removed=True)
        out = printed(rendered, width=200)
        for literal in ("[bold]x[/bold]", "[link=file:///etc/passwd]y[/link]",
                        "[@click=app.quit]z[/]", "[/x]"):
            assert literal in out
        assert not CONTROL.search(out)
        assert "evil" not in out and "52;c" not in out
        for segment in segments(rendered, width=200):
            assert segment.control is None
            assert not CONTROL.search(segment.text)
            if "x[/bold]" in segment.text or "y[/link]" in segment.text:
                style = segment.style
                assert not style or (not style.bold and not style.link and not style.meta)


def test_plain_text_output():
    body = read_body(content="<h1>T</h1><ul><li>one</li><li>two</li></ul><blockquote>q</blockquote>"
                             "<pre>code</pre><p><a href='https://ex.org/'>l</a></p>")
    assert plain_text(body) == "T\n\n- one\n- two\n\n> q\n\n    code\n\nl [1]\n\n[1] https://ex.org/"
