"""Hybrid retrieval: dense (Chroma) and BM25 (SQLite FTS5) rankings fused by score, spread across articles."""

from __future__ import annotations

from typing import Literal

from qa.index.corpus import Corpus
from qa.types import Hit

Mode = Literal["hybrid", "dense", "bm25"]
Fusion = Literal["cc", "rrf"]
RRF_K = 60  # the constant from Cormack et al. (2009); damps the head of each ranking
# A chunk's fused score is multiplied by this for every better-ranked chunk of the same article,
# so a second outlet's close result is not crowded out by one article's many chunks.
SAME_ARTICLE_DECAY = 0.85


def _candidates(k: int) -> int:
    return max(4 * k, 20)


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion of several best-first id lists."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def convex(rankings: list[list[tuple[str, float]]]) -> dict[str, float]:
    """Equal-weight convex combination of each best-first (id, score) list's min-max-normalised scores.

    Unlike RRF it keeps how far ahead a result is: a chunk one retriever ranks 2nd with a wide
    margin and the other does not retrieve at all is no longer outranked by chunks both rank
    middling (Bruch et al., "An Analysis of Fusion Functions for Hybrid Retrieval", 2023).
    Scores lie in [0, 1]; the best chunk of both lists scores 1.
    """
    scores: dict[str, float] = {}
    weight = 1.0 / max(len(rankings), 1)
    for ranking in rankings:
        if not ranking:
            continue
        high, low = ranking[0][1], ranking[-1][1]
        for item, score in ranking:
            normalised = (score - low) / (high - low) if high > low else 1.0
            scores[item] = scores.get(item, 0.0) + weight * normalised
    return scores


def diversify(
    scored: list[tuple[str, str, float]], k: int, decay: float = SAME_ARTICLE_DECAY
) -> list[tuple[str, float]]:
    """Pick k (id, score) pairs greedily, discounting each article's later chunks by ``decay``."""
    remaining = sorted(scored, key=lambda t: -t[2])
    taken: list[tuple[str, float]] = []
    per_doc: dict[str, int] = {}
    while remaining and len(taken) < k:
        best = max(
            range(len(remaining)), key=lambda i: remaining[i][2] * decay ** per_doc.get(remaining[i][1], 0)
        )
        item_id, doc_id, score = remaining.pop(best)
        taken.append((item_id, score * decay ** per_doc.get(doc_id, 0)))  # the score it was ranked by
        per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
    return taken


def search(corpus: Corpus, query: str, k: int = 6, mode: Mode = "hybrid", fusion: Fusion = "cc") -> list[Hit]:
    """Return the k best chunks for ``query``; only committed chunks are ever returned.

    ``fusion`` picks how hybrid mode merges the two rankings: "cc" (the default, see ``convex``) or
    "rrf" (reciprocal rank fusion, kept so bench/retrieval.py can compare them).
    """
    corpus.require_articles()
    n = _candidates(k)
    rankings: list[list[tuple[str, float]]] = []
    if mode in ("hybrid", "bm25"):
        rankings.append(corpus.store.bm25(query, n))
    if mode in ("hybrid", "dense"):
        vector = corpus.embedder.embed([query])[0]
        rankings.append(corpus.vectors.query(vector, n))
    fused = rrf([[cid for cid, _ in r] for r in rankings]) if fusion == "rrf" else convex(rankings)
    # Chroma may hold vectors of a crashed, uncommitted ingest: the manifest decides what exists.
    committed = corpus.store.chunks(list(fused))
    scored = [(cid, committed[cid][0].doc_id, score) for cid, score in fused.items() if cid in committed]
    hits = []
    for cid, score in diversify(scored, k):
        chunk, article = committed[cid]
        hits.append(Hit.span(article, chunk.start, chunk.end, score=round(score, 6), chunk_id=cid))
    return hits
