"""Article bodies to blocks: HTML structure, plain text paragraphs, links, sanitizing."""

from pathlib import Path

import pytest

from reader.text.blocks import Block, body_text, is_hard_wrapped, parse_body, safe_url

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed-article.txt"
if not SEED.exists():
    SEED = Path("/work/shared/seed-article.txt")


def kinds(body):
    return [(b.kind, b.text) for b in body.blocks]


# --- HTML structure ---------------------------------------------------------------------

def test_headings_paragraphs_and_whitespace():
    body = parse_body("<h2> A  <em>big</em>\n day </h2><p>One\n  two&nbsp;three &amp; four</p>")
    assert body.blocks == [
        Block("heading", "A big day", level=2),
        Block("paragraph", "One two\u00a0three & four"),
    ]


def test_loose_text_and_double_breaks_become_paragraphs():
    body = parse_body("Loose text<br><br>Second<br>with a line break<div>in a div</div>tail")
    assert kinds(body) == [
        ("paragraph", "Loose text"),
        ("paragraph", "Second\nwith a line break"),
        ("paragraph", "in a div"),
        ("paragraph", "tail"),
    ]


def test_lists_keep_nesting_and_numbers():
    body = parse_body(
        "<ul><li>one<ul><li>one.a</li></ul></li><li>two</li></ul>"
        "<ol start='4'><li>four</li><li>five</li></ol>"
    )
    assert body.blocks == [
        Block("item", "one", level=0),
        Block("item", "one.a", level=1),
        Block("item", "two", level=0),
        Block("item", "four", ordered=True, number=4),
        Block("item", "five", ordered=True, number=5),
    ]


def test_quotes_count_their_depth():
    body = parse_body("<blockquote><p>outer</p><blockquote>inner</blockquote></blockquote>")
    assert body.blocks == [Block("quote", "outer", level=1), Block("quote", "inner", level=2)]


def test_pre_is_verbatim():
    body = parse_body("<pre>\n  if a &lt; b:\n\n      <b>go</b>()  </pre><p>after</p>")
    assert body.blocks[0] == Block("code", "  if a < b:\n\n      go()")
    assert body.blocks[1] == Block("paragraph", "after")


def test_data_table_rows_and_header():
    body = parse_body("<table><thead><tr><th>Name</th><th>Age</th></tr></thead>"
                      "<tr><td> Ann </td><td>41</td></tr><tr><td>Bo</td></tr></table>")
    (table,) = body.blocks
    assert table.kind == "table" and table.header
    assert table.rows == (("Name", "Age"), ("Ann", "41"), ("Bo", ""))
    assert table.text == "Name | Age\nAnn | 41\nBo | "


def test_layout_table_of_one_column_reads_as_paragraphs():
    body = parse_body("<table><tr><td><p>First</p><p>Second</p></td></tr></table>")
    assert kinds(body) == [("paragraph", "First"), ("paragraph", "Second")]


def test_rule_and_image():
    body = parse_body("<p>a</p><hr><img src='/p.jpg' alt=' A  cat '>", "https://ex.org/news/")
    assert kinds(body)[1:] == [("rule", "* * *"), ("image", "[image: A cat]")]
    assert body.blocks[2].refs == (1,)
    assert body.links[0].url == "https://ex.org/p.jpg"


def test_tracking_pixels_leave_nothing():
    assert parse_body("<p>a</p><img src='https://t.io/p.gif' width='1' height='1'>").links == []


# --- links ------------------------------------------------------------------------------

def test_links_are_numbered_and_resolved():
    body = parse_body(
        "<p>See <a href='/a'>the report</a>, <a href='https://x.org/b'>this</a> "
        "and <a href='/a'>again</a>.</p>",
        "https://news.example/story/1",
    )
    assert body.blocks[0].text == "See the report [1], this [2] and again [1]."
    assert [(l.number, l.url, l.label) for l in body.links] == [
        (1, "https://news.example/a", "the report"),
        (2, "https://x.org/b", "this"),
    ]


def test_base_element_wins_over_base_url():
    body = parse_body("<head><base href='https://cdn.example/d/'></head><a href='x'>x</a>",
                      "https://feed.example/")
    assert body.links[0].url == "https://cdn.example/d/x"


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<b>x</b>", "file:///etc/passwd", "smb://host/share", "vbscript:x",
    "ftp://host/file", "relative/without/base",
])
def test_unsafe_links_keep_their_text_but_no_reference(href):
    body = parse_body(f"<p>Click <a href='{href}'>here</a> now</p>")
    assert body.blocks[0].text == "Click here now"
    assert body.links == []


def test_credentials_are_stripped_and_hosts_shown_plainly():
    assert safe_url("https://user:secret@Example.COM:8443/p?q=1#f") == \
        "https://example.com:8443/p?q=1#f"
    assert safe_url("http://b\u00fccher.example/a b") == "http://xn--bcher-kva.example/a%20b"
    assert safe_url("mailto:ed@news.example") == "mailto:ed@news.example"
    assert safe_url("https://x.org:99999/") == ""


def test_link_around_image_refers_from_the_image():
    body = parse_body("<a href='https://ex.org/big'><img src='https://ex.org/s.jpg' alt='Map'></a>")
    (image,) = body.blocks
    assert image.text == "[image: Map]" and image.refs == (1, 2)
    assert [l.url for l in body.links] == ["https://ex.org/s.jpg", "https://ex.org/big"]


# --- sanitizing -------------------------------------------------------------------------

def test_active_and_hidden_content_leaves_nothing():
    markup = (
        "<p>kept</p><script>alert('s')</script><style>p{color:red}</style>"
        "<iframe src='https://evil.example'>frame</iframe><form>form text<input value='v'>"
        "<textarea>area</textarea><select><option>opt</option></select>"
        "<button>press</button></form><object>obj</object><embed src='x'>"
        "<noscript>nos</noscript><svg><text>svg</text></svg><template>tpl</template>"
        "<p hidden>hidden</p><!-- comment --><p>end</p>"
    )
    body = parse_body(markup)
    assert kinds(body) == [("paragraph", "kept"), ("paragraph", "end")]
    assert body.links == []


def test_control_characters_and_escapes_are_cleaned():
    body = parse_body("<p>a\x1b]52;c;ZXZpbA==\x07b\x1b[31mc\u202ed\x85e</p>"
                      "<p>x&#x1b;[2Jy&#27;]8;;https://evil.example&#7;z</p>")
    assert [b.text for b in body.blocks] == ["abcde", "xyz"]


def test_entities_are_decoded_once():
    body = parse_body("<p>&lt;b&gt; &amp;amp; &#8220;q&#8221;</p>")
    assert body.blocks[0].text == "<b> &amp; \u201cq\u201d"


def test_deep_nesting_does_not_overflow():
    body = parse_body("<div>" * 5000 + "deep" + "</div>" * 5000)
    assert kinds(body) == [("paragraph", "deep")]


# --- plain text -------------------------------------------------------------------------

def test_plain_text_splits_on_blank_lines():
    text = "First paragraph here.\n\nSecond one.\n  \nThird."
    assert body_text(parse_body(text).blocks) == "First paragraph here.\n\nSecond one.\n\nThird."


def test_plain_text_without_blank_lines_splits_on_line_breaks():
    text = "One line is a paragraph.\nAnother line, another paragraph.\r\nA third."
    assert [b.text for b in parse_body(text).blocks] == [
        "One line is a paragraph.", "Another line, another paragraph.", "A third."]


def test_hard_wrapped_plain_text_is_joined():
    text = (
        "This paragraph was wrapped by an email program at seventy\n"
        "characters, so every line but the last is nearly full and the\n"
        "next word would not have fitted on it.\n"
        "\n"
        "A second paragraph.\n"
    )
    assert [b.text for b in parse_body(text).blocks] == [
        "This paragraph was wrapped by an email program at seventy characters, so every "
        "line but the last is nearly full and the next word would not have fitted on it.",
        "A second paragraph.",
    ]


def test_short_lines_are_not_taken_for_wrapping():
    assert not is_hard_wrapped(["Roses are red,", "Violets are blue,", "Sugar is sweet"])
    assert not is_hard_wrapped(["Headline of the story", "A long paragraph " * 10])
    assert is_hard_wrapped(["word " * 14 + "end", "more words follow here"])


def test_seed_article_is_one_block_per_line():
    blocks = parse_body(SEED.read_text(encoding="utf-8")).blocks
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(blocks) == 13
    assert [b.text for b in blocks] == lines
    assert all(b.kind == "paragraph" for b in blocks)


def test_plain_paragraphs_round_trip_exactly():
    paragraphs = ["Bukele said \u201cyes\u201d.", "Rubio  spoke\tat Lake Coatepeque.", "[bold]x[/]"]
    text = "\n\n".join(paragraphs)
    assert body_text(parse_body(text).blocks) == text


def test_tagless_text_with_entities_is_decoded():
    assert parse_body("Tom &amp; Jerry").blocks == [Block("paragraph", "Tom & Jerry")]
