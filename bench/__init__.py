"""qa's benchmarks: `python -m bench` (or `make bench`) runs them all and rewrites bench/RESULTS.md.

Modules, each with a ``run(...) -> dict`` that tests/test_bench_smoke.py calls on a tiny size:
startup (``qa --help``), embed_speed (embedder vs Chroma's), ingest_speed (AllSides ingest vs the
bare embedder, synthetic growth to 100k chunks, one-article incremental ingest), query_speed
(warm search latency, cold ``qa ask --offline`` vs the floor) and retrieval (recall@5 / MRR of
hybrid vs dense vs BM25) and arousal (offline briefings' emotional arousal vs their source articles,
and outlets cited, on AllSides events). Child processes run through ``bench/_child.py``.
"""
