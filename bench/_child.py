"""Work the benchmarks run in a fresh interpreter: `python -m bench._child TASK '{"json": "args"}'`.

Each task prints one JSON document as its last stdout line; the parent adds wall time and
peak RSS (from wait4), so every memory figure is one process's own high-water mark.

Tasks:
  embed    the bare embedder on the chunk texts of a corpus (the reference for ingest); saves
           the vectors so the synthetic sizes can reuse them
  ingest   qa.ingest.pipeline.ingest() on files, timed in-process; with ``vectors`` it swaps the model
           for a table of precomputed vectors (small random perturbations), so only the
           forward pass is skipped and everything else (load, chunk, batch, Chroma upsert,
           SQLite/FTS5 commit) is qa's own write path
  search   warm in-process search latency, total and per component
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import percentile, vm_hwm_mb
from qa.config import load_settings


def _settings(index: str | None = None) -> Any:
    return load_settings(env={}, dotenv=None, **({"index": Path(index)} if index else {}))


def _chunk_texts(corpus: Sequence[str]) -> list[str]:
    from qa.ingest.chunking import chunk_article
    from qa.ingest.loaders import iter_files, load_file

    settings = _settings()
    texts: list[str] = []
    for item in iter_files([Path(p) for p in corpus]):
        result = load_file(item, 10**10) if isinstance(item, Path) else item
        for article in result.articles:
            texts.extend(c.text for c in chunk_article(article, settings.chunk_size, settings.chunk_overlap))
    return texts


def task_embed(corpus: list[str], out_dir: str | None = None) -> dict[str, Any]:
    """Embed every chunk text of the corpus in one call, exactly as a caller of the embedder would."""
    from qa.index.embedding import load_embedder

    texts = _chunk_texts(corpus)
    embedder = load_embedder(_settings())
    embedder.embed(texts[:8])  # warm-up, as ingest's first batch pays session set-up too
    cpu0, start = time.process_time(), time.perf_counter()
    vectors = embedder.embed(texts)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu0
    if out_dir:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        np.save(out / "vectors.npy", vectors)
        (out / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    return {
        "chunks": len(texts),
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        "chunks_per_s": round(len(texts) / seconds, 2),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1) if texts else 0.0,
    }


class LookupEmbedder:
    """Stands in for the model in the synthetic sizes: known chunk text -> its real vector + noise."""

    def __init__(self, name: str, vectors: np.ndarray, texts: list[str], sigma: float, seed: int) -> None:
        self.name = name
        self.dim = int(vectors.shape[1])
        self._vectors = vectors
        self._row = {text: i for i, text in enumerate(texts)}
        self._sigma = sigma
        self._rng = np.random.default_rng(seed)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The stored vectors of these texts, each nudged by N(0, sigma) per dimension, re-normalised."""
        rows = self._vectors[[self._row[t] for t in texts]]
        rows = rows + self._rng.normal(0.0, self._sigma, rows.shape).astype(np.float32)
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _timed(owner: Any, attribute: str, spent: list[float]) -> None:
    original: Callable[..., Any] = getattr(owner, attribute)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    setattr(owner, attribute, wrapper)


def task_ingest(
    paths: list[str], index: str, vectors: str | None = None, sigma: float = 0.01, seed: int = 0
) -> dict[str, Any]:
    """Time one qa.ingest.pipeline.ingest() call.

    The imports every process pays for are done before the clock starts.
    """
    import chromadb  # noqa: F401  (process-start costs, measured by the cold-start items instead)
    import langchain_text_splitters  # noqa: F401
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401

    import qa.index.embedding
    from qa.index.manifest import Store
    from qa.ingest.pipeline import ingest

    embed_s: list[float] = []
    upsert_s: list[float] = []
    commit_s: list[float] = []
    if vectors:
        table = np.load(Path(vectors) / "vectors.npy")
        texts = json.loads((Path(vectors) / "texts.json").read_text(encoding="utf-8"))
        fake = LookupEmbedder(qa.index.embedding.DEFAULT_NAME, table, texts, sigma, seed)
        qa.index.embedding.load_embedder = lambda settings: fake  # Corpus.embedder imports it at call time
        _timed(LookupEmbedder, "embed", embed_s)
    else:
        _timed(qa.index.embedding.OnnxEmbedder, "embed", embed_s)
    from qa.index.vectors import VectorIndex

    _timed(VectorIndex, "upsert", upsert_s)
    _timed(Store, "commit_articles", commit_s)

    cpu0, start = time.process_time(), time.perf_counter()
    report = ingest([Path(p) for p in paths], _settings(index))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu0
    return {
        "chunks": report.chunks,
        "articles": len(report.added) + len(report.replaced),
        "failed": report.failed[:5],
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        "chunks_per_s": round(report.chunks / seconds, 2) if seconds else 0.0,
        "embed_s": round(sum(embed_s), 3),
        "chroma_upsert_s": round(sum(upsert_s), 3),
        "sqlite_commit_s": round(sum(commit_s), 3),
        "other_s": round(seconds - sum(embed_s) - sum(upsert_s) - sum(commit_s), 3),
        "reused_vectors": bool(vectors),
    }


def _stats_ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 50) * 1000, 2),
        "p95_ms": round(percentile(values, 95) * 1000, 2),
        "mean_ms": round(float(np.mean(values)) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
    }


def task_search(
    index: str, questions: list[str], rounds: int = 2, k: int = 6, mode: str = "hybrid"
) -> dict[str, Any]:
    """Warm search latency over the questions (after a warm-up pass), plus each component alone."""
    from qa.index.corpus import Corpus
    from qa.index.search import _candidates, search

    corpus = Corpus(_settings(index))
    chunks = int(corpus.store.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
    for question in questions[: min(len(questions), 10)]:
        search(corpus, question, k, mode)  # warm-up: model session, Chroma segment load, SQLite pages
    total: list[float] = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            search(corpus, question, k, mode)  # type: ignore[arg-type]
            total.append(time.perf_counter() - start)
    parts: dict[str, list[float]] = {"bm25": [], "embed_query": [], "chroma_query": [], "fetch_chunks": []}
    n = _candidates(k)
    for question in questions:
        t0 = time.perf_counter()
        lexical = corpus.store.bm25(question, n)
        t1 = time.perf_counter()
        vector = corpus.embedder.embed([question])[0]
        t2 = time.perf_counter()
        dense = corpus.vectors.query(vector, n)
        t3 = time.perf_counter()
        corpus.store.chunks(list(dict.fromkeys([c for c, _ in lexical] + [c for c, _ in dense])))
        t4 = time.perf_counter()
        for name, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            parts[name].append(value)
    corpus.close()
    return {
        "chunks": chunks,
        "queries": len(total),
        "k": k,
        "mode": mode,
        **_stats_ms(total),
        "components": {name: _stats_ms(values) for name, values in parts.items()},
    }


TASKS = {"embed": task_embed, "ingest": task_ingest, "search": task_search}


def main(argv: list[str]) -> int:
    task, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    result = TASKS[task](**args)
    result["vm_hwm_mb"] = vm_hwm_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
