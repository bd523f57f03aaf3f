"""Items 2 and 3: ingest throughput and memory, synthetic growth to 100k chunks, one-article updates.

* Real ingest: the base corpus (all 1,479 AllSides articles) ingested by qa.ingest.pipeline.ingest() in a
  child process, alternating with the bare embedder on the very same chunk texts (also a child),
  ``rounds`` times each; best-of-rounds for both, so a noisy neighbour cannot pick the winner.
* Growth: copies of the base corpus with new ids (one JSONL file per copy) up to each size, each
  ingested from scratch in its own child by qa's own ingest path with the model swapped for the
  base corpus's real vectors plus N(0, 0.01) noise per dimension (bench/_child.py LookupEmbedder).
  Embedding 100k chunks on two cores would take most of an hour and measures nothing new, so
  these sizes report the write path's chunks/s, and the ingest rate it implies together with
  the embedder rate measured above.
* Incremental: `qa ingest` of one new article into the largest index, vs the floor process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import child, floor_command, have_allsides, interleaved, median, qa_command, write_corpus
from qa.jsonl import read_objects

TARGET_RATIO = 0.8
TARGET_PEAK_MB = 1500
TARGET_INCREMENTAL_S = 3.0
SIGMA = 0.01


def _base_articles(corpus: Path) -> list[dict[str, Any]]:
    return read_objects(corpus)


def _chunk_counts(corpus: Path) -> list[int]:
    """Chunks qa makes of each base article, in file order (chunking is deterministic, so copies match)."""
    from qa.config import load_settings
    from qa.ingest.chunking import chunk_article
    from qa.ingest.loaders import load_file

    s = load_settings(env={}, dotenv=None)
    loaded = load_file(corpus, 10**10)
    assert not loaded.errors, loaded.errors[:3]
    return [len(chunk_article(a, s.chunk_size, s.chunk_overlap)) for a in loaded.articles]


def synthetic_corpus(
    articles: list[dict[str, Any]], counts: list[int], target: int, out: Path
) -> dict[str, Any]:
    """Copies of the base articles, one JSONL per copy, until ``target`` chunks.

    Ids are suffixed -xNNN; the text is unchanged.
    """
    out.mkdir(parents=True, exist_ok=True)
    total = n_articles = copy = 0
    files: list[str] = []
    while total < target:
        path = out / f"copy-{copy:03d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for article, n in zip(articles, counts, strict=True):
                if total >= target:
                    break
                handle.write(
                    json.dumps({**article, "id": f"{article['id']}-x{copy:03d}"}, ensure_ascii=False) + "\n"
                )
                total += n
                n_articles += 1
        files.append(str(path))
        copy += 1
    return {"files": files, "chunks": total, "articles": n_articles, "copies": copy}


def real_ingest(work: Path, corpus: Path, rounds: int) -> dict[str, Any]:
    """The base corpus through qa's ingest vs the bare embedder on the same chunk texts, alternating."""
    bare: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    index = work / "index-base"
    for r in range(rounds):
        bare.append(child("embed", corpus=[str(corpus)], out_dir=str(work / "vectors") if r == 0 else None))
        target = index if r == rounds - 1 else work / f"index-base-{r}"
        runs.append(child("ingest", paths=[str(corpus)], index=str(target)))
    best_bare = max(b["chunks_per_s"] for b in bare)
    best = max(runs, key=lambda x: x["chunks_per_s"])
    return {
        "chunks": best["chunks"],
        "articles": best["articles"],
        "failed": best["failed"],
        "rounds": rounds,
        "bare_chunks_per_s": best_bare,
        "bare_rounds": [b["chunks_per_s"] for b in bare],
        "ingest_chunks_per_s": best["chunks_per_s"],
        "ingest_rounds": [x["chunks_per_s"] for x in runs],
        "ratio": round(best["chunks_per_s"] / best_bare, 3),
        # Noise-free cross-checks: CPU seconds per chunk, and the embedder's share of ingest's own time.
        "cpu_ratio": round(median(b["cpu_s"] for b in bare) / median(x["cpu_s"] for x in runs), 3),
        "embed_share": round(best["embed_s"] / best["seconds"], 3),
        "breakdown_s": {
            k: best[k] for k in ("seconds", "embed_s", "chroma_upsert_s", "sqlite_commit_s", "other_s")
        },
        "peak_rss_mb": max(x["peak_rss_mb"] for x in runs),
        "bare_peak_rss_mb": max(b["peak_rss_mb"] for b in bare),
        "target_ratio": TARGET_RATIO,
        "pass": best["chunks_per_s"] / best_bare >= TARGET_RATIO and not best["failed"],
        "index": str(index),
        "vectors": str(work / "vectors"),
    }


def growth(
    work: Path, corpus: Path, vectors: Path, sizes: list[int], embed_rate: float
) -> list[dict[str, Any]]:
    """Build an index of each size from scratch through qa's ingest path with reused vectors."""
    articles = _base_articles(corpus)
    counts = _chunk_counts(corpus)
    assert len(counts) == len(articles)
    rows = []
    for size in sizes:
        made = synthetic_corpus(articles, counts, size, work / f"synthetic-{size}")
        index = work / f"index-{size}"
        result = child(
            "ingest", paths=made["files"], index=str(index), vectors=str(vectors), sigma=SIGMA, seed=size
        )
        write_rate = result["chunks_per_s"]
        # Ingest time per chunk = embedding time per chunk + everything else; the write path here
        # includes the (cheap) lookup, so this slightly understates the implied rate.
        implied = 1.0 / (1.0 / embed_rate + 1.0 / write_rate) if embed_rate and write_rate else 0.0
        rows.append(
            {
                "size": size,
                "chunks": result["chunks"],
                "articles": result["articles"],
                "files": made["copies"],
                "seconds": result["seconds"],
                "write_chunks_per_s": write_rate,
                "breakdown_s": {
                    k: result[k] for k in ("embed_s", "chroma_upsert_s", "sqlite_commit_s", "other_s")
                },
                "implied_ingest_chunks_per_s": round(implied, 2),
                "implied_ratio": round(implied / embed_rate, 3) if embed_rate else 0.0,
                "peak_rss_mb": result["peak_rss_mb"],
                "failed": result["failed"],
                "index": str(index),
                "reused_vectors": True,
            }
        )
    return rows


def incremental(work: Path, corpus: Path, index: Path, rounds: int) -> dict[str, Any]:
    """`qa ingest` of one new article into ``index`` (CLI, cold) vs the floor process, interleaved."""
    base = _base_articles(corpus)[0]
    walls: list[float] = []
    floors: list[float] = []
    added = 0
    for r in range(rounds):
        path = work / f"incremental-{r}.jsonl"
        article = {
            **base,
            "id": f"incremental-{r}",
            "text": base["text"] + f"\n\nUpdate {r}: the story continues.",
        }
        path.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
        runs = interleaved(
            {
                "ingest": [*qa_command(), "ingest", str(path), "--index", str(index), "--json"],
                "floor": floor_command(),
            },
            1,
            cwd=work,
        )
        added += len(json.loads(runs["ingest"][0].stdout)["added"])
        walls.append(runs["ingest"][0].wall_s)
        floors.append(runs["floor"][0].wall_s)
    # In-process, the same kind of update: where the time goes once imports are done.
    path = work / "incremental-inproc.jsonl"
    path.write_text(
        json.dumps({**base, "id": "incremental-inproc", "text": base["text"] + "\n\nIn-process update."})
        + "\n"
    )
    inproc = child("ingest", paths=[str(path)], index=str(index))
    wall, floor = median(walls), median(floors)
    return {
        "rounds": rounds,
        "added": added,
        "cli_wall_s": round(wall, 3),
        "floor_s": round(floor, 3),
        "beyond_floor_s": round(wall - floor, 3),
        "in_process_s": inproc["seconds"],
        "in_process_breakdown_s": {
            k: inproc[k] for k in ("embed_s", "chroma_upsert_s", "sqlite_commit_s", "other_s")
        },
        "target_s": TARGET_INCREMENTAL_S,
        "pass": wall - floor < TARGET_INCREMENTAL_S and added == rounds,
    }


def run(
    work: Path,
    sizes: list[int] | None = None,
    rounds: int = 2,
    incremental_rounds: int = 3,
    quick: bool = False,
) -> dict[str, Any]:
    """All ingest figures; returns the index paths too so the query and retrieval benches reuse them."""
    sizes = sizes if sizes is not None else [1_000, 10_000, 100_000]
    work.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(work / "base.jsonl", quick=quick)
    real = real_ingest(work, corpus, rounds)
    real["corpus"] = (
        "AllSides (all articles)"
        if have_allsides() and not quick
        else "eval/allsides_sample.jsonl (12 articles)"
    )
    grown = growth(work, corpus, Path(real["vectors"]), sizes, real["bare_chunks_per_s"]) if sizes else []
    largest = max(grown, key=lambda g: g["chunks"]) if grown else None
    if largest:
        largest["pass"] = largest["peak_rss_mb"] < TARGET_PEAK_MB and not largest["failed"]
        largest["target_peak_mb"] = TARGET_PEAK_MB
    incr = incremental(work, corpus, Path(largest["index"] if largest else real["index"]), incremental_rounds)
    incr["index_chunks"] = largest["chunks"] if largest else real["chunks"]
    return {"real": real, "growth": grown, "incremental": incr, "base_corpus": str(corpus)}


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qa-bench-ingest-") as tmp:
        print(json.dumps(run(Path(tmp), sizes=[int(s) for s in sys.argv[1:]] or None), indent=2))
