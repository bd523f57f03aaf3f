"""Item 1: qa's embedder vs Chroma's own ONNXMiniLM_L6_V2 on the same weights (bench/embedder.py)."""

from __future__ import annotations

import json
from typing import Any

from bench.common import have_allsides

TARGET_SPEEDUP = 4.0


def run(n_sentences: int = 400) -> dict[str, Any]:
    """Sentences/s of both, with agreement; needs the AllSides corpus for its sentences."""
    if not have_allsides():
        return {"skipped": "the AllSides corpus (../shared/corpora/allsides/events.jsonl) is not here"}
    from bench import embedder

    result = embedder.run(n_sentences)
    result["target_speedup"] = TARGET_SPEEDUP
    result["pass"] = result["speedup"] >= TARGET_SPEEDUP and result["cosine_min"] >= 0.999
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
