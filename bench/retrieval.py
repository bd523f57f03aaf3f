"""Item 5: retrieval quality of hybrid vs dense-only vs BM25-only search.

A retrieved chunk is relevant when it is in a gold evidence article and covers at least half of
the gold quote (or, for a quote longer than the chunk, when at least half the chunk is quote).
recall@5: share of questions with a relevant chunk among ``search(k=5)``; MRR@10: mean of
1/rank of the first relevant chunk of ``search(k=10)`` (0 when none); doc recall@5: share with
a gold article among the top 5. Answerable questions only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import (
    BENCH_QUESTIONS,
    SAMPLE,
    SAMPLE_QUESTIONS,
    SEED_QUESTIONS,
    SEEDS,
    have_allsides,
    load_questions,
)

# "hybrid-rrf": the same hybrid search fused by reciprocal rank instead (qa's fusion until this bench).
MODES = ("hybrid", "dense", "bm25", "hybrid-rrf")
TARGET_RECALL = 0.9


def _settings(index: Path) -> Any:
    from qa.config import load_settings

    return load_settings(env={}, dotenv=None, index=index)


def build_index(paths: Sequence[Path], index: Path) -> Path:
    """Ingest files into a fresh index in-process (the small sets; the corpus-wide one is reused)."""
    from qa.ingest.pipeline import ingest

    report = ingest(list(paths), _settings(index))
    if report.failed:
        raise RuntimeError(f"ingest failed: {report.failed[:3]}")
    return index


def _gold_spans(corpus: Any, question: dict[str, Any]) -> list[tuple[str, int, int]]:
    spans = []
    for evidence in question["evidence"]:
        text = corpus.article_text(evidence["doc_id"])
        start = text.find(evidence["quote"])
        if start < 0:
            raise ValueError(f"{question['id']}: evidence quote not found in {evidence['doc_id']}")
        spans.append((evidence["doc_id"], start, start + len(evidence["quote"])))
    return spans


def relevant(hit: Any, spans: list[tuple[str, int, int]]) -> bool:
    """True when the hit covers at least half of a gold quote (or is at least half quote)."""
    for doc_id, start, end in spans:
        if doc_id != hit.doc_id:
            continue
        overlap = min(end, hit.end) - max(start, hit.start)
        if overlap > 0 and overlap >= 0.5 * min(end - start, hit.end - hit.start):
            return True
    return False


def evaluate(index: Path, questions: list[dict[str, Any]], modes: Sequence[str] = MODES) -> dict[str, Any]:
    """recall@5, MRR@10 and doc recall@5 per mode, and which questions each mode misses at 5."""
    from qa.index.corpus import Corpus
    from qa.index.search import search

    out: dict[str, Any] = {"questions": len(questions), "modes": {}}
    with Corpus(_settings(index)) as corpus:
        gold = {q["id"]: _gold_spans(corpus, q) for q in questions}
        for mode in modes:
            hit5 = doc5 = 0
            reciprocal = 0.0
            misses = []
            how = {"mode": "hybrid", "fusion": "rrf"} if mode == "hybrid-rrf" else {"mode": mode}
            for q in questions:
                spans = gold[q["id"]]
                top5 = search(corpus, q["question"], 5, **how)  # type: ignore[arg-type]
                if any(relevant(h, spans) for h in top5):
                    hit5 += 1
                else:
                    misses.append(q["id"])
                if any(h.doc_id in {s[0] for s in spans} for h in top5):
                    doc5 += 1
                top10 = search(corpus, q["question"], 10, **how)  # type: ignore[arg-type]
                rank = next((i for i, h in enumerate(top10, start=1) if relevant(h, spans)), None)
                reciprocal += 1.0 / rank if rank else 0.0
            n = max(len(questions), 1)
            out["modes"][mode] = {
                "recall_at_5": round(hit5 / n, 3),
                "mrr_at_10": round(reciprocal / n, 3),
                "doc_recall_at_5": round(doc5 / n, 3),
                "misses": misses,
            }
    modes_out = out["modes"]
    if "hybrid" in modes_out:
        hybrid = modes_out["hybrid"]["recall_at_5"]
        others = [modes_out[m]["recall_at_5"] for m in ("dense", "bm25") if m in modes_out]
        out["hybrid_not_worse"] = all(hybrid >= o for o in others)
    return out


def run(
    work: Path, corpus_index: Path | None = None, sets: Sequence[str] = ("corpus", "seeds", "sample")
) -> dict[str, Any]:
    """Evaluate each question set; the corpus-wide set needs ../shared (skipped when absent)."""
    results: dict[str, Any] = {}
    if "seeds" in sets:
        index = build_index([SEEDS], work / "index-seeds")
        results["seeds"] = {
            "label": "seeds/ (2 articles), eval/questions.jsonl",
            **evaluate(index, load_questions(SEED_QUESTIONS)),
        }
    if "sample" in sets:
        index = build_index([SAMPLE], work / "index-sample")
        results["sample"] = {
            "label": "eval/allsides_sample.jsonl (12 articles), eval/allsides_questions.jsonl",
            **evaluate(index, load_questions(SAMPLE_QUESTIONS)),
        }
    if "corpus" in sets:
        if not have_allsides():
            results["corpus"] = {"skipped": "the AllSides corpus is not here"}
        else:
            if corpus_index is None:
                from bench.common import write_corpus

                corpus_index = build_index([write_corpus(work / "base.jsonl")], work / "index-base")
            results["corpus"] = {
                "label": "AllSides (1,479 articles), bench/data/allsides_questions.jsonl",
                **evaluate(corpus_index, load_questions(BENCH_QUESTIONS)),
            }
    for name, result in results.items():
        if "modes" in result:
            result["target_recall"] = TARGET_RECALL if name == "corpus" else None
            hybrid = result["modes"]["hybrid"]["recall_at_5"]
            result["pass"] = result["hybrid_not_worse"] and (name != "corpus" or hybrid >= TARGET_RECALL)
    return results


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qa-bench-retrieval-") as tmp:
        index = Path(sys.argv[1]) if len(sys.argv) > 1 else None
        print(json.dumps(run(Path(tmp), index), indent=2))
