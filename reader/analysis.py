"""An article's analysis: its de-duplicated body, and the people and places it mentions (cached).

Ties the text pipeline to the store; the CLI and the app both read articles through here.
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence

from reader.core.store import Article, Store
from reader.text.body import ArticleBody, read_body
from reader.text.render import Span

# Bumped whenever the body pipeline changes what text it keeps: stored mention offsets index
# into that text, so a change must re-analyse.
BODY_VERSION = "body-1"


def read_article(article: Article) -> ArticleBody:
    """The article's body, cleaned of repeated text (fast; no model)."""
    return read_body(
        title=article.title,
        summary=article.summary,
        content=article.content,
        base_url=article.base or article.link,
    )


def analysis_version() -> str:
    from reader.text.entities import ANALYSIS_VERSION

    return f"{BODY_VERSION}/{ANALYSIS_VERSION}"


def mentions_for(store: Store, article: Article, body: ArticleBody | None = None) -> list:
    """The people and places in the article's kept body, from the store or found now.

    Finding them loads the language model on first use (seconds); call from a worker.
    Raises `reader.text.entities.ModelUnavailable` when the model cannot be loaded.
    """
    from reader.text.entities import Mention, recogniser

    version = analysis_version()
    cached = store.analysis(article.id, version)
    if cached is not None:
        return [Mention(*m) for m in json.loads(cached)]
    body = body or read_article(article)
    title_mentions, mentions = recogniser().mentions(body.text, title=article.title)
    store.save_analysis(article.id, version, _spans_json(mentions),
                        _counts(title_mentions, mentions))
    return mentions


def analyse_pending(store: Store, limit: int = 200, batch: int = 32) -> int:
    """Analyse up to `limit` stored articles that have no current analysis; returns how many."""
    from reader.text.entities import recogniser

    version = analysis_version()
    done = 0
    while done < limit:
        ids = store.unanalysed(version, limit=min(batch, limit - done))
        if not ids:
            break
        articles = [a for a in (store.article(i) for i in ids) if a is not None]
        bodies = [read_article(a) for a in articles]
        found = recogniser().mentions_many((b.text, a.title) for a, b in zip(articles, bodies))
        store.save_analyses(
            (a.id, version, _spans_json(body_mentions), _counts(title_mentions, body_mentions))
            for a, (title_mentions, body_mentions) in zip(articles, found)
        )
        done += len(ids)
    return done


def spans_of(mentions: Iterable) -> list[Span]:
    return [Span(m.start, m.end, m.kind) for m in mentions]


def as_json(title: str, body: ArticleBody, mentions: Sequence) -> dict:
    """The `reader render --json` object of DESIGN.md."""
    return {
        "title": title,
        "text": body.text,
        "removed": [{"reason": r.reason, "text": r.text} for r in body.removed],
        "entities": [
            {"kind": m.kind, "text": m.text, "start": m.start, "end": m.end,
             "canonical": m.canonical}
            for m in mentions
        ],
    }


def _spans_json(mentions: Sequence) -> str:
    return json.dumps(
        [[m.kind, m.text, m.start, m.end, m.canonical] for m in mentions], ensure_ascii=False
    )


def _counts(*groups: Sequence) -> list[tuple[str, str, int]]:
    counts: dict[tuple[str, str], int] = {}
    for group in groups:
        for m in group:
            key = (m.kind, m.canonical)
            counts[key] = counts.get(key, 0) + 1
    return [(kind, name, n) for (kind, name), n in counts.items()]
