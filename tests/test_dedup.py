"""De-duplication: the seed article, each kind of repetition, legitimate repeats, the labelled set."""

import json
from pathlib import Path

import pytest

from reader.text.blocks import Block, parse_body
from reader.text.body import read_body
from reader.text.dedup import dedup, is_boilerplate, normal_words

SEED = Path("/work/shared/seed-article.txt")
SEED_TITLE = "El Salvador Proposes to Host US Criminals and Unlawful Migrants"
CASES = sorted((Path(__file__).parent / "data" / "dedup").glob("*.json"))

LONG = [
    "The city council voted on Tuesday night to approve a network of protected cycle lanes "
    "along the river, ending two years of public consultation.",
    "Supporters say the lanes will cut traffic on the old bridge and make the school run "
    "safer, while shop owners worry about losing forty parking spaces.",
    "Work on the first section is due to start in March and should take about eight months, "
    "according to the council's transport officer.",
]


def paragraphs(*texts):
    return [Block("paragraph", t) for t in texts]


def seed_lines():
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_with_title_reads_once_in_order():
    body = read_body(title=SEED_TITLE, content=SEED.read_text(encoding="utf-8"))
    lines = seed_lines()
    assert [b.text for b in body.blocks] == [lines[0]] + lines[3:9]
    assert [(r.reason, r.index) for r in body.removed] == [
        ("title", 1), ("title", 2), ("repeat", 9), ("repeat", 10), ("repeat", 11), ("repeat", 12)]
    assert [r.text for r in body.removed] == [lines[i] for i in (1, 2, 9, 10, 11, 12)]
    assert body.text == "\n\n".join([lines[0]] + lines[3:9])


def test_seed_without_title_keeps_the_first_headline():
    body = read_body(content=SEED.read_text(encoding="utf-8"))
    lines = seed_lines()
    assert [b.text for b in body.blocks] == [lines[0], lines[1]] + lines[3:9]
    assert [(r.reason, r.index) for r in body.removed] == [
        ("repeat", 2), ("repeat", 9), ("repeat", 10), ("repeat", 11), ("repeat", 12)]


def test_first_occurrence_stays_in_place():
    kept, removed = dedup(paragraphs(LONG[0], LONG[1], LONG[0], LONG[2]))
    assert [b.text for b in kept] == [LONG[0], LONG[1], LONG[2]]
    assert [(r.reason, r.index) for r in removed] == [("repeat", 2)]


def test_repeat_after_normalising_case_space_punctuation_and_quotes():
    original = "\u201cWe won\u2019t stop,\u201d she said, adding that the station\u2019s money was " \
               "secured for another five years at least."
    copy = '"WE WONT  stop" she said -- adding that the station\'s money was secured for ' \
           "another five years, at least"
    assert normal_words(original) == normal_words(copy)
    kept, removed = dedup(paragraphs(original, LONG[0], copy))
    assert [(r.reason, r.index) for r in removed] == [("repeat", 2)]


def test_repeated_run_takes_its_short_subheading_along():
    blocks = [Block("heading", "What next", level=2), *paragraphs(LONG[1], LONG[2]),
              Block("heading", "Reaction", level=2), *paragraphs(LONG[0]),
              Block("heading", "What next", level=2), *paragraphs(LONG[1], LONG[2])]
    kept, removed = dedup(blocks)
    assert [r.index for r in removed] == [5, 6, 7]


def test_near_repeat_with_one_word_changed():
    edited = LONG[1].replace("safer", "calmer")
    kept, removed = dedup(paragraphs(LONG[0], LONG[1], LONG[2], edited))
    assert [(r.reason, r.index) for r in removed] == [("near-repeat", 3)]


def test_near_repeat_with_changed_figures_is_kept():
    first = "At 10:00 the number of people rescued from the valley rose to 12, officials said, " \
            "as boats searched the farms."
    later = first.replace("10:00", "14:00").replace("12", "19")
    assert dedup(paragraphs(first, LONG[0], later))[1] == []


@pytest.mark.parametrize("line", [
    "Advertisement", "ADVERTISEMENT", "Continue reading...", "Continue reading the main story",
    "Share this article", "Read more", "Read more: Council budget row deepens [3]",
    "Sign up for our newsletter", "Click here to subscribe", "Follow us on Twitter and Facebook",
    "Image copyright Getty Images", "Share on Facebook | Share on Twitter",
    "The post Band returns appeared first on Loud Noises.",
])
def test_boilerplate_lines(line):
    assert is_boilerplate(line)
    kept, removed = dedup(paragraphs(LONG[0], line, LONG[1]))
    assert [(r.reason, r.index) for r in removed] == [("boilerplate", 1)]


@pytest.mark.parametrize("line", [
    "Read more books this summer, the librarian urged.",
    "Advertisement revenue fell four percent in the quarter.",
    "Share prices rose.", "Follow-up surgery was set for Monday.",
    "Continue reading the report and you find the numbers.",
])
def test_lines_that_start_like_boilerplate_are_kept(line):
    assert not is_boilerplate(line)


def test_short_legitimate_repeats_are_kept():
    blocks = paragraphs(LONG[0], "Did it surprise you?", "Yes.", "Was it planned?", "No.",
                        "Will you go on?", "Yes.", "Keep the fire burning", "A verse line here",
                        "Keep the fire burning", "* * *", LONG[1], "* * *", "Yes.")
    assert dedup(blocks)[1] == []


def test_code_tables_and_rules_are_never_removed():
    code = Block("code", "pip install riverside-tools --upgrade && echo done with it all now ok")
    table = Block("table", "a | b\n1 | 2", rows=(("a", "b"), ("1", "2")))
    blocks = [code, Block("rule", "* * *"), table, code, Block("rule", "* * *"), table,
              Block("code", "Advertisement")]
    assert dedup(blocks)[1] == []


def test_a_paragraph_quoting_a_sentence_of_another_is_kept():
    long = LONG[0] + " " + LONG[1]
    quoting = "As one put it, shop owners worry about losing forty parking spaces."
    assert dedup(paragraphs(long, quoting, Block("quote", LONG[1]).text))[1] == []


def test_title_copies_near_the_top_exact_or_nearly():
    title = "Council approves riverside cycle lanes"
    blocks = [Block("heading", "Council approves riverside cycle lanes | The Gazette", level=1),
              *paragraphs("COUNCIL APPROVES RIVERSIDE CYCLE-LANES!", LONG[0], LONG[1])]
    kept, removed = dedup(blocks, title=title)
    assert [(r.reason, r.index) for r in removed] == [("title", 0), ("title", 1)]


def test_a_short_title_does_not_remove_answers():
    blocks = paragraphs("Yes.", LONG[0], "Yes.")
    assert dedup(blocks, title="Yes")[1] == []


def test_summary_contained_in_content_is_removed_as_summary():
    summary = LONG[0][:80] + "\u2026"
    body = read_body(summary=summary, content="\n\n".join(LONG))
    assert [(r.reason, r.index) for r in body.removed] == [("summary", 0)]
    assert body.text == "\n\n".join(LONG)
    assert body.original[0].text == summary


def test_summary_that_differs_is_kept_first():
    body = read_body(summary="Shops fear for parking.", content="\n\n".join(LONG))
    assert body.removed == []
    assert body.text == "\n\n".join(["Shops fear for parking.", *LONG])


def test_links_are_numbered_across_summary_and_content():
    body = read_body(summary="<p>See <a href='https://a.example/'>A</a></p>",
                     content="<p>Other <a href='https://b.example/'>B</a> and "
                             "<a href='https://a.example/'>A</a></p>")
    assert [l.url for l in body.links] == ["https://a.example/", "https://b.example/"]
    assert body.text == "See A [1]\n\nOther B [2] and A [1]"


def test_removals_and_kept_blocks_partition_the_original():
    body = read_body(title=SEED_TITLE, content=SEED.read_text(encoding="utf-8"))
    kept_indexes = [i for i in range(len(body.original)) if i not in body.removed_indexes]
    assert [body.original[i] for i in kept_indexes] == body.blocks
    assert {r.index for r in body.removed} == body.removed_indexes


def test_labelled_set_has_no_wrong_removals_and_high_recall():
    assert len(CASES) >= 30
    right = wrong = missed = 0
    for path in CASES:
        case = json.loads(path.read_text(encoding="utf-8"))
        body = read_body(case["title"], case["summary"], case["content"])
        expected = {r["index"]: r["reason"] for r in case["removed"]}
        found = {r.index: r.reason for r in body.removed}
        wrongly = {i: found[i] for i in found.keys() - expected.keys()}
        assert not wrongly, f"{case['name']}: wrongly removed {wrongly}"
        right += len(found.keys() & expected.keys())
        wrong += len(wrongly)
        missed += len(expected.keys() - found.keys())
    assert wrong == 0
    assert right / (right + missed) >= 0.95


def test_near_repeat_search_scales_past_pairwise():
    # 3,000 distinct paragraphs that all share common word pairs: the index must still
    # find the one edited copy at the end.
    texts = [f"Report number {n} of the day said that the river at point {n} was "
             f"running at level {n * 7} and rising slowly." for n in range(3000)]
    edited = LONG[1].replace("safer", "calmer")
    blocks = paragraphs(LONG[1], *texts, edited)
    kept, removed = dedup(blocks)
    assert [(r.reason, r.index) for r in removed] == [("near-repeat", 3001)]


def test_parse_then_dedup_of_html_keeps_order():
    body = parse_body("<p>" + "</p><p>".join([LONG[0], LONG[1], LONG[0]]) + "</p>")
    kept, removed = dedup(body.blocks)
    assert [b.text for b in kept] == LONG[:2]
