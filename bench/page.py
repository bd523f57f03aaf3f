"""Item 16: the HTML page of a 30-article briefing (`qa summarize --format html`): size, render, open.

The first ``N_EVENTS`` AllSides events (../shared/corpora/allsides/events.jsonl) whose three outlets
each have at least ``MIN_WORDS`` words give 30 articles, ingested offline into a fresh index and
briefed in one offline briefing (``summarize(corpus, None, words=250, offline=True)``, every article
made to join one story: ten events are ten stories, and summarize would brief only the largest).
The page is ``briefing_html(b, article_views(corpus, briefed_doc_ids(b)))``. Measured:

* **render**: milliseconds per ``briefing_html``, the first call (template compiled, assets read)
  apart, then the median of ``rounds``; the Markdown and terminal briefings of the same briefing
  are rendered in the same rounds, interleaved, as the reference;
* **size**: bytes, gzip bytes, ``<mark>`` elements (cited spans, or their pieces), ``<article>``
  elements, characters of article text;
* **open**: in headless Chromium (/usr/bin/chromium, one browser), ``rounds`` times, each in a fresh
  context, alternating with a minimal page (the reference) and which goes first: the wall time of
  ``goto(file://…, wait_until="load")``, the Navigation Timing ``domContentLoadedEventEnd`` and
  ``loadEventEnd`` and the first contentful paint, all in ms since navigation start; medians.
  Every request the pages make and every console error is recorded.

Target: the page's median ``loadEventEnd`` under 1 s (``open_ok``), nothing loaded but the file
itself, no console error. Without ../shared the in-project sample (12 articles) is briefed instead
and the target is not judged; without Chromium (or Playwright) the open part is skipped.

Usage: ``python -m bench.page`` (stores the result, re-renders RESULTS.md) or ``--print``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import common
from bench.allsides import STANCES, load_events, to_articles, write_jsonl

if TYPE_CHECKING:  # pragma: no cover
    from qa.answer.spans import ArticleView
    from qa.briefing.model import Briefing

N_EVENTS, MIN_WORDS, WORDS = 10, 50, 250
ROUNDS, QUICK_ROUNDS = 9, 2
TARGET_LOAD_MS = 1000.0
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = (
    *("--no-sandbox", "--disable-gpu", "--disable-background-networking"),
    *("--disable-component-update", "--disable-sync", "--no-first-run"),
)
REFERENCE_PAGE = (
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Reference</title></head>\n'
    "<body><p>A minimal page.</p></body>\n</html>\n"
)
_NAVIGATION = (
    "() => { const n = performance.getEntriesByType('navigation')[0]; "
    "return [n.domContentLoadedEventEnd, n.loadEventEnd]; }"
)
# Headless Chromium may paint after the load event: wait for the entry, a few seconds at most.
_FIRST_PAINT = """() => new Promise(resolve => {
  const found = () => performance.getEntriesByName('first-contentful-paint')[0];
  if (found()) return resolve(found().startTime);
  new PerformanceObserver(() => found() && resolve(found().startTime))
    .observe({type: 'paint', buffered: true});
  setTimeout(() => resolve(null), 3000);
})"""
_COUNTS = "() => ['article', 'mark'].map(tag => document.querySelectorAll(tag).length)"


def corpus_articles(n: int = N_EVENTS) -> list[dict[str, Any]]:
    """The articles of the first ``n`` events whose three outlets each have ``MIN_WORDS`` words or more."""
    chosen: list[dict[str, Any]] = []
    for event in load_events(common.EVENTS):
        rows = list(to_articles([event]))
        if len(rows) == len(STANCES) and all(len(r["text"].split()) >= MIN_WORDS for r in rows):
            chosen += rows
            if len(chosen) == n * len(STANCES):
                break
    return chosen


def brief(work: Path, articles: Path) -> tuple[Briefing, dict[str, ArticleView]]:
    """Index the articles offline and brief them all at once; the briefing and the page's article views."""
    from qa.answer.spans import article_views
    from qa.briefing import stories
    from qa.briefing.summarize import summarize
    from qa.config import load_settings
    from qa.evaluation.runner import open_set_corpus
    from qa.render.html import briefed_doc_ids

    settings = load_settings(env={}, dotenv=None, index=work / "index")
    in_code = stories.STORY_SAME, stories.STORY_DAYS
    # Ten events are ten stories and summarize briefs the largest only: with any similarity and any
    # date gap joining the first story, the page is that of one briefing of every article.
    stories.STORY_SAME, stories.STORY_DAYS = -1.0, 10**6
    try:
        with open_set_corpus(settings, [articles], lambda message: None) as corpus:
            b = summarize(corpus, None, words=WORDS, offline=True)
            views = article_views(corpus, briefed_doc_ids(b))
    finally:
        stories.STORY_SAME, stories.STORY_DAYS = in_code
    return b, views


def render_times(b: Briefing, views: dict[str, ArticleView], rounds: int) -> dict[str, Any]:
    """Milliseconds per render of the page and, interleaved, of the Markdown and terminal briefings."""
    from qa.render import html
    from qa.render.markdown import briefing_markdown
    from qa.render.terminal import briefing_text

    importlib.import_module("jinja2")  # a process-start cost, as item 6 counts them: not the render's
    # The first render compiles the template and reads the assets, even when this process made a page
    # before (a test, another item).
    html._template.cache_clear()
    html._asset.cache_clear()
    renderers: dict[str, Callable[[], str]] = {
        "html": lambda: html.briefing_html(b, views),
        "md": lambda: briefing_markdown(b),
        "text": lambda: briefing_text(b),
    }
    ms: dict[str, list[float]] = {name: [] for name in renderers}
    for _ in range(rounds + 1):
        for name, render in renderers.items():
            start = time.perf_counter()
            render()
            ms[name].append((time.perf_counter() - start) * 1000)
    warm = {name: common.median(values[1:]) for name, values in ms.items()}
    return {
        **{f"{name}_ms": round(value, 3) for name, value in warm.items()},
        **{f"{name}_first_ms": round(values[0], 3) for name, values in ms.items()},
        "html_rounds_ms": [round(x, 2) for x in ms["html"][1:]],
        "ratio_md": round(warm["html"] / warm["md"], 2),
    }


def page_size(page: str, views: Iterable[ArticleView]) -> dict[str, int]:
    """Bytes, gzip bytes, <mark> and <article> elements, cited spans and characters of article text."""
    data = page.encode("utf-8")
    return {
        "bytes": len(data),
        "gzip_bytes": len(gzip.compress(data, mtime=0)),
        "marks": len(re.findall(r"<mark\b", page)),
        "spans": len(set(re.findall(r'\bid="(span-\d+)"', page))),
        "articles": len(re.findall(r"<article\b", page)),
        "article_chars": sum(len(v.text) for v in views),
    }


def browser_missing() -> str | None:
    """Why headless Chromium cannot be driven here, or None when it can."""
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}"
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        return "Playwright is not installed (`pip install -e '.[dev]'`)"
    return None


def _open(browser: Any, uri: str, requests: list[str], console: list[tuple[str, str]]) -> dict[str, Any]:
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.on("request", lambda request: requests.append(request.url))
        tab.on("console", lambda message: console.append((message.type, message.text)))
        tab.on("pageerror", lambda error: console.append(("error", str(error))))
        start = time.perf_counter()
        tab.goto(uri, wait_until="load")
        goto_ms = (time.perf_counter() - start) * 1000
        tab.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
        dcl_ms, load_ms = tab.evaluate(_NAVIGATION)
        fcp_ms = tab.evaluate(_FIRST_PAINT)
        return {
            "goto_ms": goto_ms,
            "dcl_ms": dcl_ms,
            "load_ms": load_ms,
            "fcp_ms": fcp_ms,
            "dom": tab.evaluate(_COUNTS),
        }
    finally:
        context.close()


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("goto_ms", "dcl_ms", "load_ms", "fcp_ms"):
        values = [r[key] for r in runs if r[key] is not None]
        out[key] = round(common.median(values), 1) if values else None
    out["load_rounds_ms"] = [round(r["load_ms"], 1) for r in runs]
    out["no_paint_rounds"] = sum(r["fcp_ms"] is None for r in runs)
    return out


def open_times(pages: dict[str, Path], rounds: int) -> dict[str, Any]:
    """Open each page ``rounds`` times in headless Chromium, fresh contexts, alternating; medians in ms."""
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in pages}
    requests: list[str] = []
    console: list[tuple[str, str]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(BROWSER_ARGS))
        try:
            version = browser.version
            for r in range(rounds):
                # Which goes first alternates: the first open of a round may pay for the last one's cleanup.
                for name in list(pages)[:: 1 if r % 2 == 0 else -1]:
                    runs[name].append(_open(browser, pages[name].as_uri(), requests, console))
        finally:
            browser.close()
    own = {path.as_uri() for path in pages.values()}
    return {
        "chromium": version,
        "rounds": rounds,
        **{name: _medians(found) for name, found in runs.items()},
        "dom": runs["page"][0]["dom"],
        "other_requests": sorted(set(requests) - own),
        "console_errors": sorted({text for kind, text in console if kind == "error"}),
    }


def run(work: Path, quick: bool = False, rounds: int | None = None) -> dict[str, Any]:
    """The item: the corpus's 30 articles (with ``quick`` or without ../shared, the in-project sample)."""
    from qa.render.html import briefing_html

    rounds = rounds or (QUICK_ROUNDS if quick else ROUNDS)
    work.mkdir(parents=True, exist_ok=True)
    if common.have_allsides() and not quick:
        rows = corpus_articles()
        source = work / "articles.jsonl"
        write_jsonl(rows, source)
        label = (
            f"AllSides events.jsonl: the first {N_EVENTS} events whose three outlets each have at least "
            f"{MIN_WORDS} words"
        )
        expected: int | None = N_EVENTS * len(STANCES)
    else:
        source, label, expected = common.SAMPLE, "the in-project sample eval/allsides_sample.jsonl", None
    started = time.perf_counter()
    b, views = brief(work, source)
    brief_s = time.perf_counter() - started
    render = render_times(b, views, rounds)
    page = briefing_html(b, views)
    size = page_size(page, views.values())
    briefed = sum(len(o.doc_ids) for o in b.outlets)
    if not size["articles"] == len(views) == briefed == (expected or briefed):
        raise RuntimeError(
            f"the page holds {size['articles']} articles, {len(views)} views, {briefed} briefed "
            f"(expected {expected or briefed})"
        )
    missing = browser_missing()
    if missing:
        browser: dict[str, Any] = {"skipped": missing}
        open_ok = None
    else:
        (work / "page.html").write_text(page, encoding="utf-8")
        (work / "reference.html").write_text(REFERENCE_PAGE, encoding="utf-8")
        browser = open_times({"page": work / "page.html", "reference": work / "reference.html"}, rounds)
        browser["ratio_load"] = round(browser["page"]["load_ms"] / browser["reference"]["load_ms"], 2)
        browser["ratio_goto"] = round(browser["page"]["goto_ms"] / browser["reference"]["goto_ms"], 2)
        open_ok = browser["page"]["load_ms"] < TARGET_LOAD_MS
    clean = "skipped" not in browser and not browser["other_requests"] and not browser["console_errors"]
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(),
        "source": label,
        "events": sorted({d.split("-")[1] for d in views}),
        "rounds": rounds,
        "words": WORDS,
        "briefing": {
            "outlets": len(b.outlets),
            "sentences": len(b.sentences),
            "differences": len(b.differences),
            "dropped": len(b.dropped),
            "seconds": round(brief_s, 2),
        },
        "render": render,
        "size": size,
        "browser": browser,
        "expected_articles": expected,
        "target_load_ms": TARGET_LOAD_MS,
        "open_ok": open_ok,
        "pass": None if open_ok is None or expected is None else bool(open_ok and clean),
    }


def _kb(n: int) -> str:
    return f"{n / 1000:,.1f} kB"


def summary_row(r: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    """Item 16's line in the summary table of bench/RESULTS.md."""
    s, rd, br = r["size"], r["render"], r["browser"]
    what = f"HTML page of a {s['articles']}-article briefing: open in headless Chromium (median load event)"
    made = f"{_kb(s['bytes'])} ({_kb(s['gzip_bytes'])} gzip), rendered in {rd['html_ms']:.1f} ms"
    if "skipped" in br:
        return ("16", what, f"skipped: {br['skipped']}; {made}", "", "", None)
    return (
        "16",
        what,
        f"{br['page']['load_ms']:.0f} ms; {made}",
        f"minimal page: {br['reference']['load_ms']:.0f} ms → **{br['ratio_load']:.2f}x**; Markdown "
        f"render {rd['md_ms']:.2f} ms → {rd['ratio_md']:.1f}x",
        f"< {r['target_load_ms']:,.0f} ms; nothing fetched; no console error",
        r["pass"],
    )


def section(r: dict[str, Any]) -> list[str]:
    """Item 16's section: the briefing, its render against Markdown and text, the page's size, its opening."""
    m, b, rd, s, br = r["machine"], r["briefing"], r["render"], r["size"], r["browser"]
    out = [
        f"Measured by `python -m bench.page` on {r['date']} ({m['cpu']}, {m['cores']} cores, load "
        f"{m['load_before']}). Articles: {r['source']} (events {', '.join(r['events'])}), {s['articles']} "
        f"articles ingested offline into a fresh index and briefed in one offline briefing of {r['words']} "
        f"words, every article made to join one story ({len(r['events'])} events are as many stories: "
        f"summarize would brief the largest only); {b['outlets']} outlets, {b['sentences']} sentences, "
        f"{b['differences']} differences, {b['dropped']} dropped; ingest and briefing {b['seconds']:.1f} s. "
        "The page is `briefing_html(b, article_views(corpus, briefed_doc_ids(b)))`.",
        "",
        f"**Render** (one process, {r['rounds']} interleaved rounds after a first call each, medians):",
        "",
        "| renderer | first call | median | vs Markdown |",
        "|---|---:|---:|---:|",
        f"| `briefing_html` (the page) | {rd['html_first_ms']:.1f} ms | **{rd['html_ms']:.2f} ms** "
        f"| {rd['ratio_md']:.1f}x |",
        f"| `briefing_markdown` (reference) | {rd['md_first_ms']:.2f} ms | {rd['md_ms']:.2f} ms | 1.0x |",
        f"| `briefing_text` | {rd['text_first_ms']:.2f} ms | {rd['text_ms']:.2f} ms "
        f"| {rd['text_ms'] / rd['md_ms']:.1f}x |",
        "",
        "The page's first call compiles the template and reads its style and script (jinja2 already "
        f"imported); its rounds: {', '.join(f'{x:.1f}' for x in rd['html_rounds_ms'])} ms.",
        "",
        f"**Size**: {s['bytes']:,} bytes, {s['gzip_bytes']:,} gzipped (stdlib gzip, level 9): "
        f"{s['articles']} `<article>` elements holding {s['article_chars']:,} characters of article text "
        f"({s['article_chars'] / s['bytes']:.0%} of the page's bytes), {s['marks']} `<mark>` elements for "
        f"{s['spans']} cited spans.",
        "",
    ]
    unjudged = (
        []
        if r["expected_articles"]
        else ["", "The in-project sample, not the 30-article page: the target is not judged."]
    )
    if "skipped" in br:
        return [*out, f"**Open in headless Chromium**: skipped, {br['skipped']}.", *unjudged]
    page, ref = br["page"], br["reference"]

    def row(name: str, x: dict[str, Any]) -> str:
        fcp = "–" if x["fcp_ms"] is None else f"{x['fcp_ms']:.0f} ms"
        return (
            f"| {name} | {x['goto_ms']:.0f} ms | {x['dcl_ms']:.0f} ms | **{x['load_ms']:.0f} ms** | {fcp} "
            f"| {', '.join(f'{v:.0f}' for v in x['load_rounds_ms'])} |"
        )

    verdict = "met" if r["open_ok"] else "**not met**"
    fetched = ", ".join(br["other_requests"]) or "none"
    errors = "; ".join(br["console_errors"]) or "none"
    unpainted = page["no_paint_rounds"] + ref["no_paint_rounds"]
    out += [
        f"**Open in headless Chromium** {br['chromium']} (file:// URI, one browser, {br['rounds']} rounds, "
        "each page in a fresh context, alternating which goes first; medians, ms since navigation start "
        "except the `goto` wall time):",
        "",
        '| page | `goto(…, wait_until="load")` wall | DOMContentLoaded end | load event end '
        "| first contentful paint | load event end, each round |",
        "|---|---:|---:|---:|---:|---|",
        row(f"the briefing page ({_kb(s['bytes'])})", page),
        row("a minimal page (reference)", ref),
        "",
        f"Load event: **{br['ratio_load']:.2f}x** the minimal page's (`goto` wall: {br['ratio_goto']:.2f}x). "
        f"Target: median load event end < {r['target_load_ms']:,.0f} ms: {verdict}. In the browser the page "
        f"holds {br['dom'][0]} `<article>` and {br['dom'][1]} `<mark>` elements. Requests other than the "
        f"pages' own files: {fetched}. Console errors: {errors}."
        + (f" No first paint was reported within 3 s in {unpainted} opens." if unpainted else ""),
    ]
    return [*out, *unjudged]


def main(argv: list[str] | None = None) -> int:
    """Run the item and store it in bench/results.json (``--print``: print the JSON instead)."""
    return common.item_main("page", "bench.page", __doc__ or "", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
