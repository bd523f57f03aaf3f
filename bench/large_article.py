"""Item 8: one multi-MB article through qa's ingest vs the bare embedder on its chunks.

A 4 MB article makes ~6,600 chunks: more than Chroma accepts in one upsert (its max batch
size), and enough that any quadratic step in chunk location, furniture detection or
batching would show. Ingest (a child running qa.ingest.pipeline.ingest()) and the bare
embedder on the very same chunk texts (a child) alternate ``rounds`` times; best of rounds.
Chunking alone is also timed at 1, 2 and 4 MB: linear work keeps seconds per MB flat.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import SAMPLE, child
from qa.jsonl import read_objects

TARGET_RATIO = 0.8  # the usual ingest ratio's target (bench/ingest_speed.py)
TARGET_CHUNKING_GROWTH = 1.5  # seconds per MB at the largest size / at the smallest: linear is ~1


def write_article(path: Path, megabytes: float) -> Path:
    """A generated article: the in-project sample's paragraphs, numbered, until it is ``megabytes`` MB."""
    rows = read_objects(SAMPLE)
    paragraphs = [p.strip() for row in rows for p in row["text"].split("\n") if len(p.strip()) > 40]
    out, size, i = [], 0, 0
    while size < megabytes * 1e6:
        p = f"{paragraphs[i % len(paragraphs)]} (Part {i})"
        out.append(p)
        size += len(p.encode("utf-8")) + 2
        i += 1
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return path


def chunking_scale(work: Path, sizes_mb: list[float]) -> list[dict[str, Any]]:
    """Seconds to load and chunk an article of each size, in this process (no model involved)."""
    from qa.ingest.chunking import chunk_article
    from qa.ingest.loaders import load_file

    warm = write_article(work / "chunking-warm-up.txt", 0.01)
    chunk_article(load_file(warm, 10**10).articles[0])  # imports langchain and its splitter once, untimed
    rows = []
    for mb in sizes_mb:
        path = write_article(work / f"chunking-{mb:g}mb.txt", mb)
        [article] = load_file(path, 10**10).articles
        start = time.perf_counter()
        chunks = chunk_article(article)
        seconds = time.perf_counter() - start
        rows.append(
            {
                "mb": mb,
                "chunks": len(chunks),
                "seconds": round(seconds, 3),
                "s_per_mb": round(seconds / mb, 3),
            }
        )
    return rows


def run(work: Path, megabytes: float = 4.0, rounds: int = 2) -> dict[str, Any]:
    """Ingest of one ``megabytes`` MB article vs the bare embedder on its chunks, plus chunking's scaling."""
    work.mkdir(parents=True, exist_ok=True)
    article = write_article(work / "large.txt", megabytes)
    bare, runs = [], []
    for r in range(rounds):
        bare.append(child("embed", corpus=[str(article)]))
        runs.append(child("ingest", paths=[str(article)], index=str(work / f"index-large-{r}")))
    best_bare = max(b["chunks_per_s"] for b in bare)
    best = max(runs, key=lambda x: x["chunks_per_s"])
    scale = chunking_scale(work, [megabytes / 4, megabytes / 2, megabytes])
    growth = scale[-1]["s_per_mb"] / scale[0]["s_per_mb"] if scale[0]["s_per_mb"] else 0.0
    ratio = best["chunks_per_s"] / best_bare
    return {
        "megabytes": megabytes,
        "chunks": best["chunks"],
        "failed": best["failed"],
        "rounds": rounds,
        "ingest_s": best["seconds"],
        "bare_s": round(best["chunks"] / best_bare, 3) if best_bare else 0.0,
        "ingest_chunks_per_s": best["chunks_per_s"],
        "bare_chunks_per_s": best_bare,
        "ratio": round(ratio, 3),
        "breakdown_s": {
            k: best[k] for k in ("seconds", "embed_s", "chroma_upsert_s", "sqlite_commit_s", "other_s")
        },
        "peak_rss_mb": best["peak_rss_mb"],
        "chunking": scale,
        "chunking_growth": round(growth, 2),
        "target_ratio": TARGET_RATIO,
        "target_chunking_growth": TARGET_CHUNKING_GROWTH,
        "pass": ratio >= TARGET_RATIO and growth <= TARGET_CHUNKING_GROWTH and not best["failed"],
    }
