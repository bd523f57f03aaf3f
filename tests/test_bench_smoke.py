"""Every benchmark's run() on a tiny size, so the benches cannot rot (the real run is `python -m bench`).

Offline and self-contained: the ingest, query and retrieval benches fall back on the in-project
AllSides sample (eval/allsides_sample.jsonl); the embedder bench, which needs the full corpus in
../shared, is skipped without it. The last tests pin the two search changes the benchmarks led to.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import common, report  # noqa: E402
from qa.corpus import Corpus  # noqa: E402

pytestmark = pytest.mark.slow  # real child processes; still run by .ci/run


def test_startup_bench() -> None:
    from bench import startup

    result = startup.run(rounds=1)
    assert result["help_s"] > 0 and result["python_s"] > 0 and isinstance(result["pass"], bool)


@pytest.mark.skipif(not common.have_allsides(), reason="needs ../shared/corpora/allsides/events.jsonl")
def test_embedder_bench() -> None:
    from bench import embed_speed

    result = embed_speed.run(n_sentences=8)
    assert result["sentences"] == 8 and result["cosine_min"] > 0.999


@pytest.fixture(scope="module")
def ingest_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from bench import ingest_speed

    work = tmp_path_factory.mktemp("bench-ingest")
    return ingest_speed.run(work, sizes=[40], rounds=1, incremental_rounds=1, quick=True)


def test_ingest_bench(ingest_result: dict[str, Any]) -> None:
    real, grown, incremental = ingest_result["real"], ingest_result["growth"], ingest_result["incremental"]
    assert real["chunks"] == 12 and not real["failed"] and real["bare_chunks_per_s"] > 0 and real["ingest_chunks_per_s"] > 0
    assert grown[0]["chunks"] >= 40 and grown[0]["reused_vectors"] and grown[0]["peak_rss_mb"] > 0
    assert incremental["added"] == 1 and incremental["floor_s"] > 0


def test_query_bench(ingest_result: dict[str, Any], tmp_path: Path) -> None:
    from bench import query_speed

    questions = [q["question"] for q in common.load_questions(common.SAMPLE_QUESTIONS)][:3]
    result = query_speed.run({"40": Path(ingest_result["growth"][0]["index"])}, questions, tmp_path, warm_rounds=1, cold_rounds=1)
    size = result["sizes"][0]
    assert size["warm"]["queries"] == 3 and size["warm"]["p95_ms"] > 0
    assert size["cold"]["status"] in ("answered", "not_found") and size["cold"]["floor_s"] > 0


def test_retrieval_bench_and_report(ingest_result: dict[str, Any], tmp_path: Path) -> None:
    from bench import retrieval

    result = retrieval.run(tmp_path, sets=("sample",))
    modes = result["sample"]["modes"]
    assert set(modes) == {"hybrid", "dense", "bm25", "hybrid-rrf"}
    assert all(0.0 <= m["recall_at_5"] <= 1.0 for m in modes.values())
    text = report.render({
        "machine": common.machine(), "command": "pytest", "date": "today", "minutes": 0.1,
        "ingest": ingest_result, "retrieval": result,
        "startup": {"rounds": 1, "help_s": 0.3, "python_s": 0.02, "help_beyond_python_s": 0.28, "target_s": 0.5, "pass": True},
    })
    assert "## Summary" in text and "PASS" in text


# -- the search changes made for the benchmarks ----------------------------------------------------


def test_bm25_leaves_out_terms_most_chunks_contain(seed_corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.store

    store = seed_corpus.store
    rare_only = store.bm25("Nujaba", 10)
    assert rare_only, "the seeds name Nujaba"
    # Pretend the seed index is large: every term in more than 2 chunks now counts as common.
    monkeypatch.setattr(qa.store, "COMMON_MIN_CHUNKS", 2)
    monkeypatch.setattr(qa.store, "COMMON_SHARE", 0.0)
    assert store.bm25("Nujaba lawmakers Iraq", 10) == rare_only  # the common words are dropped
    assert store.bm25("lawmakers Iraq", 10)  # all common: kept rather than an empty query


def test_convex_fusion_keeps_a_clear_lead_from_one_retriever() -> None:
    from qa.search import convex, rrf

    # "gold" leads the lexical ranking by a wide margin and is missing from the dense one; "m" is
    # middling in both (bench-14 of bench/data/allsides_questions.jsonl had this shape).
    lexical = [("gold", 30.0), ("x", 25.0), ("m", 12.0), ("low1", 10.0)]
    dense = [("y", 0.60), ("z", 0.59), ("m", 0.45), ("low2", 0.40)]
    by_rank = rrf([[i for i, _ in lexical], [i for i, _ in dense]])
    by_score = convex([lexical, dense])
    assert by_rank["m"] > by_rank["gold"]  # RRF: two middling ranks beat one clear first place
    assert by_score["gold"] > by_score["m"]  # score fusion keeps the margin
    assert max(by_score.values()) <= 1.0 and min(by_score.values()) >= 0.0 and convex([]) == {}
