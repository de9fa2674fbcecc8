"""Precision and recall of de-duplication on the hand-labelled bodies in tests/data/dedup.

Also prints the shingle similarity of labelled near-repeats and of the most similar kept
paragraphs, which is what NEAR_REPEAT in reader/text/dedup.py was chosen from.

    PYTHONPATH=. python bench/dedup_eval.py [-v]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.text.body import read_body
from reader.text.dedup import NEAR_MIN_WORDS, NEAR_REPEAT, PROSE, normal_words, shingles, similarity

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "dedup"


def load_cases(folder: Path = CASES) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


def evaluate(cases: list[dict]) -> dict:
    """Counts of right, wrong and missed removals (by block index) and reasons that differ."""
    right = wrong = missed = other_reason = 0
    mistakes = []
    for case in cases:
        body = read_body(case["title"], case["summary"], case["content"])
        expected = {r["index"]: r["reason"] for r in case["removed"]}
        found = {r.index: r.reason for r in body.removed}
        for index, reason in found.items():
            if index in expected:
                right += 1
                if expected[index] != reason:
                    other_reason += 1
                    mistakes.append((case["name"], "reason", index, reason, expected[index]))
            else:
                wrong += 1
                mistakes.append((case["name"], "wrongly removed", index, reason,
                                 body.original[index].text[:70]))
        for index in expected.keys() - found.keys():
            missed += 1
            mistakes.append((case["name"], "missed", index, expected[index],
                             body.original[index].text[:70]))
    return {"cases": len(cases), "right": right, "wrong": wrong, "missed": missed,
            "other_reason": other_reason, "mistakes": mistakes,
            "precision": right / (right + wrong) if right + wrong else 1.0,
            "recall": right / (right + missed) if right + missed else 1.0}


def similarities(cases: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """(similarity, case) of each labelled near-repeat to its closest earlier block, and of
    each kept long paragraph to its closest earlier block."""
    near, kept = [], []
    for case in cases:
        body = read_body(case["title"], case["summary"], case["content"])
        expected = {r["index"]: r["reason"] for r in case["removed"]}
        sets = [shingles(normal_words(b.text)) if b.kind in PROSE else set()
                for b in body.original]
        for i, own in enumerate(sets):
            if len(own) + 1 < NEAR_MIN_WORDS or not i:
                continue
            earlier = [j for j in range(i) if expected.get(j) != "summary" and sets[j]]
            if not earlier:
                continue
            best, j = max((similarity(own, sets[j]), j) for j in earlier)
            lengths = sorted((len(own), len(sets[j])))
            ratio = lengths[0] / lengths[1]
            if expected.get(i) == "near-repeat":
                near.append((round(best, 2), case["name"]))
            elif i not in expected and best > 0.2:
                kept.append((round(best, 2), f"{case['name']}, length ratio {ratio:.2f}"))
    return sorted(near), sorted(kept, reverse=True)


def main() -> None:
    cases = load_cases()
    result = evaluate(cases)
    print(f"cases {result['cases']}  removals right {result['right']}  wrong {result['wrong']}"
          f"  missed {result['missed']}  right block, other reason {result['other_reason']}")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    for mistake in result["mistakes"]:
        print("  ", *mistake)
    near, kept = similarities(cases)
    print(f"near-repeat threshold {NEAR_REPEAT}")
    print("labelled near-repeats, similarity to closest earlier block:",
          ", ".join(f"{s:.2f}" for s, _ in near))
    print("kept long paragraphs, highest similarities to an earlier block:",
          ", ".join(f"{s:.2f} ({name})" for s, name in kept[:6]))
    if "-v" in sys.argv:
        for s, name in kept:
            print(f"   {s:.2f} {name}")


if __name__ == "__main__":
    main()
