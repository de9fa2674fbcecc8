"""Score the Recogniser on a people/places jsonl file with the data set's own scorer.

usage: python bench/entities_score.py [GOLD.jsonl] [--pred OUT.jsonl] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from reader.text.entities import ANALYSIS_VERSION, recogniser

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "people-places"


def predict(gold: Path, out: Path) -> None:
    """Write one prediction line per document; each text is analysed with no title."""
    docs = [json.loads(line) for line in gold.read_text(encoding="utf8").splitlines() if line.strip()]
    results = recogniser().mentions_many((d["text"], "") for d in docs)
    with out.open("w", encoding="utf8") as f:
        for doc, (_, body) in zip(docs, results):
            entities = [{"start": m.start, "end": m.end, "kind": m.kind, "text": m.text,
                         "canonical": m.canonical} for m in body]
            f.write(json.dumps({"id": doc["id"], "entities": entities}) + "\n")


def predict_via_render(gold: Path, out: Path) -> None:
    """The same, through the product's contract: `reader render --json A B C ...` (one process,
    model loaded once). The body pipeline may drop repeated text; a document whose kept text
    differs from the gold text is reported and scored with no predictions."""
    docs = [json.loads(line) for line in gold.read_text(encoding="utf8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, doc in enumerate(docs):
            path = Path(folder) / f"{i:03d}.txt"
            path.write_text(doc["text"], encoding="utf8")
            paths.append(str(path))
        reader = Path(sys.executable).with_name("reader")
        done = subprocess.run([str(reader), "render", "--json", *paths], capture_output=True,
                              text=True, check=True)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    changed = 0
    with out.open("w", encoding="utf8") as f:
        for doc, result in zip(docs, results):
            entities = result["entities"]
            if result["text"] != doc["text"]:
                changed += 1
                entities = []
            f.write(json.dumps({"id": doc["id"], "entities": entities}) + "\n")
    print(f"through `reader render --json`: {len(results)} documents, {changed} with changed text")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="?", default=str(DATA / "news-people-places.jsonl"))
    ap.add_argument("--pred", help="where to write predictions (default: a temporary file)")
    ap.add_argument("--errors", type=int, default=0, help="also list N errors with context")
    ap.add_argument("--scorer", default=str(DATA / "score.py"))
    ap.add_argument("--via-render", action="store_true",
                    help="run `reader render --json` on the texts instead of calling the Recogniser")
    a = ap.parse_args()
    out = Path(a.pred) if a.pred else Path(tempfile.mkstemp(suffix=".jsonl")[1])
    (predict_via_render if a.via_render else predict)(Path(a.gold), out)
    print(f"analysis {ANALYSIS_VERSION}; predictions in {out}")
    cmd = [sys.executable, a.scorer, a.gold, str(out)]
    if a.errors:
        cmd += ["--errors", str(a.errors)]
    sys.exit(subprocess.call(cmd))


if __name__ == "__main__":
    main()
