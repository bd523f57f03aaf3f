"""Render the benchmark results as bench/RESULTS.md (a summary table, then each item's detail)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import briefings, extraction, fetch_speed, offline_reader, page, stories

NOTES = Path(__file__).resolve().parent / "profile_notes.md"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**PASS**" if ok else "**MISS**")


def _n(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _summary(r: dict[str, Any]) -> list[str]:
    rows: list[tuple[str, str, str, str, str, bool | None]] = []
    emb = r.get("embedder") or {}
    if "speedup" in emb:
        rows.append(
            (
                "1",
                "embedder, sentences/s",
                _n(emb["ours_sentences_per_s"]),
                (
                    f"Chroma's ONNXMiniLM_L6_V2, same weights: {_n(emb['chroma_sentences_per_s'])} "
                    f"→ **{emb['speedup']:.2f}x**"
                ),
                f"≥ {emb['target_speedup']:.0f}x",
                emb["pass"],
            )
        )
    ing = r.get("ingest") or {}
    real = ing.get("real")
    if real:
        rows.append(
            (
                "2",
                f"ingest chunks/s, {real['corpus']}: {real['chunks']:,} chunks",
                _n(real["ingest_chunks_per_s"]),
                f"bare embedder, same chunks: {_n(real['bare_chunks_per_s'])} → **{real['ratio']:.2f}**",
                f"≥ {real['target_ratio']}",
                real["pass"],
            )
        )
    for g in ing.get("growth", []):
        if "pass" in g:
            rows.append(
                (
                    "2",
                    f"peak RSS, ingest to {g['chunks']:,} chunks (reused vectors)",
                    f"{_n(g['peak_rss_mb'], 0)} MB",
                    f"implied ingest rate {g['implied_ratio']:.2f} of the bare embedder",
                    f"< {g['target_peak_mb']:,} MB",
                    g["pass"],
                )
            )
    inc = ing.get("incremental")
    if inc:
        rows.append(
            (
                "3",
                f"`qa ingest` one article into {inc['index_chunks']:,} chunks",
                f"{inc['beyond_floor_s']:.2f} s beyond the floor",
                f"cold wall {inc['cli_wall_s']:.2f} s vs floor {inc['floor_s']:.2f} s",
                f"< {inc['target_s']:.0f} s",
                inc["pass"],
            )
        )
    big = r.get("large")
    if big:
        rows.append(
            (
                "9",
                f"ingest of one {big['megabytes']:g} MB article ({big['chunks']:,} chunks), chunks/s",
                _n(big["ingest_chunks_per_s"]),
                f"bare embedder, same chunks: {_n(big['bare_chunks_per_s'])} → **{big['ratio']:.2f}**",
                f"≥ {big['target_ratio']}",
                big["pass"],
            )
        )
    q = r.get("query") or {}
    sizes = q.get("sizes") or []
    if sizes:
        largest = max(sizes, key=lambda s: s["warm"]["chunks"])
        w = largest["warm"]
        rows.append(
            (
                "4",
                f"warm search p95 at {w['chunks']:,} chunks",
                f"{w['p95_ms']:.1f} ms",
                f"p50 {w['p50_ms']:.1f} ms",
                f"< {q['target_p95_ms']:.0f} ms",
                q["p95_pass"],
            )
        )
        ratios = ", ".join(f"{s['cold']['ratio']:.2f}x" for s in sizes)
        floors = ", ".join(f"{s['cold']['floor_s']:.2f}" for s in sizes)
        labels = " / ".join(s["label"] for s in sizes)
        rows.append(
            (
                "4",
                f"cold `qa ask --offline` at {labels}",
                ratios,
                f"floor (import chromadb + load embedder): {floors} s",
                f"≤ {q['target_cold_ratio']}x each",
                q["cold_pass"],
            )
        )
    ret = r.get("retrieval") or {}
    for res in ret.values():
        if "modes" not in res:
            continue
        m = res["modes"]
        target = f"≥ {res['target_recall']} and ≥ both" if res.get("target_recall") else "≥ both"
        rows.append(
            (
                "5",
                f"hybrid recall@5, {res['label']}",
                f"{m['hybrid']['recall_at_5']:.3f}",
                f"dense {m['dense']['recall_at_5']:.3f}, BM25 {m['bm25']['recall_at_5']:.3f}"
                + (f" (hybrid with RRF: {m['hybrid-rrf']['recall_at_5']:.3f})" if "hybrid-rrf" in m else ""),
                target,
                res["pass"],
            )
        )
    st = r.get("startup")
    if st:
        rows.append(
            (
                "6",
                "`qa --help` wall time",
                f"{st['help_s']:.3f} s",
                f"`python -c pass`: {st['python_s']:.3f} s",
                f"< {st['target_s']} s",
                st["pass"],
            )
        )
    ar = r.get("arousal")
    if ar:
        rows.append(_arousal_row(ar))
    if r.get("sentences"):
        rows.append(_sentences_row(r["sentences"]))
    if r.get("claims"):
        rows.append(_claims_row(r["claims"]))
    if r.get("offline"):
        rows.append(offline_reader.summary_row(r["offline"]))
    if r.get("stories"):
        rows.append(stories.summary_row(r["stories"]))
    if r.get("briefings"):
        rows.append(briefings.summary_row(r["briefings"]))
    if r.get("fetch"):
        rows.append(fetch_speed.summary_row(r["fetch"]))
    if r.get("extraction") and "skipped" not in r["extraction"]:
        rows.append(extraction.summary_row(r["extraction"]))
    if r.get("page"):
        rows.append(page.summary_row(r["page"]))
    out = ["| # | figure | measured | reference (same run) | target | result |", "|---|---|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} | {e} | {_verdict(f)} |" for a, b, c, d, e, f in rows]
    return out


def _embedder(emb: dict[str, Any]) -> list[str]:
    if "skipped" in emb:
        return [f"Skipped: {emb['skipped']}."]
    return [
        (
            f"{emb['sentences']} distinct AllSides paragraphs of 30–50 words "
            f"(mean {emb['mean_words']}), embedded in one call by each."
        ),
        (
            "Chroma's function is given qa's own graph and the bundled tokenizer, "
            "so the only differences are its fixed"
        ),
        "256-token padding and numpy pooling vs qa's dynamic, length-sorted padding (bench/embedder.py).",
        "",
        "| embedder | sentences/s |",
        "|---|---|",
        f"| qa (onnxruntime, dynamic padding) | {_n(emb['ours_sentences_per_s'])} |",
        f"| Chroma ONNXMiniLM_L6_V2 (pads to 256) | {_n(emb['chroma_sentences_per_s'])} |",
        "",
        (
            f"Speed-up {emb['speedup']:.2f}x; agreement: "
            f"cosine min {emb['cosine_min']:.6f}, mean {emb['cosine_mean']:.6f}. "
            f"First ONNX graph build {emb['first_build_s']:.2f} s, cached load {emb['cached_load_s']:.2f} s."
        ),
    ]


def _ingest(ing: dict[str, Any]) -> list[str]:
    real = ing["real"]
    b = real["breakdown_s"]
    out = [
        (
            f"**{real['corpus']}**: {real['articles']:,} articles → {real['chunks']:,} chunks. "
            "Ingest runs `qa.ingest.pipeline.ingest()` in a"
        ),
        (
            "fresh process (chromadb, langchain and onnxruntime "
            "imported before the clock starts: those are process-start"
        ),
        (
            "costs, measured in items 3, 4 and 6); the bare embedder "
            "embeds the same chunk texts in one call in another fresh"
        ),
        f"process. They alternate, {real['rounds']} rounds each; the best round of each is compared.",
        "",
        "| | chunks/s (best) | all rounds | peak RSS |",
        "|---|---|---|---|",
        (
            f"| bare embedder | {_n(real['bare_chunks_per_s'])} "
            f"| {', '.join(_n(x) for x in real['bare_rounds'])} | {_n(real['bare_peak_rss_mb'], 0)} MB |"
        ),
        (
            f"| qa ingest | {_n(real['ingest_chunks_per_s'])} "
            f"| {', '.join(_n(x) for x in real['ingest_rounds'])} | {_n(real['peak_rss_mb'], 0)} MB |"
        ),
        "",
        (
            f"Ratio **{real['ratio']:.2f}** (target ≥ {real['target_ratio']}). "
            "Cross-checks that machine noise cannot move much: "
            f"CPU seconds per chunk, bare / ingest = {real['cpu_ratio']:.2f}; "
            "inside the best ingest, embedding took "
            f"{b['embed_s']:.1f} of {b['seconds']:.1f} s (**{real['embed_share']:.0%}**), "
            f"Chroma upserts {b['chroma_upsert_s']:.1f} s, "
            f"SQLite/FTS5 commits {b['sqlite_commit_s']:.2f} s, the rest (load, "
            f"chunk, open the index, load the model) {b['other_s']:.1f} s."
        ),
        "",
        (
            "**Growth (reused vectors).** Each size is built from "
            "scratch in its own process from copies of the corpus"
        ),
        (
            "(ids suffixed `-xNNN`, text unchanged, one JSONL file per copy) "
            "through qa's own ingest path, with only the"
        ),
        (
            "model's forward pass replaced by a lookup of the "
            "corpus's real vectors plus N(0, 0.01) noise per dimension"
        ),
        "(re-normalised). Loading, chunking, batching, Chroma upserts and SQLite/FTS5 commits are all real. "
        '"implied" = 1 / (1/embedder + 1/write path): the ingest rate with the real model at this size.',
        "",
        (
            "| size | chunks | articles | write path chunks/s | Chroma upsert s | "
            "SQLite commit s | other s | implied ingest / bare embedder | peak RSS |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for g in ing["growth"]:
        bd = g["breakdown_s"]
        out.append(
            f"| {g['size']:,} | {g['chunks']:,} | {g['articles']:,} "
            f"| {_n(g['write_chunks_per_s'], 0)} | {bd['chroma_upsert_s']:.1f} | "
            f"{bd['sqlite_commit_s']:.1f} | {bd['other_s']:.1f} "
            f"| {g['implied_ratio']:.2f} | {_n(g['peak_rss_mb'], 0)} MB |"
        )
    inc = ing["incremental"]
    ib = inc["in_process_breakdown_s"]
    out += [
        "",
        (
            "**Incremental.** `qa ingest one.jsonl` (one new article) "
            f"into the {inc['index_chunks']:,}-chunk index, cold, as a user runs it,"
        ),
        (
            f"alternating with the floor process, {inc['rounds']} rounds "
            f"(medians): {inc['cli_wall_s']:.2f} s vs floor {inc['floor_s']:.2f} s → "
            f"**{inc['beyond_floor_s']:.2f} s beyond the floor** (target "
            f"< {inc['target_s']:.0f} s). In-process, after imports, the same kind of"
        ),
        (
            f"update takes {inc['in_process_s']:.2f} s: embedding {ib['embed_s']:.2f} s, "
            f"Chroma upsert {ib['chroma_upsert_s']:.2f} s, SQLite/FTS5 "
            f"commit {ib['sqlite_commit_s']:.3f} s, the rest (open the index and model, "
            f"chunk) {ib['other_s']:.2f} s. The BM25 index is"
        ),
        "SQLite FTS5, updated in the article's own transaction: nothing is rebuilt.",
    ]
    return out


def _query(q: dict[str, Any]) -> list[str]:
    out = [
        (
            "Warm: in one process, after a warm-up pass, "
            "`search()` (hybrid, k=6 as `qa ask` uses) over every question,"
        ),
        "twice; components timed alone on the same questions. Cold: `qa ask QUESTION --offline --json` and",
        (
            "`qa search QUESTION --json` (retrieval alone), "
            "alternating with the floor process (`import chromadb` + load"
        ),
        "the embedder), medians.",
        "",
        "| index | chunks | p50 | p95 | BM25 p95 | embed query p95 | Chroma query p95 | fetch chunks p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in q["sizes"]:
        w, comp = s["warm"], s["warm"]["components"]
        out.append(
            f"| {s['label']} | {w['chunks']:,} | {w['p50_ms']:.1f} ms | "
            f"**{w['p95_ms']:.1f} ms** | {comp['bm25']['p95_ms']:.1f} | "
            f"{comp['embed_query']['p95_ms']:.1f} | {comp['chroma_query']['p95_ms']:.1f} "
            f"| {comp['fetch_chunks']['p95_ms']:.1f} |"
        )
    out += [
        "",
        (
            "| index | floor | cold `qa search` | search / floor | "
            "cold `qa ask --offline` | ask / floor | ask / floor, CPU s | ask peak RSS |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in q["sizes"]:
        c = s["cold"]
        out.append(
            f"| {s['label']} | {c['floor_s']:.2f} s | {c['search_s']:.2f} s "
            f"| {c['search_ratio']:.2f}x | {c['ask_s']:.2f} s | "
            f"**{c['ratio']:.2f}x** | {c['cpu_ratio']:.2f}x | {_n(c['ask_peak_rss_mb'], 0)} MB |"
        )
    return out


def _retrieval(ret: dict[str, Any]) -> list[str]:
    out = [
        (
            "A hit is relevant when it lies in a gold evidence article "
            "and covers at least half of the gold quote (or is at"
        ),
        (
            "least half quote). recall@5 from `search(k=5)`, "
            "MRR@10 from `search(k=10)`, doc recall@5 = a gold article in"
        ),
        "the top 5. Answerable questions only. `hybrid` is qa's search (score fusion, see the notes below);",
        "`hybrid-rrf` is the same search fused by reciprocal rank, as qa did before this bench.",
        "",
        "| question set | n | mode | recall@5 | MRR@10 | doc recall@5 | misses at 5 |",
        "|---|---|---|---|---|---|---|",
    ]
    for res in ret.values():
        if "modes" not in res:
            out.append(f"| skipped: {res.get('skipped')} | | | | | | |")
            continue
        for mode, m in res["modes"].items():
            misses = ", ".join(m["misses"]) or "–"
            out.append(
                f"| {res['label']} | {res['questions']} | {mode} "
                f"| {m['recall_at_5']:.3f} | {m['mrr_at_10']:.3f} | "
                f"{m['doc_recall_at_5']:.3f} | {misses} |"
            )
    return out


# Hand-written: a larger run of the same benchmark, not part of `python -m bench` (which briefs 8
# events). Measured by the briefing's author and reproduced, same figures, with the code of the
# 2026-11-23 run (`python -m bench.arousal 30`, 32 s).
AROUSAL_30 = (
    "**At 30 events the briefing is not calmer by VADER.** `python -m bench.arousal 30` (the first 30 "
    "multi-outlet events; measured by the briefing's author, reproduced on 2026-11-23 with the same "
    "figures): VADER mean |valence| per word, sources **0.1060** vs briefing **0.1094** (lead baseline "
    "0.1145); the briefing is lower in 15 of 30 events, "
    "equal in 1, higher in 14, mean paired difference +0.0034 "
    "(95% bootstrap interval −0.0093 … +0.0157). The charged-term rate is still lower, 0.0022 vs 0.0004 "
    "(lower in 9 events, equal in 20, higher in 1), but that measure is partly circular (see above). Every "
    "one of the 30 briefings cites at least two outlets (26 cite three; in 2 the body alone cites one) and "
    "every citation verifies."
)


def _f(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _arousal_row(ar: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    m, n = ar["means"], ar["events"]
    cited = [row["outlets_cited"] for row in ar["rows"]]
    spread = (
        f"{min(cited)}–{max(cited)}"
        if cited and min(cited) != max(cited)
        else (str(cited[0]) if cited else "")
    )
    cites = f"outlets cited per briefing: {spread}" if cited else "no events"
    verified = "all citations verified" if ar["every_citation_verified"] else "**some citations unverified**"
    figure = (
        f"offline briefing arousal, VADER mean \\|valence\\|/word, {n} "
        f"multi-outlet events ({ar.get('source', 'AllSides')})"
    )
    target = "< sources (mean over events); ≥ 2 outlets cited each"
    if not ar["vader_installed"] or m["briefing"]["vader_intensity"] is None:
        return (
            "7",
            figure,
            "not measured (vaderSentiment not installed: `pip install -e '.[bench]'`)",
            f"charged-term rate (qa's lexicon, partly circular): sources {_f(m['sources']['charged_rate'])}, "
            f"briefing {_f(m['briefing']['charged_rate'])}; {cites}; {verified}",
            target,
            None,
        )
    pv = ar.get("paired_vader") or {}
    ci = pv.get("ci95")
    spread = (
        f" (briefing **{(pv['relative'] or 0) * 100:+.0f}%**, "
        f"lower in {pv['lower']} of {n} events; 95% CI of the "
        f"paired difference {ci[0]:+.4f} … {ci[1]:+.4f})"
        if pv and ci
        else ""
    )
    ref = (
        f"sources {_f(m['sources']['vader_intensity'])}{spread}; "
        f"lead baseline {_f(m['lead']['vader_intensity'])}; charged-term rate (partly circular) "
        f"{_f(m['sources']['charged_rate'])} → {_f(m['briefing']['charged_rate'])}; {cites}; {verified}. "
        "At 30 events: 0.1060 vs 0.1094, not lower (§7)"
    )
    ok = bool(ar["briefing_calmer_vader"]) and bool(ar["every_briefing_cites_two_outlets"])
    return ("7", figure, _f(m["briefing"]["vader_intensity"]), ref, target, ok)


def _arousal_reading(ar: dict[str, Any]) -> str:
    m = ar["means"]
    if not ar["vader_installed"]:
        this_run = "VADER was not measured in this run"
    else:
        b, src = m["briefing"]["vader_intensity"], m["sources"]["vader_intensity"]
        ci = (ar.get("paired_vader") or {}).get("ci95") or [0.0, 0.0]
        this_run = (
            f"{'lower' if b < src else 'not lower'} than the "
            f"sources on the mean of this run's {ar['events']} "
            f"events ({b:.4f} vs {src:.4f}; the 95% interval of the paired difference "
            f"{'includes' if ci[0] <= 0 <= ci[1] else 'excludes'} zero)"
        )
    return (
        "Reading: the briefing reliably avoids qa's own charged terms, "
        "but by the independent lexicon it is about as "
        f"emotionally intense per word as its sources: {this_run}, not lower at 30 events, and per event the "
        'difference goes both ways. Issue 4\'s "measurably lower" holds for the '
        "charged-term rate, which is partly circular; it is not established for VADER intensity."
    )


def _arousal(ar: dict[str, Any]) -> list[str]:
    m, n = ar["means"], ar["events"]
    vader = ar["vader_installed"]
    out = [
        (
            f"`bench/arousal.py`: for each of the first {n} events "
            f"of {ar.get('source', 'AllSides')} (file order) with three"
        ),
        "outlets that have text, the event's articles are ingested into a fresh index and briefed with",
        (
            f"`qa summarize --offline` ({ar['words']} words). "
            "Three texts are scored: the **sources** (every outlet's article as"
        ),
        (
            "ingested), the **briefing** body (its sentences; "
            'with the "Where the sources differ" section as well it is'
        ),
        (
            "**briefing + differences**, which quotes charged "
            "words on purpose when they are the difference) and a"
        ),
        (
            "**lead** baseline: the articles' first sentences, "
            "taken in turn from each outlet, up to the briefing's length"
        ),
        "(what shortening alone does). Two measures, higher = more emotionally charged, means over events:",
        "",
        (
            "- **VADER intensity** (the independent one): mean |valence| "
            "per word from the VADER lexicon (Hutto & Gilbert"
        ),
        (
            "  2014; vaderSentiment, MIT licence, "
            "in the `bench` extra of pyproject.toml), words not in the lexicon"
        ),
        (
            "  counting 0. Emotional intensity tracks arousal; "
            "the briefing never looks at VADER when it selects sentences."
        ),
        "- **charged-term rate** (partly circular): share of words in qa's own loaded-terms lexicon",
        (
            "  (qa/data/loaded_terms.txt). The extractive briefing "
            "avoids these words when it picks sentences, so this"
        ),
        "  shows that the avoidance works, not that the briefing is calmer in general.",
        "",
    ]
    if not vader:
        out += ["VADER: **not measured** (vaderSentiment is not installed; `pip install -e '.[bench]'`).", ""]
    out += [
        "| text | VADER intensity | charged-term rate | words |",
        "|---|---|---|---|",
        *(
            f"| {label} | {_f(m[key]['vader_intensity'])} "
            f"| {_f(m[key]['charged_rate'])} | {_n(m[key]['words'])} |"
            for key, label in (
                ("sources", "sources"),
                ("briefing", "**briefing**"),
                ("briefing_all", "briefing + differences"),
                ("lead", "lead baseline"),
            )
        ),
        "",
    ]

    def pair(name: str, p: dict[str, Any] | None) -> str:
        if not p:
            return f"- {name}: not measured."
        return (
            f"- {name}: lower in {p['lower']} of {n} events, "
            f"equal in {p['equal']}, higher in {p['higher']}; mean paired "
            f"difference {p['mean_diff']:+.5f} ({(p['relative'] or 0) * 100:+.0f}% "
            "of the sources' mean), 95% bootstrap "
            f"interval {p['ci95'][0]:+.5f} … {p['ci95'][1]:+.5f}."
        )

    out += [
        "Per event, briefing minus sources (the interval resamples events, 10,000 times, fixed seed):",
        "",
        pair("VADER intensity", ar.get("paired_vader")),
        pair("charged-term rate", ar.get("paired_charged")),
        pair("VADER intensity, lead baseline minus sources", ar.get("lead_vs_sources_vader")),
        "",
        (
            "| event | issue | source words | briefing words | sentences | differences | "
            "VADER sources | VADER briefing | VADER lead | charged sources | "
            "charged briefing | outlets cited (body) | citations verified |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in ar["rows"]:
        issue = row["issue"].replace("|", "/")
        issue = issue if len(issue) <= 60 else issue[:57] + "…"
        out.append(
            f"| {row['event']} | {issue} | {row['sources']['words']} "
            f"| {row['briefing']['words']} | {row['sentences']} | "
            f"{row['differences']} | {_f(row['sources']['vader_intensity'])} "
            f"| {_f(row['briefing']['vader_intensity'])} | "
            f"{_f(row['lead']['vader_intensity'])} | {_f(row['sources']['charged_rate'])} "
            f"| {_f(row['briefing']['charged_rate'])} | "
            f"{row['outlets_cited']} of {len(row['outlets'])} ({row['outlets_cited_in_body']}) | "
            f"{'yes' if row['all_citations_verified'] else '**no**'} |"
        )
    body_two = ar.get("every_briefing_body_cites_two_outlets")
    out += [
        "",
        (
            '"outlets cited" counts outlets with a verified citation '
            "anywhere in the briefing (body and differences); in"
        ),
        "brackets, in the body alone."
        + (
            ""
            if body_two is None or body_two
            else " Where the body cites a single outlet, the second outlet is cited only in the differences."
        ),
        "",
        AROUSAL_30,
        "",
        _arousal_reading(ar),
    ]
    return out


# Hand-written: the figures of qa's splitter before the abbreviation change that the tuning half of
# the judged cases led to (same texts, same cases; the bench measures the code as it is now).
SENTENCES_BEFORE = (
    'Before the tuning-half change ("sens", "reps", "res", "h.r" added to qa\'s abbreviations), '
    "qa's splitter was right on 36 of the 50 report cases (tuning half: 40 of 50) and agreement was "
    "0.896 (1,385 of 1,545 boundaries); the change removed 21 qa-only boundaries, each a wrong split "
    '("Sens. ‖ Kyrsten Sinema", "H.R. ‖ 4"), and added none.'
)
SENTENCES_METHOD = (
    'qa\'s `split_sentences` splits at every line break by design, so pysbd (`language="en", '
    "clean=False, char_span=True`) is given each line alone, its spans are trimmed of the whitespace "
    "it keeps, and only boundaries *inside* a line are compared (a boundary = the start of a sentence "
    "that is not the first of its line)."
)
SENTENCES_JUDGED = (
    "**Judged disagreements.** bench/data/sentence_boundaries.jsonl: 100 of the 161 disagreements of "
    "the splitter as it was before any change (seeded sample, `--draft`), each read in its paragraph "
    "and judged by hand, then split (seeded) into a tuning half, the only evidence a change to qa's "
    "splitter was allowed to use, and a report half. Rule: a true boundary ends one orthographic "
    "sentence and starts the next, *including* between sentences inside one quotation; an ellipsis "
    'is a boundary only where a complete sentence ends before it; a paragraph cut off with "..." '
    "has none. Precision and recall are over these disagreement cases only, not over all boundaries."
)
SENTENCES_ERRORS = (
    'Where pysbd is wrong it splits inside "is..." truncations, before the comma of "D-W.Va.," and '
    'inside "Jan. 6. attack", and it keeps every judged multi-sentence quotation whole; where qa is '
    'wrong it is an abbreviation or initials before a name or number that it does not know ("Maj. '
    'Gen.", "T.H. Chan", "p.m. ET") or one that does end a sentence ("in the U.K.", "ISIS-K.").'
)


def large_section(big: dict[str, Any]) -> list[str]:
    """Item 9: one large article through ingest vs the bare embedder, and chunking's scaling."""
    b = big["breakdown_s"]
    scale = ", ".join(
        f"{row['mb']:g} MB {row['seconds']:.2f} s ({row['chunks']:,} chunks)" for row in big["chunking"]
    )
    mb, chunks = big["megabytes"], big["chunks"]
    ingest_rate, bare_rate = _n(big["ingest_chunks_per_s"]), _n(big["bare_chunks_per_s"])
    measured = big.get("measured")
    when = (
        [
            f"Measured separately by `{measured['command']}` on {measured['date']} ({measured['cpu']}, "
            f"{measured['cores']} cores, load {measured['load']}), not by the full run above.",
            "",
        ]
        if measured
        else []
    )
    return [
        *when,
        f"One generated {mb:g} MB `.txt` article → {chunks:,} chunks (more than Chroma's max batch, so the",
        f"upsert is split). Best of {big['rounds']}, alternating: `qa.ingest.pipeline.ingest()` "
        f"{big['ingest_s']:.1f} s ({ingest_rate} chunks/s) vs the bare embedder on the same chunks "
        f"{big['bare_s']:.1f} s ({bare_rate} chunks/s): ratio **{big['ratio']:.2f}** "
        f"(target ≥ {big['target_ratio']}).",
        f"Inside ingest: embedding {b['embed_s']:.1f} s, Chroma upsert {b['chroma_upsert_s']:.1f} s, "
        f"SQLite/FTS5 commit {b['sqlite_commit_s']:.1f} s, the rest (load, furniture, chunk location, "
        f"batching) {b['other_s']:.1f} s; peak RSS {_n(big['peak_rss_mb'], 0)} MB.",
        f"Chunking alone: {scale}; seconds per MB grow {big['chunking_growth']:.2f}x from the smallest to "
        f"the largest (linear ≈ 1; target ≤ {big['target_chunking_growth']}): no quadratic step. "
        f"Failed: {big['failed'] or 'none'}.",
    ]


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _sentences_row(se: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    if "skipped" in se:
        return ("8", "sentence splitter vs pysbd", f"skipped: {se['skipped']}", "", "", None)
    rep, sp = se["adjudicated"]["report"], se["speed"]
    return (
        "8",
        f"sentence splitter, judged disagreements (report half, n={rep['cases']})",
        f"qa right on {rep['qa']['correct']}",
        f"pysbd right on {rep['pysbd']['correct']}; agreement {se['boundaries']['agreement']:.3f}; "
        f"qa **{sp['ratio']:.0f}x** pysbd's speed",
        "—",
        None,
    )


def _sentences(se: dict[str, Any]) -> list[str]:
    if "skipped" in se:
        return [f"Skipped: {se['skipped']}."]
    b, sp, ex, m = se["boundaries"], se["speed"], se["exactness"], se["machine"]
    out = [
        f"Measured separately by `python -m bench.sentences` on {se['date']} ({m['cpu']}, {m['cores']} "
        f"cores, load {m['load']}), pysbd {se['pysbd_version']}; `python -m bench` reruns it as item "
        f"`sentences`. Texts: {se['sample']} ({se['articles']:,} texts, {se['chars']:,} characters).",
        "",
        f"{SENTENCES_METHOD} Given whole articles instead, pysbd put "
        f"{se['pysbd_whole_spans_across_line_breaks']} sentences across a line break.",
        "",
        "| | intra-line boundaries | only this splitter |",
        "|---|---|---|",
        f"| qa | {b['qa']:,} | {b['qa_only']:,} |",
        f"| pysbd | {b['pysbd']:,} | {b['pysbd_only']:,} |",
        "",
        f"Agreement: **{b['agreement']:.3f}** ({b['both']:,} boundaries both produce of {b['either']:,} "
        "either produces).",
        "",
        SENTENCES_JUDGED,
        "",
        "| half | cases | true boundaries | qa right | qa P / R | pysbd right | pysbd P / R "
        "| without the quote class (qa / pysbd right) | unsure cases (qa / pysbd right) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for half in ("report", "tuning", "all"):
        h = se["adjudicated"][half]
        q, p, wq, u = h["qa"], h["pysbd"], h["without_quote"], h["unsure"]
        out.append(
            f"| {half} | {h['cases']} | {h['true_boundaries']} "
            f"| **{q['correct']}** | {_pct(q['precision'])} / {_pct(q['recall'])} "
            f"| **{p['correct']}** | {_pct(p['precision'])} / {_pct(p['recall'])} "
            f"| {wq['qa']} / {wq['pysbd']} of {wq['cases']} | {u['qa']} / {u['pysbd']} of {u['cases']} |"
        )
    rep = se["adjudicated"]["report"]
    out += [
        "",
        "Report half by class (cases right):",
        "",
        "| class | cases | true boundaries | qa | pysbd |",
        "|---|---|---|---|---|",
    ]
    for cls, c in rep["by_class"].items():
        out.append(f"| {cls} | {c['cases']} | {c['true_boundaries']} | {c['qa']} | {c['pysbd']} |")
    quote, wq = rep["by_class"].get("quote", {"qa": 0, "pysbd": 0}), rep["without_quote"]
    lead = rep["qa"]["correct"] - rep["pysbd"]["correct"]
    speeds = {name: ", ".join(f"{x:.3f}" for x in sp[f"{name}_s"]) for name in ("qa", "pysbd", "pysbd_whole")}
    out += [
        "",
        f"{SENTENCES_ERRORS} The quote class is {quote['qa'] - quote['pysbd']} of qa's {lead}-case lead on "
        f"the report half, so that much rests on the rule above; without it qa is right on {wq['qa']} and "
        f"pysbd on {wq['pysbd']} of {wq['cases']}.",
        "",
        SENTENCES_BEFORE,
        "",
        "**Exactness** (every span exact, trimmed, non-empty, in order, non-overlapping, all non-space "
        f"text covered): qa {ex['qa']['violations']} violations; pysbd per line, after trimming, "
        f"{ex['pysbd']['violations']}; pysbd's own `char_span` offsets (`line[start:end] == sent`) "
        f"{ex['pysbd_raw']['violations']} mismatches per line and {ex['pysbd_whole']['violations']} on "
        "whole articles. pysbd's spans include the trailing whitespace, so qa would have to trim them.",
        "",
        f"**Speed** (same process, same {sp['chars']:,} characters, alternating, {sp['rounds']} rounds, "
        "medians; pysbd's Segmenter built once outside the clock):",
        "",
        "| splitter | characters/s | sentences/s | seconds per round |",
        "|---|---|---|---|",
        f"| qa | {sp['qa_chars_per_s']:,} | {sp['qa_sentences_per_s']:,} | {speeds['qa']} |",
        f"| pysbd, per line | {sp['pysbd_chars_per_s']:,} | {sp['pysbd_sentences_per_s']:,} "
        f"| {speeds['pysbd']} |",
        f"| pysbd, whole article | {sp['pysbd_whole_chars_per_s']:,} | {sp['pysbd_whole_sentences_per_s']:,} "
        f"| {speeds['pysbd_whole']} |",
        "",
        (
            f"qa's splitter is **{sp['ratio']:.0f}x** pysbd's speed per line, "
            "ratio of the medians (round by round: "
            f"{', '.join(f'{x:.0f}x' for x in sp.get('ratio_rounds', []))}; "
            f"{sp['ratio_whole']:.0f}x against pysbd on whole articles)."
        ),
    ]
    return out


CLAIMS_METHOD = (
    "Only the check is timed, in one process, article texts read and citations located before the "
    "clock starts. Per answer: `qa.answer.claims.check_claims` on each answer of eval/claims.jsonl, "
    "one call at a time, with qa's process-level caches (`qa.figures.numbers`, `calendar`) cleared "
    "before every call, since a cold `qa ask` checks one answer in a fresh process; the median over "
    "the answers. Long answers: each 5 consecutive answers of the set joined into one (markers "
    "renumbered). Per briefing: an offline briefing (`summarize(corpus, offline=True)`) of the seeds "
    "index, then `check_statement` over every sentence and difference it kept, with their citations, "
    "caches cleared once before it; also with the texts read through `corpus.article_text` (SQLite), "
    "as `summarize` reads them. Reference: a cold `qa ask --offline` on the same index in a "
    "subprocess, what a user waits for. Each round does all of them in turn; medians over rounds."
)


def _claims_row(c: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    return (
        "10",
        "claim check per answer / per briefing, share of a cold `qa ask --offline`",
        f"{c['answer_ms']:.2f} ms / {c['briefing_ms']:.1f} ms",
        f"cold `qa ask --offline`: {c['ask_s']:.2f} s → **{c['answer_share']:.2%}** / "
        f"**{c['briefing_share']:.2%}** (long answer {c['long_answer_ms']:.1f} ms, "
        f"{c['long_answer_share']:.2%})",
        f"≤ {c['target_share']:.0%} each",
        c["pass"],
    )


def claims_section(c: dict[str, Any]) -> list[str]:
    """Item 10: the claim check's time per answer and per briefing vs a cold `qa ask`."""
    measured = c.get("measured")
    when = (
        [
            f"Measured separately by `{measured['command']}` on {measured['date']} ({measured['cpu']}, "
            f"{measured['cores']} cores, load {measured['load']}), not by the full run above; "
            "`python -m bench` reruns it as item `claims`.",
            "",
        ]
        if measured
        else []
    )
    b, rm = c["briefing"], c["rounds_ms"]

    def rounds(name: str, digits: int = 2) -> str:
        return ", ".join(f"{x:.{digits}f}" for x in rm.get(name, []))

    ask = c["ask_s"] * 1000
    verdict = "holds" if c["pass"] else "**does not hold**"
    return [
        *when,
        f"{CLAIMS_METHOD} {c['rounds']} rounds of the checks, {c['ask_rounds']} cold `qa ask` runs.",
        "",
        "| what is checked | items | time (median) | share of a cold `qa ask` | rounds (ms) |",
        "|---|---|---|---|---|",
        f"| one answer of {c['claim_set']} (median {c['answer_chars_median']:.0f} characters) "
        f"| {c['answers']} | **{c['answer_ms']:.2f} ms** | **{c['answer_share']:.2%}** "
        f"| {rounds('answer_median')} |",
        f"| one long answer ({c['join']} answers joined, median {c['long_chars_median']:.0f} characters) "
        f"| {c['long_answers']} | {c['long_answer_ms']:.2f} ms | {c['long_answer_share']:.2%} "
        f"| {rounds('long_median')} |",
        f"| one offline briefing of the seeds ({b['sentences']} sentences + {b['differences']} "
        f"differences, {b['citations']} citations) | 1 | **{c['briefing_ms']:.1f} ms** "
        f"| **{c['briefing_share']:.2%}** | {rounds('briefing', 1)} |",
        f"| the same briefing, texts through `corpus.article_text` | 1 | {c['briefing_store_ms']:.1f} ms "
        f"| {c['briefing_store_share']:.2%} | {rounds('briefing_store', 1)} |",
        f'| cold `qa ask --offline "{c["question"]}"` (reference) | 1 | {ask:,.0f} ms | 100% '
        f"| {', '.join(f'{x * 1000:,.0f}' for x in c['ask_rounds_s'])} |",
        "",
        f"Per answer, the mean over the set is {c['answer_mean_ms']:.2f} ms and the slowest answer "
        f"{c['answer_max_ms']:.2f} ms (medians over rounds); the whole offline briefing, run once "
        f"in-process, took {b['summarize_s']:.2f} s, its own check included. The seeds are two "
        "articles: a briefing of more outlets has more sentences, differences and citations to check. "
        f"Target ≤ {c['target_share']:.0%} of a cold `qa ask`: it {verdict} for every row.",
    ]


def render(r: dict[str, Any]) -> str:
    """The whole RESULTS.md."""
    m = r["machine"]
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    out = [
        "# qa benchmarks",
        "",
        (
            f"Written by `{r['command']}` on {r['date']} in {r['minutes']:.1f} min; "
            "rerun it rather than editing this file."
        ),
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}; {pk}",
        (
            f"- Load average (1/5/15 min) before: {m['load_before']}; "
            f"after: {r.get('load_after', 'n/a')}. The machine is shared and noisy,"
        ),
        (
            "  so every figure is compared with a reference measured "
            "in the same run, interleaved with it where possible."
        ),
        "",
        "## Summary",
        "",
        *_summary(r),
    ]
    if r.get("embedder"):
        out += ["", "## 1. Embedder", "", *_embedder(r["embedder"])]
    if r.get("ingest"):
        out += ["", "## 2–3. Ingest, growth and incremental ingest", "", *_ingest(r["ingest"])]
    if r.get("query"):
        out += ["", "## 4. Query latency", "", *_query(r["query"])]
    if r.get("retrieval"):
        out += ["", "## 5. Retrieval quality", "", *_retrieval(r["retrieval"])]
    if r.get("startup"):
        st = r["startup"]
        out += [
            "",
            "## 6. Start-up",
            "",
            (
                f"`qa --help`: {st['help_s']:.3f} s; "
                f"`python -c pass`: {st['python_s']:.3f} s (medians of {st['rounds']}, interleaved); "
                f"qa's own share {st['help_beyond_python_s']:.3f} s."
            ),
        ]
    if r.get("arousal"):
        out += ["", "## 7. Briefing arousal (issue 4)", "", *_arousal(r["arousal"])]
    if r.get("sentences"):
        out += ["", "## 8. Sentence splitter: qa vs pysbd", "", *_sentences(r["sentences"])]
    if r.get("large"):
        out += ["", "## 9. One multi-MB article", "", *large_section(r["large"])]
    if r.get("claims"):
        out += ["", "## 10. Cost of the claim check (issue 12)", "", *claims_section(r["claims"])]
    if r.get("offline"):
        title = "## 11. When the offline reader answers (issue 13)"
        out += ["", title, "", *offline_reader.section(r["offline"])]
    if r.get("briefings"):
        out += ["", "## 12. Briefings against the editors' roundups", "", *briefings.section(r["briefings"])]
    if r.get("stories"):
        out += ["", "## 13. Stories in one index (issue 14)", "", *stories.section(r["stories"])]
    if r.get("fetch"):
        out += ["", "## 14. Fetching articles from the web", "", *fetch_speed.section(r["fetch"])]
    ex = r.get("extraction")
    if ex:
        body = [f"Skipped: {ex['skipped']}."] if "skipped" in ex else extraction.section(ex)
        out += ["", "## 15. Article text from real web pages", "", *body]
    if r.get("page"):
        out += ["", "## 16. The HTML page of a briefing", "", *page.section(r["page"])]
    if NOTES.is_file():
        out += ["", NOTES.read_text(encoding="utf-8").strip()]
    return "\n".join(out) + "\n"
