"""Throughput of qa's embedder vs Chroma's own ONNXMiniLM_L6_V2, on the same weights and sentences.

Chroma's function would download its model; instead we point it at a temporary directory
holding the graph qa built (same inputs and first output as the exported BERT graph it
expects) plus the tokenizer files from the bundled model. So the only differences left are
Chroma's fixed 256-token padding and numpy pooling vs qa's dynamic padding.

    python -m bench.embedder        # prints a JSON dict
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import ROOT
from qa.index.embedding import DEFAULT_NAME, OnnxEmbedder, default_model_dir

CORPUS = Path(
    os.environ.get("QA_BENCH_CORPUS", ROOT.parent / "shared" / "corpora" / "allsides" / "events.jsonl")
)
CHROMA_FILES = (
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.txt",
)


def load_sentences(n: int, low: int = 30, high: int = 50) -> list[str]:
    """Return the first n distinct news paragraphs of low..high words (about 40) from the corpus."""
    seen: dict[str, None] = {}
    with CORPUS.open(encoding="utf-8") as f:
        for line in f:
            news = json.loads(line).get("news") or {}
            for side in ("left", "center", "right"):
                for paragraph in (news.get(side) or {}).get("newBody") or []:
                    if low <= len(paragraph.split()) <= high:
                        seen.setdefault(paragraph.strip(), None)
                        if len(seen) == n:
                            return list(seen)
    return list(seen)


def _chroma_function(onnx_path: Path, model_dir: Path, root: Path):  # type: ignore[no-untyped-def]
    """Chroma's ONNXMiniLM_L6_V2 reading our graph and tokenizer from ``root`` (no download)."""
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    target = root / ONNXMiniLM_L6_V2.EXTRACTED_FOLDER_NAME
    target.mkdir(parents=True)
    shutil.copyfile(onnx_path, target / "model.onnx")
    for name in CHROMA_FILES:
        shutil.copyfile(model_dir / name, target / name)
    function = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
    function.DOWNLOAD_PATH = root  # instance attribute shadows the class's ~/.cache path
    return function


def _rate(fn, texts: list[str]) -> tuple[np.ndarray, float]:  # type: ignore[no-untyped-def]
    fn(texts[:8])  # warm-up: lazy session creation and first-run allocations
    start = time.perf_counter()
    vectors = np.asarray(fn(texts), dtype=np.float32)
    return vectors, len(texts) / (time.perf_counter() - start)


def run(n_sentences: int = 400) -> dict[str, Any]:
    """Measure sentences/s of qa's embedder and Chroma's, plus build/load costs and agreement."""
    texts = load_sentences(n_sentences)
    model_dir = default_model_dir()
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        cache = Path(tmp) / "cache"
        start = time.perf_counter()
        OnnxEmbedder(model_dir, DEFAULT_NAME, cache=cache)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        ours = OnnxEmbedder(model_dir, DEFAULT_NAME, cache=cache)
        cached_load_s = time.perf_counter() - start
        assert not ours.built

        ours_vectors, ours_rate = _rate(ours.embed, texts)
        chroma = _chroma_function(ours.onnx_path, model_dir, Path(tmp) / "chroma")
        chroma_vectors, chroma_rate = _rate(chroma, texts)

    cosine = np.sum(ours_vectors * chroma_vectors, axis=1)
    words = [len(t.split()) for t in texts]
    return {
        "sentences": len(texts),
        "mean_words": round(float(np.mean(words)), 1),
        "cpu_count": os.cpu_count(),
        "ours_sentences_per_s": round(ours_rate, 1),
        "chroma_sentences_per_s": round(chroma_rate, 1),
        "speedup": round(ours_rate / chroma_rate, 2),
        "cosine_min": float(cosine.min()),
        "cosine_mean": float(cosine.mean()),
        "first_build_s": round(build_s, 2),
        "cached_load_s": round(cached_load_s, 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
