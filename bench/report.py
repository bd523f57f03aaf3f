"""Render the benchmark results as bench/RESULTS.md (a summary table, then each item's detail)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTES = Path(__file__).resolve().parent / "profile_notes.md"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**PASS**" if ok else "**MISS**")


def _n(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _summary(r: dict[str, Any]) -> list[str]:
    rows: list[tuple[str, str, str, str, str, bool | None]] = []
    emb = r.get("embedder") or {}
    if "speedup" in emb:
        rows.append(("1", "embedder, sentences/s", _n(emb["ours_sentences_per_s"]),
                     f"Chroma's ONNXMiniLM_L6_V2, same weights: {_n(emb['chroma_sentences_per_s'])} → **{emb['speedup']:.2f}x**",
                     f"≥ {emb['target_speedup']:.0f}x", emb["pass"]))
    ing = r.get("ingest") or {}
    real = ing.get("real")
    if real:
        rows.append(("2", f"ingest chunks/s, {real['corpus']}: {real['chunks']:,} chunks", _n(real["ingest_chunks_per_s"]),
                     f"bare embedder, same chunks: {_n(real['bare_chunks_per_s'])} → **{real['ratio']:.2f}**",
                     f"≥ {real['target_ratio']}", real["pass"]))
    for g in ing.get("growth", []):
        if "pass" in g:
            rows.append(("2", f"peak RSS, ingest to {g['chunks']:,} chunks (reused vectors)", f"{_n(g['peak_rss_mb'], 0)} MB",
                         f"implied ingest rate {g['implied_ratio']:.2f} of the bare embedder",
                         f"< {g['target_peak_mb']:,} MB", g["pass"]))
    inc = ing.get("incremental")
    if inc:
        rows.append(("3", f"`qa ingest` one article into {inc['index_chunks']:,} chunks", f"{inc['beyond_floor_s']:.2f} s beyond the floor",
                     f"cold wall {inc['cli_wall_s']:.2f} s vs floor {inc['floor_s']:.2f} s",
                     f"< {inc['target_s']:.0f} s", inc["pass"]))
    q = r.get("query") or {}
    sizes = q.get("sizes") or []
    if sizes:
        largest = max(sizes, key=lambda s: s["warm"]["chunks"])
        w = largest["warm"]
        rows.append(("4", f"warm search p95 at {w['chunks']:,} chunks", f"{w['p95_ms']:.1f} ms",
                     f"p50 {w['p50_ms']:.1f} ms", f"< {q['target_p95_ms']:.0f} ms", q["p95_pass"]))
        ratios = ", ".join(f"{s['cold']['ratio']:.2f}x" for s in sizes)
        floors = ", ".join(f"{s['cold']['floor_s']:.2f}" for s in sizes)
        labels = " / ".join(s["label"] for s in sizes)
        rows.append(("4", f"cold `qa ask --offline` at {labels}", ratios, f"floor (import chromadb + load embedder): {floors} s",
                     f"≤ {q['target_cold_ratio']}x each", q["cold_pass"]))
    ret = r.get("retrieval") or {}
    for name, res in ret.items():
        if "modes" not in res:
            continue
        m = res["modes"]
        target = f"≥ {res['target_recall']} and ≥ both" if res.get("target_recall") else "≥ both"
        rows.append(("5", f"hybrid recall@5, {res['label']}", f"{m['hybrid']['recall_at_5']:.3f}",
                     f"dense {m['dense']['recall_at_5']:.3f}, BM25 {m['bm25']['recall_at_5']:.3f}"
                     + (f" (hybrid with RRF: {m['hybrid-rrf']['recall_at_5']:.3f})" if "hybrid-rrf" in m else ""), target, res["pass"]))
    st = r.get("startup")
    if st:
        rows.append(("6", "`qa --help` wall time", f"{st['help_s']:.3f} s", f"`python -c pass`: {st['python_s']:.3f} s",
                     f"< {st['target_s']} s", st["pass"]))
    out = ["| # | figure | measured | reference (same run) | target | result |", "|---|---|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} | {e} | {_verdict(f)} |" for a, b, c, d, e, f in rows]
    return out


def _embedder(emb: dict[str, Any]) -> list[str]:
    if "skipped" in emb:
        return [f"Skipped: {emb['skipped']}."]
    return [
        f"{emb['sentences']} distinct AllSides paragraphs of 30–50 words (mean {emb['mean_words']}), embedded in one call by each.",
        "Chroma's function is given qa's own graph and the bundled tokenizer, so the only differences are its fixed",
        "256-token padding and numpy pooling vs qa's dynamic, length-sorted padding (bench/embedder.py).",
        "",
        "| embedder | sentences/s |", "|---|---|",
        f"| qa (onnxruntime, dynamic padding) | {_n(emb['ours_sentences_per_s'])} |",
        f"| Chroma ONNXMiniLM_L6_V2 (pads to 256) | {_n(emb['chroma_sentences_per_s'])} |",
        "",
        f"Speed-up {emb['speedup']:.2f}x; agreement: cosine min {emb['cosine_min']:.6f}, mean {emb['cosine_mean']:.6f}. "
        f"First ONNX graph build {emb['first_build_s']:.2f} s, cached load {emb['cached_load_s']:.2f} s.",
    ]


def _ingest(ing: dict[str, Any]) -> list[str]:
    real = ing["real"]
    b = real["breakdown_s"]
    out = [
        f"**{real['corpus']}**: {real['articles']:,} articles → {real['chunks']:,} chunks. Ingest runs `qa.ingest.ingest()` in a",
        "fresh process (chromadb, langchain and onnxruntime imported before the clock starts: those are process-start",
        "costs, measured in items 3, 4 and 6); the bare embedder embeds the same chunk texts in one call in another fresh",
        f"process. They alternate, {real['rounds']} rounds each; the best round of each is compared.",
        "",
        "| | chunks/s (best) | all rounds | peak RSS |", "|---|---|---|---|",
        f"| bare embedder | {_n(real['bare_chunks_per_s'])} | {', '.join(_n(x) for x in real['bare_rounds'])} | {_n(real['bare_peak_rss_mb'], 0)} MB |",
        f"| qa ingest | {_n(real['ingest_chunks_per_s'])} | {', '.join(_n(x) for x in real['ingest_rounds'])} | {_n(real['peak_rss_mb'], 0)} MB |",
        "",
        f"Ratio **{real['ratio']:.2f}** (target ≥ {real['target_ratio']}). Cross-checks that machine noise cannot move much: "
        f"CPU seconds per chunk, bare / ingest = {real['cpu_ratio']:.2f}; inside the best ingest, embedding took "
        f"{b['embed_s']:.1f} of {b['seconds']:.1f} s (**{real['embed_share']:.0%}**), Chroma upserts {b['chroma_upsert_s']:.1f} s, "
        f"SQLite/FTS5 commits {b['sqlite_commit_s']:.2f} s, the rest (load, chunk, open the index, load the model) {b['other_s']:.1f} s.",
        "",
        "**Growth (reused vectors).** Each size is built from scratch in its own process from copies of the corpus",
        "(ids suffixed `-xNNN`, text unchanged, one JSONL file per copy) through qa's own ingest path, with only the",
        "model's forward pass replaced by a lookup of the corpus's real vectors plus N(0, 0.01) noise per dimension",
        "(re-normalised). Loading, chunking, batching, Chroma upserts and SQLite/FTS5 commits are all real. "
        "\"implied\" = 1 / (1/embedder + 1/write path): the ingest rate with the real model at this size.",
        "",
        "| size | chunks | articles | write path chunks/s | Chroma upsert s | SQLite commit s | other s | implied ingest / bare embedder | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for g in ing["growth"]:
        bd = g["breakdown_s"]
        out.append(
            f"| {g['size']:,} | {g['chunks']:,} | {g['articles']:,} | {_n(g['write_chunks_per_s'], 0)} | {bd['chroma_upsert_s']:.1f} | "
            f"{bd['sqlite_commit_s']:.1f} | {bd['other_s']:.1f} | {g['implied_ratio']:.2f} | {_n(g['peak_rss_mb'], 0)} MB |"
        )
    inc = ing["incremental"]
    ib = inc["in_process_breakdown_s"]
    out += [
        "",
        f"**Incremental.** `qa ingest one.jsonl` (one new article) into the {inc['index_chunks']:,}-chunk index, cold, as a user runs it,",
        f"alternating with the floor process, {inc['rounds']} rounds (medians): {inc['cli_wall_s']:.2f} s vs floor {inc['floor_s']:.2f} s → "
        f"**{inc['beyond_floor_s']:.2f} s beyond the floor** (target < {inc['target_s']:.0f} s). In-process, after imports, the same kind of",
        f"update takes {inc['in_process_s']:.2f} s: embedding {ib['embed_s']:.2f} s, Chroma upsert {ib['chroma_upsert_s']:.2f} s, SQLite/FTS5 "
        f"commit {ib['sqlite_commit_s']:.3f} s, the rest (open the index and model, chunk) {ib['other_s']:.2f} s. The BM25 index is",
        "SQLite FTS5, updated in the article's own transaction: nothing is rebuilt.",
    ]
    return out


def _query(q: dict[str, Any]) -> list[str]:
    out = [
        "Warm: in one process, after a warm-up pass, `search()` (hybrid, k=6 as `qa ask` uses) over every question,",
        "twice; components timed alone on the same questions. Cold: `qa ask QUESTION --offline --json` and",
        "`qa search QUESTION --json` (retrieval alone), alternating with the floor process (`import chromadb` + load",
        "the embedder), medians.",
        "",
        "| index | chunks | p50 | p95 | BM25 p95 | embed query p95 | Chroma query p95 | fetch chunks p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in q["sizes"]:
        w, comp = s["warm"], s["warm"]["components"]
        out.append(
            f"| {s['label']} | {w['chunks']:,} | {w['p50_ms']:.1f} ms | **{w['p95_ms']:.1f} ms** | {comp['bm25']['p95_ms']:.1f} | "
            f"{comp['embed_query']['p95_ms']:.1f} | {comp['chroma_query']['p95_ms']:.1f} | {comp['fetch_chunks']['p95_ms']:.1f} |"
        )
    out += [
        "",
        "| index | floor | cold `qa search` | search / floor | cold `qa ask --offline` | ask / floor | ask / floor, CPU s | ask peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in q["sizes"]:
        c = s["cold"]
        out.append(
            f"| {s['label']} | {c['floor_s']:.2f} s | {c['search_s']:.2f} s | {c['search_ratio']:.2f}x | {c['ask_s']:.2f} s | "
            f"**{c['ratio']:.2f}x** | {c['cpu_ratio']:.2f}x | {_n(c['ask_peak_rss_mb'], 0)} MB |"
        )
    return out


def _retrieval(ret: dict[str, Any]) -> list[str]:
    out = [
        "A hit is relevant when it lies in a gold evidence article and covers at least half of the gold quote (or is at",
        "least half quote). recall@5 from `search(k=5)`, MRR@10 from `search(k=10)`, doc recall@5 = a gold article in",
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
            out.append(f"| {res['label']} | {res['questions']} | {mode} | {m['recall_at_5']:.3f} | {m['mrr_at_10']:.3f} | "
                       f"{m['doc_recall_at_5']:.3f} | {misses} |")
    return out


def render(r: dict[str, Any]) -> str:
    """The whole RESULTS.md."""
    m = r["machine"]
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    out = [
        "# qa benchmarks",
        "",
        f"Written by `{r['command']}` on {r['date']} in {r['minutes']:.1f} min; rerun it rather than editing this file.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}; {pk}",
        f"- Load average (1/5/15 min) before: {m['load_before']}; after: {r.get('load_after', 'n/a')}. The machine is shared and noisy,",
        "  so every figure is compared with a reference measured in the same run, interleaved with it where possible.",
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
        out += ["", "## 6. Start-up", "",
                f"`qa --help`: {st['help_s']:.3f} s; `python -c pass`: {st['python_s']:.3f} s (medians of {st['rounds']}, interleaved); "
                f"qa's own share {st['help_beyond_python_s']:.3f} s."]
    if NOTES.is_file():
        out += ["", NOTES.read_text(encoding="utf-8").strip()]
    return "\n".join(out) + "\n"
