"""Stories in an index: its articles grouped by what they report and when, so a briefing covers one.

Each article is read as the mean of its chunks' vectors, as stored in the index: nothing is
embedded again, so grouping all 1,479 AllSides articles takes about a second. An article joins the
story whose articles it is closest to on average, when that average cosine reaches STORY_SAME and
its date (when both are known) is within STORY_DAYS of one of the story's; else it starts a story of
its own; an article still alone at the end joins the closest story if their average cosine reaches
STORY_ABSORB. Articles are taken by date, so a story grows forward in time. Stories are numbered largest
first (then earliest): ``qa stories`` lists them, ``qa summarize --story N`` briefs one, and
``qa summarize`` with neither a story nor a topic briefs story 1 and names the others.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from qa.briefing.model import Story
from qa.index.corpus import Corpus
from qa.types import Article

# Average cosine (MiniLM, mean chunk vectors) at which an article reports the same story, the most
# days apart its date may be, and the bar at which an article left alone joins the closest story.
# Set on half of the AllSides events (all 1,479 articles in one index, pairwise F1 against the
# events), the other half only reported: bench/RESULTS.md, "Stories".
STORY_SAME, STORY_DAYS, STORY_ABSORB = 0.55, 2, 0.3


def _date(article: Article) -> dt.date | None:
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def group(articles: list[Article], vectors: np.ndarray) -> list[list[int]]:
    """Indices of ``articles`` grouped into stories (see the module docstring), largest first."""
    order = sorted(range(len(articles)), key=lambda i: (_date(articles[i]) or dt.date.max, i))
    groups: list[list[int]] = []
    for i in order:
        best, best_similarity = None, STORY_SAME
        for g, members in enumerate(groups):
            if not _close_in_time(articles, members, i):
                continue
            similarity = float(np.mean(vectors[members] @ vectors[i]))
            if similarity >= best_similarity:
                best, best_similarity = g, similarity
        if best is None:
            groups.append([i])
        else:
            groups[best].append(i)
    # An article left on its own joins the closest story at a lower bar: an outlet's different angle
    # on one event ("the shooter's motive") would otherwise become a story of its own.
    for single in [g for g in groups if len(g) == 1]:
        i = single[0]
        near = [
            (float(np.mean(vectors[g] @ vectors[i])), n)
            for n, g in enumerate(groups)
            if len(g) > 1 and _close_in_time(articles, g, i)
        ]
        best_similarity, n = max(near, default=(-1.0, -1))
        if best_similarity >= STORY_ABSORB:
            groups[n].append(i)
            single.clear()
    return sorted((g for g in groups if g), key=lambda g: (-len(g), min(g)))


def _close_in_time(articles: list[Article], members: list[int], i: int) -> bool:
    day = _date(articles[i])
    days = [d for d in (_date(articles[m]) for m in members) if d]
    return not (day and days) or min(abs((day - d).days) for d in days) <= STORY_DAYS


def article_vectors(corpus: Corpus, articles: list[Article]) -> np.ndarray:
    """Each article's unit vector: the mean of its chunks' stored vectors (embedded when none is stored)."""
    ids = {a.doc_id: corpus.store.chunk_ids(a.doc_id) for a in articles}
    stored = corpus.vectors.vectors([c for chunk_ids in ids.values() for c in chunk_ids])
    rows = []
    for a in articles:
        found = [stored[c] for c in ids[a.doc_id] if c in stored]
        rows.append(np.mean(found, axis=0) if found else corpus.embedder.embed([a.text[:2000] or a.title])[0])
    matrix = np.stack(rows).astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return matrix


def find_stories(corpus: Corpus, articles: list[Article] | None = None) -> list[Story]:
    """The index's articles (or ``articles``) grouped into stories, largest first."""
    if articles is None:
        found = (corpus.store.article(s.doc_id) for s in corpus.store.sources())
        articles = [a for a in found if a is not None]
    if not articles:
        return []
    vectors = article_vectors(corpus, articles)
    out = []
    for number, members in enumerate(group(articles, vectors), start=1):
        centroid = vectors[members].mean(axis=0)
        central = members[int(np.argmax(vectors[members] @ centroid))]
        days = sorted(d.isoformat() for d in (_date(articles[m]) for m in members) if d)
        outlets = tuple(dict.fromkeys(articles[m].outlet.strip() or articles[m].doc_id for m in members))
        out.append(
            Story(
                number,
                tuple(articles[m].doc_id for m in sorted(members)),
                outlets,
                articles[central].title or articles[central].doc_id,
                days[0] if days else "",
                days[-1] if days else "",
            )
        )
    return out
