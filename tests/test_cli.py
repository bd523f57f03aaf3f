"""The command line: JSON contracts, clean stdout, one-line errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from qa.index.notices import NOTICES_FILE
from qa.ingest.loaders import default_doc_id
from tests.helpers.seeds import CITATION_KEYS, GLOBAL_NEWS, SEEDS, UNNAMED


def test_ingest_then_sources_shows_both_seeds_with_outlets(run_cli, tmp_path: Path):
    index = str(tmp_path / "idx")
    code, out, err = run_cli("ingest", str(SEEDS), "--index", index, "--json")
    assert code == 0, err
    assert sorted(json.loads(out)["added"]) == [UNNAMED, GLOBAL_NEWS]
    code, out, _ = run_cli("sources", "--index", index, "--json")
    sources = {s["doc_id"]: s for s in json.loads(out)["sources"]}
    assert sources[GLOBAL_NEWS]["outlet"] == "Global News"
    assert sources[UNNAMED]["outlet"] == "Outlet not named"
    assert all(s["chunks"] > 0 and s["chars"] > 0 for s in sources.values())


def test_ingest_exits_1_when_a_file_failed_but_keeps_the_rest(run_cli, tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text("The session was held on Sunday in Baghdad.", encoding="utf-8")
    (tmp_path / "in" / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    code, out, err = run_cli("ingest", str(tmp_path / "in"), "--index", str(tmp_path / "idx"), "--json")
    assert code == 1
    assert json.loads(out)["added"] == [default_doc_id(tmp_path / "in" / "ok.txt")]
    assert "bad.txt" in err and "Traceback" not in err


def test_ask_offline_cites_the_attendance_span_verified(run_cli, seed_index_dir: Path):
    code, out, err = run_cli(
        "ask",
        "How many lawmakers attended the session?",
        "--offline",
        "--json",
        "--index",
        str(seed_index_dir),
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["status"] == "answered" and doc["backend"] == "extractive"
    assert "168" in doc["answer"]
    cited = [c for c in doc["citations"] if "168 lawmakers present" in c["quote"]]
    assert cited and cited[0]["verified"] is True and cited[0]["doc_id"] == GLOBAL_NEWS
    article = (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8")
    assert article[cited[0]["start"] : cited[0]["end"]] == cited[0]["quote"]
    assert set(doc) == {
        "question",
        "status",
        "answer",
        "supported",
        "claims",
        "citations",
        "backend",
        "retrieved",
    }
    # The extractive reader's claims are its quotes, checked like a model's: they must pass.
    assert doc["supported"] is True and all(c["supported"] and c["citations"] for c in doc["claims"])
    assert set(cited[0]) == CITATION_KEYS


def test_ask_without_llm_says_so_once_per_index_and_prints_citations(run_cli, writable_index: Path):
    (writable_index / NOTICES_FILE).unlink(missing_ok=True)  # an earlier test may have shown it
    code, out, err = run_cli("ask", "How many US troops remain in Iraq?", "--index", str(writable_index))
    assert code == 0
    assert "No LLM is configured" in err
    assert "5,000" in out and "[1]" in out
    code, out, err = run_cli("ask", "How many US troops remain in Iraq?", "--index", str(writable_index))
    assert code == 0 and "No LLM is configured" not in err and "5,000" in out
    assert json.loads((writable_index / NOTICES_FILE).read_text(encoding="utf-8")) == ["no-llm"]


def test_search_json_contract(run_cli, seed_index_dir: Path):
    code, out, _ = run_cli("search", "quorum", "--k", "3", "--json", "--index", str(seed_index_dir))
    assert code == 0
    doc = json.loads(out)
    assert doc["query"] == "quorum" and len(doc["hits"]) == 3
    assert set(doc["hits"][0]) == {"doc_id", "source", "title", "outlet", "start", "end", "text", "score"}


def test_show_prints_the_span_within_its_sentence(run_cli, seed_index_dir: Path):
    article = (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8")
    start = article.index("168 lawmakers present")
    end = start + len("168 lawmakers present")
    code, out, _ = run_cli("show", f"{GLOBAL_NEWS}:{start}-{end}", "--index", str(seed_index_dir))
    assert code == 0
    assert "»168 lawmakers present«" in out
    assert "Most Sunni and Kurdish lawmakers boycotted the session" in out
    code, out, _ = run_cli("show", f"{GLOBAL_NEWS}:{start}-{end}", "--json", "--index", str(seed_index_dir))
    view = json.loads(out)
    assert view["text"] == "168 lawmakers present" and view["context"].endswith("quorum.")


def test_show_doc_id_prints_the_article_with_its_left_out_lines_marked(run_cli, seed_index_dir: Path):
    code, out, _ = run_cli("show", GLOBAL_NEWS, "--json", "--index", str(seed_index_dir))
    assert code == 0
    view = json.loads(out)
    text = view["text"]
    assert text == (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8")
    assert view["outlet"] == "Global News" and view["chunks"]
    chunks = [(c["start"], c["end"]) for c in view["chunks"]]
    left = [text[x["start"] : x["end"]] for x in view["left_out"]]
    assert "Story continues below advertisement" in left
    for s in left:  # a left-out line is in no chunk; every other line with text is
        start = text.index(s)
        assert not any(a <= start and start + len(s) <= b for a, b in chunks)
    code, out, _ = run_cli("show", GLOBAL_NEWS, "--index", str(seed_index_dir))
    assert code == 0 and out.startswith("Global News — Iraqi lawmakers pass resolution")
    assert "\n[left out] Story continues below advertisement\n" in out
    assert "\nIt is not binding on the government but is likely to be taken up" in out
    assert max(len(line) for line in out.splitlines()) <= 80  # wrapped to 80 when piped
    # A left-out line keeps its mark on every line it wraps to.
    assert "[left out] Click to play video 'Iraq parliament votes to expel foreign troops\n[left out] " in out


def test_errors_are_one_line_with_exit_1(run_cli, seed_index_dir: Path, tmp_path: Path):
    for args in (
        ("ask", "anything", "--index", str(tmp_path / "nothing-here")),
        ("show", "not-a-ref", "--index", str(seed_index_dir)),
        ("show", f"{GLOBAL_NEWS}:10-999999", "--index", str(seed_index_dir)),
        ("show", "missing:1-2", "--index", str(seed_index_dir)),
        ("show", f"{GLOBAL_NEWS}:20-10", "--index", str(seed_index_dir)),
    ):
        code, out, err = run_cli(*args)
        assert code == 1, args
        assert out == ""
        assert err.startswith("error: ") and err.count("\n") == 1, err


def test_usage_errors_exit_2(run_cli):
    code, _, err = run_cli("ask")
    assert code == 2 and "Missing argument 'QUESTION" in err
    code, _, err = run_cli("search", "   ")
    assert code == 2 and "must not be empty" in err
