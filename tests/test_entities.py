"""People and places found in article text, with the real spaCy model."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.entities import (
    ANALYSIS_VERSION,
    Mention,
    ModelUnavailable,
    Recogniser,
    recogniser,
)
from reader.text.places import canonical_place

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed-article.txt"
if not SEED.exists():
    SEED = Path("/work/shared/seed-article.txt")
NEWS = SEED.parent / "data" / "people-places" / "news-people-places.jsonl"


@pytest.fixture(scope="session")
def rec() -> Recogniser:
    return recogniser()


@pytest.fixture(scope="session")
def seed(rec):
    title, body = SEED.read_text(encoding="utf8").split("\n", 1)
    in_title, in_body = rec.mentions(body, title)
    return title, body, in_title, in_body


def names(mentions: list[Mention], kind: str) -> set[str]:
    return {m.canonical for m in mentions if m.kind == kind}


def assert_slices(text: str, mentions: list[Mention]) -> None:
    for m in mentions:
        assert text[m.start:m.end] == m.text, m
        assert m.kind in ("person", "place")


def test_seed_people_and_places(seed):
    _, _, in_title, in_body = seed
    found = in_title + in_body
    assert names(found, "person") >= {"Nayib Bukele", "Marco Rubio"}
    assert names(found, "place") >= {"El Salvador", "United States", "Lake Coatepeque", "Mexico"}


def test_seed_surnames_take_the_full_name(seed):
    _, body, _, in_body = seed
    by_text = {(m.text, m.kind, m.canonical) for m in in_body}
    assert ("Bukele", "person", "Nayib Bukele") in by_text
    assert ("Rubio", "person", "Marco Rubio") in by_text
    # "Bukele's" is found as "Bukele", the possessive trimmed off.
    possessive = body.index("Bukele's")
    assert any(m.start == possessive and m.text == "Bukele" for m in in_body)
    assert all(m.kind == "person" for m in in_body if "Bukele" in m.text)
    # Every written "Bukele" is a mention.
    assert sum(1 for m in in_body if m.text == "Bukele") == body.count("Bukele") - body.count("Nayib Bukele")


def test_seed_united_states_from_its_aliases(seed):
    _, body, _, in_body = seed
    us = {m.text for m in in_body if m.canonical == "United States"}
    assert {"US", "United States"} <= us
    the_us = body.index("the United States") + len("the ")
    assert any(m.start == the_us and m.text == "United States" for m in in_body)


def test_seed_hyphenated_pair_is_split(seed):
    _, body, _, in_body = seed
    at = body.index("US-Mexico")
    pieces = sorted((m.start, m.text, m.canonical) for m in in_body if at <= m.start < at + 9)
    assert pieces == [(at, "US", "United States"), (at + 3, "Mexico", "Mexico")]


def test_seed_offsets_slice_title_and_body(seed):
    title, body, in_title, in_body = seed
    assert_slices(title, in_title)
    assert_slices(body, in_body)
    assert in_title, "the headline names El Salvador and Marco Rubio"


def test_title_and_body_are_one_document(rec):
    in_title, in_body = rec.mentions(
        "President Nayib Bukele met reporters in San Salvador on Monday.", title="Bukele speaks"
    )
    assert [(m.text, m.kind, m.canonical) for m in in_title] == [("Bukele", "person", "Nayib Bukele")]
    assert_slices("Bukele speaks", in_title)


def test_same_name_same_kind_throughout(rec):
    text = (
        "Daniel Montalvo left the group in September. Montalvo was arrested on Thursday. "
        "Rathbun said Montalvo had done nothing wrong, and Montalvo agreed."
    )
    _, found = rec.mentions(text)
    montalvo = [m for m in found if m.text == "Montalvo"]
    assert len(montalvo) == text.count("Montalvo") - 1
    assert {(m.kind, m.canonical) for m in montalvo} == {("person", "Daniel Montalvo")}


def test_titles_determiners_and_possessives_are_trimmed(rec):
    text = "US Secretary of State Marco Rubio flew to the United Kingdom. Rubio's aides stayed."
    _, found = rec.mentions(text)
    assert_slices(text, found)
    texts = {m.text for m in found}
    assert "Marco Rubio" in texts and "United Kingdom" in texts and "Rubio" in texts
    assert not any(t.startswith(("the ", "Secretary", "State")) or t.endswith("'s") for t in texts)


@pytest.mark.parametrize("alias", ["U.S.", "USA", "UK", "U.K.", "Britain", "UAE"])
def test_aliases_are_one_place(rec, alias):
    expected = {"U.S.": "United States", "USA": "United States", "UAE": "United Arab Emirates"}
    text = f"The minister travelled to {alias} last week and met officials in {alias} again."
    _, found = rec.mentions(text)
    places = [m for m in found if m.kind == "place"]
    assert places, f"no place found in {text!r}"
    assert {m.canonical for m in places} == {expected.get(alias, "United Kingdom")}


def test_alias_table_keeps_longer_names():
    assert canonical_place("America") == "United States"
    assert canonical_place("Latin America") == "Latin America"
    assert canonical_place("Great Britain") == "United Kingdom"


def test_acronym_defined_in_text_is_the_same_kind(rec):
    # The model finds "Kennedy Space Center" but neither "KSC".
    text = "The ceremony was held at the Kennedy Space Center (KSC) in Florida. Many KSC employees came."
    _, found = rec.mentions(text)
    assert_slices(text, found)
    assert [(m.text, m.kind, m.canonical) for m in found if m.text == "KSC"] == [
        ("KSC", "place", "Kennedy Space Center")] * 2


def test_countries_in_a_score_line_are_teams(rec):
    plain = "Officials from Sweden and Belgium met in Brussels on Monday."
    _, control = rec.mentions(plain)
    assert {"Sweden", "Belgium"} <= names(control, "place")
    scores = "Group F: Sweden 1 – 0 Belgium.\n\nOn Monday Sweden and Belgium met in Brussels."
    _, found = rec.mentions(scores)
    assert not {"Sweden", "Belgium"} & names(found, "place")
    _, found = rec.mentions("On Monday, Sweden defeated Belgium 2-1 in Brussels.")
    assert "Belgium" not in names(found, "place")


def test_a_word_also_written_lowercase_is_not_a_name(rec):
    # The model calls this "Iodine" a person; "iodine" in the next sentence says otherwise.
    text = "WHO say Iodine deficiency is the world’s most prevalent cause of brain damage."
    _, found = rec.mentions(text)
    assert "Iodine" in names(found, "person")
    _, found = rec.mentions(text + " Children need iodine.")
    assert "Iodine" not in {m.text for m in found}


def model_labels(rec: Recogniser, text: str) -> dict[str, str]:
    """What the bare model says, to show that a rule below had something to correct."""
    nlp = rec._loaded()
    doc = next(nlp.get_pipe("ner").pipe([nlp.make_doc(text)]))
    return {e.text: e.label_ for e in doc.ents}


def test_a_name_cut_in_two_is_one_person(rec):
    text = "Valeska Paris, an Australian woman, left the ship. Paris was born in Switzerland."
    assert model_labels(rec, text).get("Valeska") == "GPE"
    _, found = rec.mentions(text)
    assert [(m.text, m.kind, m.canonical) for m in found if "Paris" in m.text] == [
        ("Valeska Paris", "person", "Valeska Paris"), ("Paris", "person", "Valeska Paris")]
    assert names(found, "place") == {"Switzerland"}


def test_given_name_before_a_lone_surname(rec):
    text = "The lead against Panama grew. Dries Mertens's attempt in the 18th minute failed."
    assert "Dries Mertens" not in model_labels(rec, text)
    _, found = rec.mentions(text)
    assert "Dries Mertens" in names(found, "person")


def test_events_are_not_places(rec):
    text = "Taipei, Taiwan — The Taipei City Lantern Festival was off to a bright start on Saturday."
    assert model_labels(rec, text).get("The Taipei City Lantern Festival") == "FAC"
    _, found = rec.mentions(text)
    assert names(found, "place") == {"Taipei", "Taiwan"}


def test_people_listed_with_people(rec):
    text = "Many people worship the ancient gods, such as Zeus, Hera, Poseidon, Aphrodite, and Athena."
    labels = model_labels(rec, text)
    assert "Poseidon" not in labels and labels.get("Zeus") == "PERSON"
    _, found = rec.mentions(text)
    assert {"Zeus", "Hera", "Poseidon", "Aphrodite"} <= names(found, "person")


def test_a_person_name_written_as_a_lowercase_phrase_is_a_thing(rec):
    text = "On April 12, 1981, Space Shuttle Columbia lifted off. It was the first space shuttle mission."
    assert model_labels(rec, text).get("Space Shuttle Columbia") == "PERSON"
    _, found = rec.mentions(text)
    assert not names(found, "person")


def test_empty_and_blank_text(rec):
    assert rec.mentions("") == ([], [])
    assert rec.mentions("", title="") == ([], [])
    assert rec.mentions("   \n\n  ") == ([], [])


def test_odd_unicode_keeps_offsets(rec):
    text = (
        "Zoë Ångström met Chancellor Olaf Scholz in Zürich 🙂 — then José Martí's café in "
        "Málaga. E\u0301lise (東京) said “Scholz’s plan” works in Ośw\u0119cim. \u200b Scholz left."
    )
    in_title, found = rec.mentions(text, title="Scholz in Zürich 🙂")
    assert_slices(text, found)
    assert_slices("Scholz in Zürich 🙂", in_title)
    assert "Olaf Scholz" in names(found, "person")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(
    ["Nayib Bukele", "Bukele's", "the United States", "US-Mexico", "El Salvador", "Rubio",
     "said", "in", "🙂", "é", "\n\n", ",", "—", "Zürich", "x" * 3, "The", "'s", "(JSC)"]),
    max_size=30))
def test_offsets_always_slice(rec, words):
    text = " ".join(words)
    in_title, found = rec.mentions(text, title=text[:20])
    assert_slices(text, found)
    assert_slices(text[:20], in_title)
    spans = sorted((m.start, m.end) for m in found)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "mentions never overlap"


def test_offsets_slice_on_every_dev_document(rec):
    docs = [json.loads(line) for line in NEWS.read_text(encoding="utf8").splitlines()]
    results = rec.mentions_many((d["text"], d["title"]) for d in docs)
    assert len(results) == len(docs)
    for doc, (in_title, in_body) in zip(docs, results):
        assert_slices(doc["text"], in_body)
        assert_slices(doc["title"], in_title)


def test_mentions_many_matches_mentions(rec):
    items = [("Marco Rubio met Nayib Bukele in El Salvador.", "Rubio visits"), ("", ""),
             ("Valeska Paris left the ship in 2007.", "")]
    assert rec.mentions_many(items) == [rec.mentions(text, title) for text, title in items]


def test_only_the_ner_component_is_loaded(rec):
    rec.mentions("warm up")
    assert rec._loaded().pipe_names == ["ner"]


def test_missing_model_is_reported_clearly():
    missing = Recogniser(model="no_such_model_xyz")  # constructing does not load
    with pytest.raises(ModelUnavailable, match="no_such_model_xyz.*not installed"):
        missing.mentions("Marco Rubio")


def test_first_use_from_many_threads_loads_once():
    fresh = Recogniser()
    results, models = [], []

    def work():
        results.append(fresh.mentions("Marco Rubio visited Lake Coatepeque in El Salvador."))
        models.append(fresh._loaded())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert all(m is models[0] for m in models)


def test_shared_instance_and_version():
    assert recogniser() is recogniser()
    assert ANALYSIS_VERSION.startswith("sm-3.8.0/rules-")
