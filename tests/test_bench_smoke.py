"""Every benchmark's run() on a tiny size, so the benches cannot rot (the real run is `python -m bench`).

Offline and self-contained: the ingest, query and retrieval benches fall back on the in-project
AllSides sample (eval/allsides_sample.jsonl); the embedder bench, which needs the full corpus in
../shared, is skipped without it; the arousal bench runs on the sample's events (and, when ../shared
is there, on one AllSides event too). The last tests pin the two search changes the benchmarks led to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import common, report
from qa.index.corpus import Corpus

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
    assert (
        real["chunks"] == 12
        and not real["failed"]
        and real["bare_chunks_per_s"] > 0
        and real["ingest_chunks_per_s"] > 0
    )
    assert grown[0]["chunks"] >= 40 and grown[0]["reused_vectors"] and grown[0]["peak_rss_mb"] > 0
    assert incremental["added"] == 1 and incremental["floor_s"] > 0


def test_query_bench(ingest_result: dict[str, Any], tmp_path: Path) -> None:
    from bench import query_speed

    questions = [q["question"] for q in common.load_questions(common.SAMPLE_QUESTIONS)][:3]
    result = query_speed.run(
        {"40": Path(ingest_result["growth"][0]["index"])}, questions, tmp_path, warm_rounds=1, cold_rounds=1
    )
    size = result["sizes"][0]
    assert size["warm"]["queries"] == 3 and size["warm"]["p95_ms"] > 0
    assert size["cold"]["status"] in ("answered", "not_found") and size["cold"]["floor_s"] > 0


def test_retrieval_bench_and_report(ingest_result: dict[str, Any], tmp_path: Path) -> None:
    from bench import retrieval

    result = retrieval.run(tmp_path, sets=("sample",))
    modes = result["sample"]["modes"]
    assert set(modes) == {"hybrid", "dense", "bm25", "hybrid-rrf"}
    assert all(0.0 <= m["recall_at_5"] <= 1.0 for m in modes.values())
    text = report.render(
        {
            "machine": common.machine(),
            "command": "pytest",
            "date": "today",
            "minutes": 0.1,
            "ingest": ingest_result,
            "retrieval": result,
            "startup": {
                "rounds": 1,
                "help_s": 0.3,
                "python_s": 0.02,
                "help_beyond_python_s": 0.28,
                "target_s": 0.5,
                "pass": True,
            },
        }
    )
    assert "## Summary" in text and "PASS" in text


def test_arousal_bench_on_the_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 7 on the in-project AllSides sample (independent of ../shared), then without VADER."""
    from bench import arousal

    result = arousal.run(n_events=1, events_path=common.SAMPLE)
    row = result["rows"][0]
    assert result["events"] == 1 and row["event"] == "5608" and len(row["outlets"]) == 3
    assert row["outlets_cited"] >= 2 and result["every_citation_verified"] and row["sentences"] >= 1
    for text in ("sources", "briefing", "briefing_all", "lead"):
        assert 0.0 <= result["means"][text]["charged_rate"] <= 1.0
    assert (
        result["paired_charged"]["lower"]
        + result["paired_charged"]["equal"]
        + result["paired_charged"]["higher"]
        == 1
    )
    if result["vader_installed"]:
        assert result["means"]["sources"]["vader_intensity"] > 0 and isinstance(
            result["briefing_calmer_vader"], bool
        )
    text = report.render(
        {"machine": common.machine(), "command": "pytest", "date": "today", "minutes": 0.1, "arousal": result}
    )
    assert "## 7. Briefing arousal" in text and "| 7 |" in text
    if result["vader_installed"]:  # VADER is in the `bench` extra, not `dev`: CI's venv may lack it
        assert "0.1060 vs 0.1094" in text

    # Without vaderSentiment the item still runs, and says "not measured" rather than failing.
    monkeypatch.setattr(arousal, "vader_lexicon", lambda: None)
    bare = arousal.run(n_events=1, events_path=common.SAMPLE)
    assert (
        not bare["vader_installed"] and bare["briefing_calmer_vader"] is None and bare["paired_vader"] is None
    )
    assert bare["means"]["briefing"]["vader_intensity"] is None and bare["every_briefing_cites_two_outlets"]
    text = report.render(
        {"machine": common.machine(), "command": "pytest", "date": "today", "minutes": 0.1, "arousal": bare}
    )
    row7 = next(line for line in text.splitlines() if line.startswith("| 7 |"))
    assert "not measured" in row7 and row7.endswith("| — |")


def test_arousal_reads_the_sample_as_the_events_it_came_from() -> None:
    from bench import allsides, arousal

    events = arousal.load_event_source(common.SAMPLE)
    assert [e["id"] for e in events] == ["5608", "5620", "6006", "6016"]
    rows = [line for line in common.SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert list(allsides.to_articles(events)) == [json.loads(line) for line in rows]


@pytest.mark.skipif(not common.have_allsides(), reason="needs ../shared/corpora/allsides/events.jsonl")
def test_arousal_bench_on_allsides() -> None:
    from bench import arousal

    result = arousal.run(n_events=1, events_path=common.EVENTS)
    assert (
        result["events"] == 1
        and result["every_briefing_cites_two_outlets"]
        and result["every_citation_verified"]
    )


def test_sentences_bench_runs_or_says_why_not() -> None:
    from bench import sentences

    result = sentences.run(quick=True)
    if "skipped" in result:  # pysbd is in the `bench` extra, not `dev`
        assert "pysbd" in result["skipped"] and report._sentences(result)
        assert report._sentences_row(result)[0] == "8"
        return
    assert result["boundaries"]["either"] > 0 and result["exactness"]["qa"]["violations"] == 0
    assert result["adjudicated"]["report"]["cases"] == 50 and result["speed"]["ratio"] > 0
    assert "pysbd" in report._sentences_row(result)[3] and len(report._sentences(result)) > 20


def test_claims_bench(seed_index_dir: Path, tmp_path: Path) -> None:
    """Item 10 on the seeds index the tests already built: one round, one cold `qa ask`, 10 answers."""
    from bench import claims

    result = claims.run(tmp_path, rounds=1, ask_rounds=1, index=seed_index_dir, limit=10)
    assert result["answers"] == 10 and result["long_answers"] == 2 and result["ask_s"] > 0
    assert result["answer_ms"] > 0 and result["briefing_ms"] > 0 and result["briefing"]["sentences"] >= 1
    assert 0 < result["answer_share"] < 1 and isinstance(result["pass"], bool)
    assert "lawmakers" in result["ask_first_line"]
    assert claims._renumber("A [1][2]. B [1, 3].", 4) == "A [5][6]. B [5, 7]."
    text = report.render(
        {"machine": common.machine(), "command": "pytest", "date": "today", "minutes": 0.1, "claims": result}
    )
    assert "## 10. Cost of the claim check" in text and "| 10 |" in text and "cold `qa ask" in text


def test_offline_reader_bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 11 with a two-setting grid and no pooled set: the choice is read from dev alone."""
    from bench import offline_reader
    from qa.answer import extractive

    in_code = (extractive.COVER_AT, (extractive.COVER_LOW, extractive.SIMILAR_AT))
    monkeypatch.setattr(offline_reader, "GRID", ((0.99, (0.99, 0.99)),))
    result = offline_reader.run(tmp_path, pooled_set=False)
    grid = result["grid"]
    # The code's own setting is always tried, and a bar nothing passes answers almost nothing.
    assert len(grid["rows"]) == 2 and grid["questions"] >= 140 and result["pooled"] is None
    assert grid["chosen"] == {"cover_at": in_code[0], "cover_low": in_code[1][0], "similar_at": in_code[1][1]}
    assert in_code == (extractive.COVER_AT, (extractive.COVER_LOW, extractive.SIMILAR_AT))  # restored
    strict = next(r for r in grid["rows"] if r["cover_at"] == 0.99)
    assert strict["all"]["not_found_recall"]["value"] >= grid["code_all"]["not_found_recall"]["value"]
    assert strict["all"]["answerable_accuracy"]["value"] < grid["code_all"]["answerable_accuracy"]["value"]
    assert result["pass"] is grid["pass"] is True
    text = report.render(
        {"machine": common.machine(), "command": "pytest", "date": "today", "minutes": 0.1, "offline": result}
    )
    assert "## 11. When the offline reader answers" in text and "| 11 |" in text and "(chosen)" in text


def test_fetch_bench_and_report() -> None:
    from bench import fetch_speed

    result = fetch_speed.run(pages=8, rounds=1, latency=0.02)
    assert set(result["pages_per_s"]) == {"one_at_a_time", "parallel_4_hosts", "parallel_1_host"}
    assert result["connections"]["parallel_1_host"] <= 2 and result["ratio_4_hosts"] > 1
    text = report.render(
        {"machine": common.machine(), "command": "pytest", "date": "today", "minutes": 0.1, "fetch": result}
    )
    assert "## 14. Fetching articles from the web" in text and "| 14 |" in text


def test_page_bench_and_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 16 on the in-project sample, 2 rounds; the browser part only where Chromium is."""
    from bench import page

    result = page.run(tmp_path, quick=True)
    size, render, browser = result["size"], result["render"], result["browser"]
    assert result["rounds"] == 2 and len(render["html_rounds_ms"]) == 2
    assert size["articles"] == 12 and size["bytes"] > size["gzip_bytes"] > 0 and size["article_chars"] > 0
    assert size["marks"] >= size["spans"] > 0 and result["briefing"]["sentences"] >= 1
    assert render["html_ms"] > 0 and render["md_ms"] > 0 and render["html_first_ms"] > 0
    assert result["pass"] is None  # the target is judged on the corpus's 30-article page only
    if "skipped" in browser:
        assert result["open_ok"] is None and browser["skipped"] == page.browser_missing()
    else:
        assert browser["page"]["load_ms"] > 0 and browser["reference"]["load_ms"] > 0
        assert browser["dom"] == [size["articles"], size["marks"]]
        assert browser["other_requests"] == [] and browser["console_errors"] == []
        assert isinstance(result["open_ok"], bool)
    text = report.render(
        {"machine": common.machine(), "command": "pytest", "date": "today", "minutes": 0.1, "page": result}
    )
    assert "## 16. The HTML page of a briefing" in text and "| 16 |" in text and "12 `<article>`" in text
    monkeypatch.setattr(page, "CHROMIUM", tmp_path / "no-chromium")
    assert page.browser_missing() == f"no Chromium at {tmp_path / 'no-chromium'}"
    skipped = report.render(
        {
            "machine": common.machine(),
            "command": "pytest",
            "date": "today",
            "minutes": 0.1,
            "page": {**result, "browser": {"skipped": page.browser_missing()}, "open_ok": None},
        }
    )
    assert "**Open in headless Chromium**: skipped, no Chromium at" in skipped


# -- the search changes made for the benchmarks ----------------------------------------------------


def test_bm25_leaves_out_terms_most_chunks_contain(
    seed_corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.index.manifest

    store = seed_corpus.store
    rare_only = store.bm25("Nujaba", 10)
    assert rare_only, "the seeds name Nujaba"
    # Pretend the seed index is large: every term in more than 2 chunks now counts as common.
    monkeypatch.setattr(qa.index.manifest, "COMMON_MIN_CHUNKS", 2)
    monkeypatch.setattr(qa.index.manifest, "COMMON_SHARE", 0.0)
    assert store.bm25("Nujaba lawmakers Iraq", 10) == rare_only  # the common words are dropped
    assert store.bm25("lawmakers Iraq", 10)  # all common: kept rather than an empty query


def test_convex_fusion_keeps_a_clear_lead_from_one_retriever() -> None:
    from qa.index.search import convex, rrf

    # "gold" leads the lexical ranking by a wide margin and is missing from the dense one; "m" is
    # middling in both (bench-14 of bench/data/allsides_questions.jsonl had this shape).
    lexical = [("gold", 30.0), ("x", 25.0), ("m", 12.0), ("low1", 10.0)]
    dense = [("y", 0.60), ("z", 0.59), ("m", 0.45), ("low2", 0.40)]
    by_rank = rrf([[i for i, _ in lexical], [i for i, _ in dense]])
    by_score = convex([lexical, dense])
    assert by_rank["m"] > by_rank["gold"]  # RRF: two middling ranks beat one clear first place
    assert by_score["gold"] > by_score["m"]  # score fusion keeps the margin
    assert max(by_score.values()) <= 1.0 and min(by_score.values()) >= 0.0 and convex([]) == {}


# -- item 12: briefings against the editors' roundups -------------------------------------------------


def test_briefings_bench_on_the_in_project_roundups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 12 on the sample's four events and bench/data's roundups (independent of ../shared)."""
    from bench import briefings

    events = briefings.in_project_events()
    assert [e["id"] for e in events] == ["5608", "5620", "6006", "6016"]
    result = briefings.run(events, briefings.IN_PROJECT)
    rows, agg = result["rows"], result["aggregate"]
    assert [r["split"] for r in rows] == ["tune", "held", "tune", "held"]
    assert agg["tune"]["events"] == agg["held"]["events"] == 2 and agg["all"]["events"] == 4
    powell = rows[0]
    assert powell["words"] == 142 and len(powell["outlets"]) == 3 and 0 < powell["body_ratio"] < 2
    assert set(powell["cited_in_body"]) <= set(powell["cited_anywhere"]) <= set(powell["outlets"])
    assert all(0 < r["lead_words"] <= r["words"] and r["seconds"] > 0 for r in rows)
    # Every checked difference parsed: the bench reads the wording of qa/briefing/differences.py.
    assert not any(r["unparsed_items"] for r in rows)
    assert agg["all"]["only_items"] >= 1, "no only-X figure item to check in the sample's briefings"
    assert (
        set(result["targets"]["held"])
        == set(result["targets"]["all"])
        == {
            "body_ratio",
            "all_outlets_in_body",
            "rouge1_vs_lead",
            "false_only",
            "charge_vs_lead",
        }
    )
    if result["rouge_installed"]:  # rouge-score and VADER are in the `bench` extra, not `dev`
        assert all(0 < r["rouge1"] <= 1 and 0 < r["lead_rouge1"] <= 1 for r in rows)
    if result["vader_installed"]:
        assert all(r["charge"] >= 0 and r["lead_charge"] >= 0 for r in rows) and agg["all"]["lead_charge"] > 0
    text = report.render(
        {
            "machine": common.machine(),
            "command": "pytest",
            "date": "today",
            "minutes": 0.1,
            "briefings": result,
        }
    )
    assert "## 12. Briefings against the editors' roundups" in text and "| 12 |" in text
    assert "Worst 10 events by body / W" in text and "| held |" in text

    # Without rouge-score and VADER the item still runs, and says "not measured" rather than failing.
    monkeypatch.setattr(briefings, "rouge_scorer", lambda: None)
    monkeypatch.setattr("bench.arousal.vader_lexicon", lambda: None)
    bare = briefings.run(events[:2], briefings.IN_PROJECT)
    assert bare["rows"][0]["rouge1"] is None and bare["aggregate"]["all"]["charge"] is None
    assert bare["targets"]["all"]["rouge1_vs_lead"] is None and bare["pass"] in (None, False)
    assert "Not measured, not installed: rouge-score, vaderSentiment" in "\n".join(briefings.section(bare))


def test_briefings_bench_picks_events_across_the_file() -> None:
    from bench import briefings

    events = [{"id": i} for i in range(100)]
    assert [e["id"] for e in briefings.spread(events, 4)] == [0, 25, 50, 75]
    assert briefings.spread(events[:3], 4) == events[:3]
    assert [briefings.split_of(i) for i in range(4)] == ["tune", "held", "tune", "held"]


def test_briefings_bench_removes_the_editors_notes_from_a_roundup() -> None:
    from bench.briefings import clean_roundup

    # Event 5615's last paragraph, 5765's first, and a blank paragraph (as stored, with \xa0).
    assert clean_roundup(
        [
            "Coverage focused on justices' rulings that left the law in place. Updated 10/15/21 at 1:48 "
            "p.m. ET with news of the White House's call on the Supreme Court.",
            "\t\xa0",
            "Editor's Note, 8/22/21 at 12:30 p.m. ET:\xa0Hurricane Henri was downgraded to a tropical storm. "
            "The following summary was written and published prior to those events.\xa0Ahead of the "
            "arrival of Hurricane Henri, Cuomo declared a state of emergency.",
        ]
    ) == (
        "Coverage focused on justices' rulings that left the law in place. Ahead of the arrival of "
        "Hurricane Henri, Cuomo declared a state of emergency."
    )
    assert clean_roundup(["It passed. Update 5/5/21 at 10:01 am: This roundup originally included …"]) == (
        "It passed."
    )


def test_false_only_x_check_on_real_sentences() -> None:
    """Sentences of AllSides events 5616 (the FDA panel's Moderna vote), 5678, 5972 and 5654."""
    from bench.briefings import check_difference, check_only_figure, same_value

    stat = (
        "A Food and Drug Administration advisory panel voted unanimously Thursday in favor of authorizing "
        "booster shots of the Moderna Covid-19 vaccine to people 65 and older, those 18 to 64 with risk "
        "factors for severe Covid-19. After hours of deliberation, the Vaccines and Related Biological "
        "Products Advisory Committee voted 19-to-0 that the Moderna booster should be authorized."
    )
    epoch = "The 19–0 vote came after hours of discussions and presentations in an all-virtual meeting."
    only_zero = "Only A gives the figure 0: “The committee voted 19-0”; no other outlet does."
    verdict = check_only_figure(only_zero, {"A": "The committee voted 19-0.", "STAT": stat})
    assert verdict is not None and verdict["false"] and verdict["found"][0]["outlet"] == "STAT"
    assert verdict["found"][0]["as"] == "0" and "19-to-0" in verdict["found"][0]["context"]
    # The Epoch Times' en dash is a range too; its own text is never searched.
    assert (
        check_only_figure(only_zero.replace("A gives", "The Epoch Times gives"), {"The Epoch Times": epoch})[
            "found"
        ]
        == []
    )
    assert check_only_figure(only_zero, {"A": "", "The Epoch Times": epoch})["false"]

    # Both ends of "18 to 64", each found in the other outlet's "ages 18 to 64".
    fox = (
        "These groups include individuals 65 years and older, and individuals ages 18 to 64 who are "
        "either at high risk of severe COVID-19 or who work in settings with a high exposure risk."
    )
    ages = (
        "Only STAT gives the figure 18, 64: “those 18 to 64 with risk factors for severe Covid-19”; "
        "no other outlet does."
    )
    verdict = check_difference("only_one_figure", ages, {"STAT": stat, "Fox Business": fox})
    assert verdict is not None and verdict["false"]
    assert [(f["figure"], f["outlet"]) for f in verdict["found"]] == [
        ("18", "Fox Business"),
        ("64", "Fox Business"),
    ]

    # "nearly a million" is 1 million; $1 trillion is not $1.2 trillion.
    openings = "Job openings in the United States soared by nearly a million in April, setting a record."
    million = (
        "Only Washington Examiner gives the figure 1 million: “The number of available jobs rose by about "
        "1 million to 9.3 million”; no other outlet does."
    )
    assert (
        check_only_figure(million, {"Washington Examiner": "", "CNN Business": openings})["found"][0]["as"]
        == "a million"
    )
    delayed = (
        "The House delayed a vote on the $1 trillion bipartisan infrastructure bill on Thursday, as "
        "progressive Democrats refused to support the bill until Congress acts on a reconciliation package "
        "projected to cost $3.5 trillion."
    )
    trillion = (
        "Only Axios gives the figure $1.2 trillion: “A vote on the $1.2 trillion bipartisan "
        "infrastructure bill was delayed late Thursday night”; no other outlet does."
    )
    assert check_only_figure(trillion, {"Axios": "", "National Review": delayed}) == {
        "outlet": "Axios",
        "figures": ["$1.2 trillion"],
        "found": [],
        "false": False,
    }

    # The tolerance: within rounding at the coarser figure's precision, never coarser than 2 digits.
    assert same_value(1.2, 1.25) and same_value(45_000, 45_469) and same_value(900_000, 904_000)
    assert not same_value(45_109, 45_469) and not same_value(1e12, 1.2e12) and not same_value(5, 7)
    assert same_value(0, 0) and not same_value(0, 0.5)

    # Two outlets "give different figures" that are the same value within rounding: false.
    pair = (
        "A and B give different figures: A reports “1.2 million people were vaccinated”, "
        "B “1.25 million people were vaccinated”."
    )
    assert check_difference("figures", pair, {})["false"]
    killed = "A and B give different figures: A reports “5 people were killed”, B “7 people were killed”."
    assert check_difference("figures", killed, {}) == {
        "outlets": ["A", "B"],
        "figures": ["5", "7"],
        "found": [],
        "false": False,
    }
    assert check_difference("wording", "A uses the word “x”", {}) is None
