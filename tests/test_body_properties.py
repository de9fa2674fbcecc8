"""Properties over random HTML and text: never raises, keeps order, leaks no control character."""

import io
import re

from hypothesis import given, settings, strategies as st
from rich.console import Console

from reader.text.blocks import body_text, parse_body
from reader.text.body import read_body
from reader.text.render import Span, plain_text, render_body

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

TAGS = ["p", "div", "span", "b", "a", "ul", "ol", "li", "blockquote", "pre", "code", "table",
        "tr", "td", "th", "h1", "h3", "br", "hr", "img", "script", "style", "iframe", "svg",
        "q", "figure", "figcaption", "form", "textarea", "base"]
ATTRS = ["", " href='https://ex.org/a'", " href='javascript:alert(1)'", " href='/rel'",
         " src='x.png' alt='[bold]pic'", " hidden", " start='3'", " href='https://u:p@h.io/'"]
WORDS = ["Bukele", "Rubio", "[bold]", "[/]", "[@click=app.quit]", "&amp;", "&#x1b;", "&#155;",
         "\x1b]52;c;eA==\x07", "\x1b[31m", "\u202e", "\x9b", "\x85", "\r\n", "\n\n", "\t", " ",
         "Yes.", "* * *", "Advertisement", "a paragraph of several plain words here", "<", ">"]

fragments = st.recursive(
    st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=4).map("".join),
    lambda inner: st.builds(
        lambda tag, attrs, kids, close: f"<{tag}{attrs}>{''.join(kids)}" + (f"</{tag}>" if close else ""),
        st.sampled_from(TAGS), st.sampled_from(ATTRS), st.lists(inner, max_size=4), st.booleans()),
    max_leaves=20,
)
bodies = st.one_of(fragments, st.lists(st.sampled_from(WORDS) | st.text(max_size=20), max_size=12)
                   .map("\n".join))


def render_out(body, spans=(), show_removed=False, width=50) -> tuple[str, list]:
    console = Console(file=io.StringIO(), width=width, color_system="truecolor")
    renderable = render_body(body, spans, show_removed=show_removed)
    console.print(renderable)
    return console.file.getvalue(), list(console.render(renderable, console.options))


@settings(max_examples=200, deadline=None)
@given(summary=bodies, content=bodies, title=st.sampled_from(["", "Bukele", "Yes", "[bold]x"]),
       raw_spans=st.lists(st.tuples(st.integers(-20, 400), st.integers(-20, 400),
                                    st.sampled_from(["person", "place", "other"])), max_size=6),
       show_removed=st.booleans(), width=st.integers(8, 120))
def test_any_body_renders_safely(summary, content, title, raw_spans, show_removed, width):
    body = read_body(title=title, summary=summary, content=content, base_url="https://feed.example/")
    spans = [Span(a, b, kind) for a, b, kind in raw_spans]
    out, segments = render_out(body, spans, show_removed, width)
    for segment in segments:
        assert segment.control is None
        assert not CONTROL.search(segment.text)
    assert not CONTROL.search(plain_text(body, show_removed=True))
    for block in body.original:
        assert not CONTROL.search(block.text)
        assert all(not CONTROL.search(cell) for row in block.rows for cell in row)
    for link in body.links:
        assert link.url.split(":", 1)[0] in ("http", "https", "mailto")
        assert not CONTROL.search(link.url) and " " not in link.url and "@h.io" not in link.url


@settings(max_examples=200, deadline=None)
@given(content=bodies, title=st.sampled_from(["", "Bukele Rubio", "Yes"]))
def test_kept_blocks_are_a_subsequence_of_the_original(content, title):
    body = read_body(title=title, content=content)
    kept = [i for i in range(len(body.original)) if i not in body.removed_indexes]
    assert [body.original[i] for i in kept] == body.blocks
    assert [r.index for r in body.removed] == sorted(body.removed_indexes)
    assert all(body.original[r.index].text == r.text for r in body.removed)
    assert body.text == "\n\n".join(b.text for b in body.blocks)


paragraph = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                  blacklist_characters="&<>\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u0085"),
    min_size=1, max_size=60,
).map(str.strip).filter(bool)


@settings(max_examples=200, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=8))
def test_plain_paragraphs_round_trip(paragraphs):
    text = "\n\n".join(paragraphs)
    assert body_text(parse_body(text).blocks) == text


words = st.lists(st.text(st.sampled_from("abcdefghij\u00e9\u4e2d\u2014"), min_size=1, max_size=8),
                 min_size=1, max_size=30)
spacing = st.sampled_from([" ", "  ", " ", "\n"])


@settings(max_examples=200, deadline=None)
@given(words=words, spaces=st.lists(spacing, min_size=30, max_size=30), width=st.integers(16, 60))
def test_fast_wrapping_matches_rich_text(words, spaces, width):
    # Words fit the width here; folding of longer ones is checked below, since Rich itself
    # leaves odd blank lines when it folds.
    from rich.text import Text

    from reader.text.render import Wrapped

    text = "".join(w + s for w, s in zip(words, spaces)).strip(" ")

    def lines(renderable):
        console = Console(file=io.StringIO(), width=width, color_system=None)
        console.print(renderable)
        return [line.rstrip() for line in console.file.getvalue().split("\n")]

    assert lines(Wrapped(text, [])) == lines(Text(text))


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.text(st.sampled_from("ab\u4e2d"), min_size=1, max_size=30), min_size=1,
                      max_size=6), width=st.integers(2, 12))
def test_fast_wrapping_folds_long_words_within_width(words, width):
    from rich.cells import cell_len

    from reader.text.render import Wrapped

    text = " ".join(words)
    wrapped = Wrapped(text, [])
    lines = [text[a:b] for a, b in wrapped.line_offsets(width)]
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
