"""Item 15: article text from real web pages, against the text a person marked as the article.

The pages are ``../shared/corpora/news-html`` (91 pages of the Zyte / Scrapinghub Article Extraction
Benchmark, MIT): each page's ``articleBody`` is the truth. Scored as that benchmark scores: 4-word
shingles (lower-cased, punctuation dropped), precision / recall / F1 per page, averaged over pages.

What is scored for qa is its **citable text**: each page is loaded by the real loader
(``qa.ingest.loaders.load_html_text``), chunked by ``qa.ingest.chunking.chunk_article`` with the
default settings, and the union of the chunk spans is the text (what qa can retrieve and quote; text
left out as furniture does not count). trafilatura's default ``extract(html)`` is scored in the same
run, as the reference.

The pages are split into two fixed halves by the SHA-256 of their names: ``tune`` (first byte even;
the constants and patterns of ``qa.ingest.html`` were chosen looking at it only) and ``held``
(only reported). Targets, on all pages: citable-text F1 ≥ trafilatura's F1 + 0.01, recall ≥ 0.95.

Usage: ``python -m bench.extraction`` (stores the result, re-renders RESULTS.md) or ``--print``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("QA_BENCH_NEWS_HTML") or ROOT.parent / "shared" / "corpora" / "news-html")
F1_MARGIN = 0.01
MIN_RECALL = 0.95
SHINGLE = 4
WORST = 8  # pages listed with their lost lines in RESULTS.md
_TOKEN = re.compile(r"\w+")


def have_pages(corpus: Path = CORPUS) -> bool:
    """True when the news-html pages and their truth are readable (they live outside the project)."""
    return (corpus / "ground-truth.json").is_file()


def shingles(text: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    """The benchmark's word shingles of a text: n-word runs of its lower-cased \\w+ tokens."""
    words = _TOKEN.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))} if words else set()


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``predicted`` against ``truth`` (the benchmark's shingle matching)."""
    p, t = shingles(predicted), shingles(truth)
    tp, fp, fn = len(p & t), len(p - t), len(t - p)
    if fp == fn == 0:
        return 1.0, 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0, 0.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def half_of(name: str) -> str:
    """The fixed half a page belongs to: ``tune`` when its name's SHA-256 starts with an even byte."""
    return "tune" if hashlib.sha256(name.encode("utf-8")).digest()[0] % 2 == 0 else "held"


def citable_text(html: str, source: str, url: str | None = None) -> tuple[str, Any]:
    """The union of the chunk spans qa makes of a page (joined by newlines), and its Article."""
    from qa.errors import LoadError
    from qa.ingest.chunking import chunk_article
    from qa.ingest.loaders import load_html_text

    try:
        article = load_html_text(html, source, url)
    except LoadError:
        return "", None
    spans: list[list[int]] = []
    for chunk in chunk_article(article):
        if spans and chunk.start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], chunk.end)
        else:
            spans.append([chunk.start, chunk.end])
    return "\n".join(article.text[s:e] for s, e in spans), article


def lost_lines(truth: str, predicted: str, limit: int = 6) -> list[str]:
    """Lines of the truth whose words do not appear, in order, in the predicted text (lost to a reader)."""
    have = " " + " ".join(_TOKEN.findall(predicted.lower())) + " "
    out = []
    for line in truth.splitlines():
        words = _TOKEN.findall(line.lower())
        if words and f" {' '.join(words)} " not in have:
            out.append(" ".join(line.split())[:140])
            if len(out) == limit:
                break
    return out


def _mean(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    n = max(len(rows), 1)
    return {
        m: round(sum(r[key][i] for r in rows) / n, 4) for i, m in enumerate(("precision", "recall", "f1"))
    }


def score_pages(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """Per page: qa's citable text and trafilatura's default output, each scored against the truth."""
    import trafilatura

    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    # The shared corpus keeps its pages in pages/; the tests' copy keeps them beside the truth.
    folder = corpus / "pages" if (corpus / "pages").is_dir() else corpus
    rows = []
    for name in sorted(truth):
        html = (folder / f"{name}.html").read_bytes().decode("utf-8")
        body, url = truth[name]["articleBody"], truth[name].get("url") or None
        # The loader reads a saved page from a file, where no URL is known: so does this.
        ours, article = citable_text(html, f"{name}.html")
        reference = trafilatura.extract(html) or ""
        rows.append(
            {
                "page": name,
                "url": url,
                "half": half_of(name),
                "qa": prf(ours, body),
                "trafilatura": prf(reference, body),
                "outlet": article.outlet if article is not None else "",
                "lost": lost_lines(body, ours),
            }
        )
    return rows


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Averages per half and over all pages, for qa and trafilatura, and whether the targets are met."""
    out: dict[str, Any] = {}
    for name in ("tune", "held", "all"):
        members = [r for r in rows if name == "all" or r["half"] == name]
        out[name] = {
            "pages": len(members),
            "qa": _mean(members, "qa"),
            "trafilatura": _mean(members, "trafilatura"),
        }
    every = out["all"]
    out["pass"] = bool(
        every["qa"]["f1"] >= every["trafilatura"]["f1"] + F1_MARGIN and every["qa"]["recall"] >= MIN_RECALL
    )
    return out


def run(work: Path | None = None, corpus: Path = CORPUS) -> dict[str, Any] | None:
    """The item on the news-html pages; None without them."""
    if not have_pages(corpus):
        return None
    import datetime as dt

    from bench import common

    rows = score_pages(corpus)
    worst = sorted(rows, key=lambda r: r["qa"][2])[:WORST]
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(),
        "corpus": str(corpus),
        **summarize(rows),
        "targets": {"f1_margin": F1_MARGIN, "min_recall": MIN_RECALL},
        "worst": [
            {
                "page": r["page"],
                "url": r["url"],
                "half": r["half"],
                "qa": [round(x, 3) for x in r["qa"]],
                "trafilatura": [round(x, 3) for x in r["trafilatura"]],
                "lost": r["lost"],
            }
            for r in worst
        ],
    }


def _prf(m: dict[str, float]) -> str:
    return f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}"


def summary_row(r: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    """Item 15's line in the summary table of bench/RESULTS.md."""
    a = r["all"]
    return (
        "15",
        f"article text of {a['pages']} real web pages: F1 of qa's citable text (the chunk spans)",
        f"F1 {a['qa']['f1']:.3f}, recall {a['qa']['recall']:.3f} (held half: F1 {r['held']['qa']['f1']:.3f})",
        f"trafilatura default: F1 {a['trafilatura']['f1']:.3f}, recall {a['trafilatura']['recall']:.3f}",
        f"F1 ≥ trafilatura + {r['targets']['f1_margin']}, recall ≥ {r['targets']['min_recall']}",
        r["pass"],
    )


def section(r: dict[str, Any]) -> list[str]:
    """Item 15's section: both halves and all pages, qa beside trafilatura, and the worst pages."""
    m = r["machine"]
    out = [
        f"Measured by `python -m bench.extraction` on {r['date']} ({m['cpu']}, {m['cores']} cores): the "
        "news-html pages (Zyte Article Extraction Benchmark, MIT), scored by 4-word shingles against each "
        "page's `articleBody`, averaged per page. qa's text is the union of its chunk spans (loader, then "
        "chunking, as ingest does: furniture left out counts as lost); trafilatura's is `extract(html)` "
        "with its defaults, in the same run. The `tune` half (names whose SHA-256 starts with an even "
        "byte) is where qa's patterns and constants were chosen; `held` was only measured.",
        "",
        "| pages | n | qa P / R / F1 | trafilatura default P / R / F1 |",
        "|---|---:|---|---|",
    ]
    for name in ("tune", "held", "all"):
        h = r[name]
        out.append(f"| {name} | {h['pages']} | {_prf(h['qa'])} | {_prf(h['trafilatura'])} |")
    verdict = "met" if r["pass"] else "**not met**"
    t = r["targets"]
    out += [
        "",
        f"Targets on all pages (F1 ≥ trafilatura's + {t['f1_margin']}, "
        f"recall ≥ {t['min_recall']}): {verdict}.",
        "",
        f"The {len(r['worst'])} pages where qa's F1 is lowest, with up to six lines of the truth none of "
        "whose shingles qa's citable text holds:",
        "",
    ]
    for w in r["worst"]:
        qa_p, qa_r, qa_f = w["qa"]
        out.append(
            f"- `{w['page'][:12]}` ({w['half']}; {w['url']}): qa P {qa_p} R {qa_r} F1 {qa_f}; "
            f"trafilatura F1 {w['trafilatura'][2]}"
        )
        out += [f"  - lost: {line!r}" for line in w["lost"]] or ["  - lost: nothing whole (precision)"]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the item and store it in bench/results.json (``--print``: print the JSON instead)."""
    from bench import common

    return common.item_main("extraction", "bench.extraction", __doc__ or "", lambda work: run(work), argv)


if __name__ == "__main__":
    raise SystemExit(main())
