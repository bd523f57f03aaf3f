"""`python -m bench` (`make bench`): run every benchmark and rewrite bench/RESULTS.md.

python -m bench                 # full run (~10-15 min on 2 cores): writes bench/RESULTS.md and
                                # bench/results.json
python -m bench --only arousal  # one item (briefing arousal vs the source articles, ~20 s)
python -m bench.sentences       # item 8 alone (~30 s): merged into results.json, RESULTS.md re-rendered
python -m bench --only large    # item 9: one multi-MB article vs the bare embedder on its chunks (~4 min)
python -m bench.claims          # item 10 alone (~30 s): the claim check's cost vs a cold qa ask, merged
                                # into results.json, RESULTS.md re-rendered (or: --only claims)
python -m bench.stories         # item 13 alone (~2 min): grouping the AllSides articles into stories
python -m bench.fetch_speed     # item 14 alone (~20 s): web fetch pages/s from local servers, parallel
                                # vs one at a time, merged likewise (or: --only fetch)
python -m bench.extraction      # item 15 alone (~15 s): article text of 91 real web pages against the
                                # marked article bodies, beside trafilatura (skipped without ../shared)
python -m bench.offline_reader  # item 11 alone (~2 min): the offline reader's constants by split and the
                                # pooled bench set, merged likewise (or: --only offline)
python -m bench.briefings       # item 12 alone (~2 min): offline briefings against the AllSides editors'
                                # roundups, merged likewise (or: --only briefings; skipped without ../shared)
python -m bench.page            # item 16 alone (~25 s): the HTML page of a 30-article briefing, its size,
                                # render time and load in headless Chromium, merged likewise (or: --only page)
python -m bench --quick         # tiny sizes, in-project data only; prints the report (writes
                                # nothing unless --out)
python -m bench --only query,retrieval --keep /tmp/qa-bench   # some items; keep the indexes for poking at
python -m bench --render        # re-render RESULTS.md from results.json (after editing profile_notes.md)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common, report

ITEMS = (
    *("startup", "embedder", "ingest", "query", "retrieval", "arousal", "sentences", "large", "claims"),
    *("offline", "briefings", "stories", "fetch", "extraction", "page"),
)
HERE = Path(__file__).resolve().parent


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_all(work: Path, quick: bool, only: set[str]) -> dict[str, Any]:
    """Run the selected items in dependency order (ingest builds the indexes query/retrieval use)."""
    from bench import embed_speed, ingest_speed, query_speed, retrieval, startup

    full_corpus = common.have_allsides() and not quick
    results: dict[str, Any] = {"machine": common.machine(), "quick": quick}
    if "startup" in only:
        _log("6. qa --help vs python -c pass")
        results["startup"] = startup.run(rounds=3 if quick else 9)
    if "embedder" in only:
        _log("1. embedder vs Chroma's ONNXMiniLM_L6_V2")
        results["embedder"] = embed_speed.run(n_sentences=32 if quick else 400)
    ingest: dict[str, Any] | None = None
    if only & {"ingest", "query"} or ("retrieval" in only and full_corpus):
        _log("2-3. ingest: base corpus vs bare embedder, growth, incremental")
        sizes = [200, 1_000] if quick else [1_000, 10_000, 100_000]
        ingest = ingest_speed.run(
            work / "ingest",
            sizes=sizes,
            rounds=1 if quick else 2,
            incremental_rounds=1 if quick else 3,
            quick=quick,
        )
        if "ingest" in only:
            results["ingest"] = ingest
    if "query" in only and ingest:
        _log("4. warm search latency and cold qa ask vs the floor")
        indexes = {
            f"{g['chunks'] // 1000}k" if g["chunks"] >= 1000 else str(g["chunks"]): Path(g["index"])
            for g in ingest["growth"]
        }
        if full_corpus:
            indexes = {"AllSides (real vectors)": Path(ingest["real"]["index"]), **indexes}
        questions = [
            q["question"]
            for q in common.load_questions(common.BENCH_QUESTIONS if full_corpus else common.SEED_QUESTIONS)
        ]
        results["query"] = query_speed.run(
            indexes, questions, work, warm_rounds=1 if quick else 2, cold_rounds=1 if quick else 5
        )
    if "retrieval" in only:
        _log("5. retrieval quality: hybrid vs dense vs BM25")
        corpus_index = Path(ingest["real"]["index"]) if ingest and full_corpus else None
        sets = ("corpus", "seeds", "sample") if full_corpus else ("seeds", "sample")
        results["retrieval"] = retrieval.run(work / "retrieval", corpus_index, sets=sets)
    if "arousal" in only:
        _log("7. briefing arousal: offline briefings vs their source articles")
        results["arousal"] = run_arousal(quick)
    if "sentences" in only:
        _log("8. sentence splitter: qa vs pysbd (skipped without pysbd)")
        from bench import sentences

        results["sentences"] = sentences.run(quick=quick)
    if "large" in only:
        _log("9. one multi-MB article: ingest vs the bare embedder on its chunks")
        from bench import large_article

        results["large"] = large_article.run(
            work / "large", megabytes=0.5 if quick else 4.0, rounds=1 if quick else 2
        )
    if "claims" in only:
        _log("10. claim check per answer and per briefing vs a cold qa ask")
        from bench import claims

        results["claims"] = claims.run(
            work / "claims", rounds=2 if quick else 7, ask_rounds=1 if quick else 5
        )
    if "offline" in only:
        _log("11. the offline reader's not_found gate: its constants by split, and the pooled bench set")
        from bench import offline_reader

        corpus_index = Path(ingest["real"]["index"]) if ingest and full_corpus else None
        results["offline"] = offline_reader.run(work / "offline", corpus_index, pooled_set=full_corpus)
    if "briefings" in only:
        _log("12. offline briefings against the AllSides editors' roundups")
        from bench import briefings

        if quick:  # in-project data only: the sample's events with the roundups in bench/data
            events, source = briefings.in_project_events(), briefings.IN_PROJECT
            results["briefings"] = briefings.run(events, source, "python -m bench --quick")
        elif common.have_allsides():
            results["briefings"] = briefings.run(*briefings.corpus_events(), "python -m bench")
        else:
            results["briefings"] = {"skipped": f"the AllSides corpus is not at {common.EVENTS}"}
    if "stories" in only and full_corpus:
        _log("13. stories in one index against the AllSides events")
        from bench import stories

        corpus_index = Path(ingest["real"]["index"]) if ingest else None
        results["stories"] = stories.run(work / "stories", corpus_index)
    if "fetch" in only:
        _log("14. web fetch: pages/s from local servers, parallel vs one at a time")
        from bench import fetch_speed

        results["fetch"] = fetch_speed.run(pages=24 if quick else 80, rounds=1 if quick else 3)
    if "extraction" in only:
        _log("15. article text of real web pages: qa's citable text vs trafilatura's default")
        from bench import extraction

        results["extraction"] = extraction.run(work / "extraction") or {
            "skipped": f"the news-html pages are not at {extraction.CORPUS}"
        }
    if "page" in only:
        _log("16. the HTML page of a briefing: size, render time, load in headless Chromium")
        from bench import page

        results["page"] = page.run(work / "page", quick=quick)
    results["load_after"] = common.load_average()
    return results


def run_arousal(quick: bool) -> dict[str, Any]:
    """Item 7 on the first 8 multi-outlet AllSides events (or, with --quick or without ../shared, the
    in-project sample's events); VADER missing makes its measure "not measured", not a failure."""
    from bench import arousal

    if common.have_allsides() and not quick:
        source, n_events, label = common.EVENTS, 8, "AllSides events.jsonl"
    else:
        source, n_events, label = common.SAMPLE, 2 if quick else 4, "eval/allsides_sample.jsonl"
    result = arousal.run(n_events=n_events, events_path=source)
    result["source"] = label
    return result


def _merge_partial(results: dict[str, Any], stored: Path, only: set[str]) -> dict[str, Any]:
    """A partial run (--only) updates its items in the stored results; the rest of the report stays.

    Each item it ran records when, where and how it was measured, so the report can say so.
    """
    if not stored.is_file():
        return results
    merged: dict[str, Any] = json.loads(stored.read_text(encoding="utf-8"))
    m = results["machine"]
    for item in only:
        if isinstance(results.get(item), dict):
            merged[item] = {
                **results[item],
                "measured": {
                    "date": results["date"],
                    "command": results["command"],
                    "cpu": m["cpu"],
                    "cores": m["cores"],
                    "load": m["load_before"],
                },
            }
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run qa's benchmarks and write bench/RESULTS.md."
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes and in-project data only (a minute or two)"
    )
    parser.add_argument(
        "--only", default=",".join(ITEMS), help=f"comma-separated subset of: {', '.join(ITEMS)}"
    )
    parser.add_argument(
        "--out", type=Path, help="report path (default bench/RESULTS.md; --quick prints to stdout instead)"
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this directory and keep it (indexes, corpora, vectors)"
    )
    parser.add_argument(
        "--render", action="store_true", help="only re-render bench/RESULTS.md from bench/results.json"
    )
    args = parser.parse_args(argv)
    if args.render:
        out = args.out or HERE / "RESULTS.md"
        out.write_text(
            report.render(json.loads(out.with_name("results.json").read_text(encoding="utf-8"))),
            encoding="utf-8",
        )
        return 0
    only = {item.strip() for item in args.only.split(",") if item.strip()}
    unknown = only - set(ITEMS)
    if unknown:
        parser.error(f"unknown items: {', '.join(sorted(unknown))}")
    if not common.have_allsides():
        _log(
            f"AllSides corpus not found at {common.EVENTS}: "
            "using the in-project sample; corpus-wide items skipped"
        )

    work = args.keep or Path(tempfile.mkdtemp(prefix="qa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        results = run_all(work, args.quick, only)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["minutes"] = (time.perf_counter() - started) / 60
    results["date"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    results["command"] = (
        "python -m bench"
        + (" --quick" if args.quick else "")
        + (f" --only {args.only}" if only != set(ITEMS) else "")
    )
    out = args.out or (None if args.quick else HERE / "RESULTS.md")
    if out is not None and only != set(ITEMS):
        results = _merge_partial(results, out.with_name("results.json"), only)
    text = report.render(results)
    if out is None:
        print(text)
    else:
        out.write_text(text, encoding="utf-8")
        out.with_name("results.json").write_text(
            json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8"
        )
        _log(f"wrote {out} and {out.with_name('results.json')} ({results['minutes']:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
