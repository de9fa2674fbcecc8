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

DATA = Path("/work/shared/data/people-places")


def predict(gold: Path, out: Path) -> None:
    """Write one prediction line per document; each text is analysed with no title."""
    docs = [json.loads(line) for line in gold.read_text(encoding="utf8").splitlines() if line.strip()]
    results = recogniser().mentions_many((d["text"], "") for d in docs)
    with out.open("w", encoding="utf8") as f:
        for doc, (_, body) in zip(docs, results):
            entities = [{"start": m.start, "end": m.end, "kind": m.kind, "text": m.text,
                         "canonical": m.canonical} for m in body]
            f.write(json.dumps({"id": doc["id"], "entities": entities}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="?", default=str(DATA / "news-people-places.jsonl"))
    ap.add_argument("--pred", help="where to write predictions (default: a temporary file)")
    ap.add_argument("--errors", type=int, default=0, help="also list N errors with context")
    ap.add_argument("--scorer", default=str(DATA / "score.py"))
    a = ap.parse_args()
    out = Path(a.pred) if a.pred else Path(tempfile.mkstemp(suffix=".jsonl")[1])
    predict(Path(a.gold), out)
    print(f"analysis {ANALYSIS_VERSION}; predictions in {out}")
    cmd = [sys.executable, a.scorer, a.gold, str(out)]
    if a.errors:
        cmd += ["--errors", str(a.errors)]
    sys.exit(subprocess.call(cmd))


if __name__ == "__main__":
    main()
