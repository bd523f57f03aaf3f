"""Item 4: warm search latency at each index size, and cold `qa ask --offline` vs the floor.

Warm: one child process per index opens it, runs a warm-up pass, then times ``search()``
(hybrid, k=6 as `qa ask` uses) over every question ``rounds`` times; it also times each
component alone (BM25 in SQLite FTS5, query embedding, Chroma's HNSW query, fetching the
committed chunks). Cold: `qa ask QUESTION --offline --json` as a user runs it, and `qa search QUESTION --json`
(retrieval without the reader), alternating with the floor process (import chromadb and load
the embedder, nothing else); medians of ``rounds``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import child, floor_command, interleaved, median, qa_command

TARGET_P95_MS = 100.0
TARGET_COLD_RATIO = 1.3


def warm(index: Path, questions: Sequence[str], rounds: int) -> dict[str, Any]:
    """In-process latency of search() on a warm index (child process)."""
    return child("search", index=str(index), questions=list(questions), rounds=rounds)


def cold(index: Path, question: str, rounds: int, work: Path) -> dict[str, Any]:
    """Wall time of cold `qa ask --offline` and `qa search` against the floor process, interleaved."""
    runs = interleaved(
        {
            "ask": [*qa_command(), "ask", question, "--offline", "--json", "--index", str(index)],
            "search": [*qa_command(), "search", question, "--json", "--index", str(index)],
            "floor": floor_command(),
        },
        rounds,
        cwd=work,
    )
    answer = json.loads(runs["ask"][0].stdout)
    ask_s, search_s, floor_s = (median(r.wall_s for r in runs[name]) for name in ("ask", "search", "floor"))
    return {
        "rounds": rounds,
        "ask_s": round(ask_s, 3),
        "search_s": round(search_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(ask_s / floor_s, 3),
        "search_ratio": round(search_s / floor_s, 3),
        # CPU seconds are less at the mercy of a busy neighbour than wall time.
        "cpu_ratio": round(median(r.cpu_s for r in runs["ask"]) / median(r.cpu_s for r in runs["floor"]), 3),
        "ask_peak_rss_mb": round(max(r.peak_rss_mb for r in runs["ask"]), 1),
        "status": answer.get("status"),
        "pass": ask_s / floor_s <= TARGET_COLD_RATIO,
    }


def run(
    indexes: dict[str, Path], questions: Sequence[str], work: Path, warm_rounds: int = 2, cold_rounds: int = 5
) -> dict[str, Any]:
    """Warm and cold figures for each labelled index (label -> index directory)."""
    rows = []
    for label, index in indexes.items():
        w = warm(index, questions, warm_rounds)
        c = cold(index, questions[0], cold_rounds, work)
        rows.append({"label": label, "warm": w, "cold": c})
    largest = max(rows, key=lambda r: r["warm"]["chunks"]) if rows else None
    return {
        "sizes": rows,
        "target_p95_ms": TARGET_P95_MS,
        "target_cold_ratio": TARGET_COLD_RATIO,
        "p95_pass": bool(largest) and largest["warm"]["p95_ms"] < TARGET_P95_MS,
        "cold_pass": all(r["cold"]["pass"] for r in rows),
    }
