"""Item 12: the offline briefing against the AllSides editors' roundups.

Each AllSides event (../shared/corpora/allsides/events.jsonl) has a ``roundup``: the editors' neutral
summary of the story and of how the outlets covered it. For a fixed spread of events that have
three outlets with text and a roundup (every k-th such event across the file, ``N_EVENTS`` of them,
alternately ``tune`` and ``held``: the tune half is what constants may be set on, the held half is
only reported), the event's articles are ingested into a fresh temporary index and
``summarize(corpus, words=W, offline=True)`` is run, W being the roundup's word count (its
paragraphs joined, editors' update notes removed: see :func:`clean_roundup`). Measured, for the
briefing body (its sentences, all sections) and for a **lead** baseline (each outlet's first
reporting sentences in turn, cut at W words):

* **length**: body words / W, and whether it reaches 0.85 of W;
* **outlets**: which outlets the body cites (verified citations), and the body with "Where the
  sources differ"; whether every outlet is cited in the body;
* **ROUGE-1 / ROUGE-2 F1** against the roundup (Google's ``rouge-score``, ``use_stemmer=True``), for
  the body and the lead; None when rouge-score is not installed (it is in the ``bench`` extra);
* **charge**: strongly valenced words per 100 words, a word being strong when its VADER valence
  has |valence| >= ``STRONG`` (2.0 on VADER's -4..4 scale; words are letter tokens, as in
  bench/arousal.py); None without vaderSentiment;
* **false "only X" figures**: every ``only_one_figure`` difference ("Only <Outlet> gives the figure
  …") is checked by script: its figures are parsed with ``qa.figures.numbers`` and looked for in
  the *other* outlets' whole article texts; the item is false when one has the same value. Every
  ``figures`` difference ("<A> and <B> give different figures") is false when its two quoted
  figures are the same value. "Same value" is :func:`same_value`: equal within half a unit of
  the last significant digit of the coarser figure, counted at no fewer than 2 significant
  digits (45,000 = 45,469 and 1.2 = 1.25, but 45,109 ≠ 45,469 and $1 trillion ≠ $1.2 trillion);
  every figure of a range counts ("19-0", "18 to 64", "19-to-0"), and "a million" is 1,000,000.

Targets (held split and all events): mean body ≥ 0.85 of W; every outlet cited in the body in
≥ 90% of briefings; ROUGE-1 ≥ the lead's; false only-X figures ≤ 5% of those items; charge not
above the lead's. They set the bar for work on the briefing; today's briefing is not expected to
meet them all.

Usage::

    python -m bench.briefings              # N_EVENTS events: into bench/results.json, RESULTS.md re-rendered
    python -m bench.briefings --print      # print the JSON only
    python -m bench.briefings --events 40  # fewer events
    python -m bench.briefings --quick      # a few events (without ../shared, the in-project ones); prints
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from statistics import mean
from typing import TYPE_CHECKING, Any

from bench import common
from bench.allsides import load_events, to_articles
from qa.jsonl import read_objects

if TYPE_CHECKING:  # pragma: no cover
    from qa.figures import Number

# Roundups of the four events of eval/allsides_sample.jsonl, copied from the corpus (id, issue,
# roundup): the articles stay in the sample, so the item runs without ../shared.
ROUNDUPS = common.ROOT / "bench" / "data" / "allsides_roundups.jsonl"
IN_PROJECT = "the in-project sample: eval/allsides_sample.jsonl with bench/data/allsides_roundups.jsonl"
N_EVENTS = 60
QUICK_EVENTS = 4
STRONG = 2.0  # |VADER valence| at which a word counts as strongly charged
SPLITS = ("tune", "held")
TARGETS = {
    "body_ratio": 0.85,  # mean body words / W, at least
    "all_outlets_in_body": 0.9,  # share of briefings whose body cites every outlet, at least
    "false_only_share": 0.05,  # false only-X figure items / all such items, at most
}
CHECKED_KINDS = ("only_one_figure", "figures")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Editors' notes inside a roundup: "Updated 10/15/21 at 1:48 p.m. ET with …", "Update 5/5/21 …:",
# "Editor's Note: …" at the end of a paragraph, and a leading "Editor's Note, <date>: <news>. The
# following summary was written and published prior to those events."
_TRAILING_NOTE = re.compile(
    r"(?<=[.!?\"”’)])\s*(?:Editor['’]s Note\b|Updated?\s+(?:at\s+)?\d{1,2}[/:]).*$", re.DOTALL
)
_LEADING_NOTE = re.compile(
    r"^\s*Editor['’]s Note\b.*?(?:prior to|before) (?:those|these) events\.\s*", re.DOTALL
)
_ONLY = re.compile(r"^Only (?P<outlet>.+?) gives the figure (?P<shown>.+?): “(?P<quote>.*)”; ")
_PAIR = re.compile(
    r"^(?P<a>.+?) and (?P<b>.+?) give different figures: (?P=a) reports “(?P<qa>.*)”, (?P=b) “(?P<qb>.*)”\.$"
)


# -- the events ---------------------------------------------------------------------------------


def clean_roundup(paragraphs: Iterable[str] | str) -> str:
    """The roundup as one text: paragraphs joined by a space, editors' update notes and blank
    paragraphs removed, non-breaking spaces and tabs made plain spaces."""
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    kept = []
    for raw in paragraphs:
        text = " ".join(raw.replace("\xa0", " ").split())
        text = _TRAILING_NOTE.sub("", _LEADING_NOTE.sub("", text)).strip()
        if text:
            kept.append(text)
    return " ".join(kept)


def qualifying(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events with three outlets that have text and a roundup that is not empty, in file order."""
    return [e for e in events if len(list(to_articles([e]))) >= 3 and clean_roundup(e.get("roundup") or [])]


def spread(events: Sequence[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """``n`` events spread evenly over the sequence (every k-th), not the first ``n``."""
    if n >= len(events):
        return list(events)
    return [events[i * len(events) // n] for i in range(n)]


def split_of(position: int) -> str:
    """The fixed split rule: alternate, the first chosen event in ``tune``."""
    return SPLITS[position % 2]


def corpus_events(n: int = N_EVENTS) -> tuple[list[dict[str, Any]], str]:
    """``n`` qualifying events of the AllSides corpus beside the project, and how they were chosen."""
    events = qualifying(load_events(common.EVENTS))
    chosen = spread(events, n)
    return chosen, (
        f"AllSides events.jsonl: {len(chosen)} of its {len(events)} events with three outlets and a "
        "roundup, spread evenly over the file"
    )


def in_project_events() -> list[dict[str, Any]]:
    """The sample's events (eval/allsides_sample.jsonl) with the roundups in bench/data."""
    from bench.arousal import load_event_source

    roundups = {str(r["id"]): r for r in read_objects(ROUNDUPS)}
    events = []
    for event in load_event_source(common.SAMPLE):
        if str(event["id"]) in roundups:
            r = roundups[str(event["id"])]
            events.append({**event, "issue": r["issue"], "roundup": r["roundup"]})
    return qualifying(events)


# -- the measures ---------------------------------------------------------------------------------


def lead(pool: Any, words: int) -> str:
    """The lead baseline: each outlet's first reporting sentences in turn, cut at ``words`` words."""
    from bench.arousal import lead_text

    return " ".join(lead_text(pool, words).split()[:words])


def rouge_scorer() -> Callable[[str, str], dict[str, float]] | None:
    """(reference, text) -> ROUGE-1/2 F1 with the Porter stemmer; None without rouge-score."""
    try:
        from rouge_score import rouge_scorer as rs
    except ImportError:
        return None
    scorer = rs.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def score(reference: str, text: str) -> dict[str, float]:
        scores = scorer.score(reference, text)
        return {"rouge1": round(scores["rouge1"].fmeasure, 4), "rouge2": round(scores["rouge2"].fmeasure, 4)}

    return score


def charge(text: str, table: dict[str, float] | None) -> float | None:
    """Strongly valenced words (|VADER valence| >= STRONG) per 100 words; None without VADER."""
    if table is None:
        return None
    words = _WORD.findall(text.lower().replace("’", "'"))
    strong = sum(abs(table.get(w, 0.0)) >= STRONG for w in words)
    return round(100 * strong / len(words), 3) if words else 0.0


def _significant(value: float) -> int:
    if value == 0:
        return 1
    return len(Decimal(repr(float(value))).normalize().as_tuple().digits)


def same_value(a: float, b: float) -> bool:
    """Whether two figures are the same value within rounding (see the module docstring)."""
    if a == b:
        return True
    places = max(2, min(_significant(a), _significant(b)))
    unit = 10.0 ** (math.floor(math.log10(max(abs(a), abs(b)))) - places + 1)
    return abs(a - b) <= unit / 2 * (1 + 1e-9)


def _comparable(named: Number, other: Number) -> bool:
    """Whether a number of another outlet's text can state a named figure: percentages only match
    percentages; years, ordinals and vague counts ("dozens") state no figure of a count."""
    if other.kind in ("ordinal", "vague") or (other.kind == "year" and "," not in other.text):
        return False
    return (named.kind == "percent") == (other.kind == "percent")


def _context(text: str, start: int, end: int, width: int = 70) -> str:
    return " ".join(text[max(0, start - width) : end + width].split())


def check_only_figure(text: str, texts: dict[str, str]) -> dict[str, Any] | None:
    """Check one "Only <Outlet> gives the figure …" item against every other outlet's whole text.

    ``texts`` maps outlet -> its articles' text. Returns None when ``text`` is not such an item;
    else the figures it names and, per figure found elsewhere, where (``false`` when any is).
    """
    from qa.figures import numbers

    m = _ONLY.match(text)
    if not m:
        return None
    named = numbers(m.group("shown"))
    found = []
    for outlet, other_text in texts.items():
        if outlet == m.group("outlet"):
            continue
        for x in named:
            hit = next(
                (y for y in numbers(other_text) if _comparable(x, y) and same_value(x.value, y.value)), None
            )
            if hit is not None:
                found.append(
                    {
                        "figure": x.text,
                        "outlet": outlet,
                        "as": hit.text,
                        "context": _context(other_text, hit.start, hit.end),
                    }
                )
    return {
        "outlet": m.group("outlet"),
        "figures": [x.text for x in named],
        "found": found,
        "false": bool(found),
    }


def check_figures_pair(text: str) -> dict[str, Any] | None:
    """Check one "<A> and <B> give different figures" item: false when its two figures are the same.

    The compared figures are found as qa.briefing.differences finds them: the first figure of A's
    quote with a unit for which B's quote has figures of the same unit and period. None when
    ``text`` is not such an item.
    """
    from qa.figures import figures

    m = _PAIR.match(text)
    if not m:
        return None
    theirs_all = figures(m.group("qb"))
    for x in figures(m.group("qa")):
        theirs = [y for y in theirs_all if x.unit and y.unit == x.unit and y.period == x.period]
        if theirs:
            same = [y for y in theirs if same_value(x.value, y.value)]
            return {
                "outlets": [m.group("a"), m.group("b")],
                "figures": [x.text, theirs[0].text],
                "found": [
                    {"figure": x.text, "outlet": m.group("b"), "as": y.text, "context": m.group("qb")}
                    for y in same
                ],
                "false": bool(same),
            }
    return {
        "outlets": [m.group("a"), m.group("b")],
        "figures": [],
        "found": [],
        "false": False,
        "unparsed": True,
    }


def check_difference(kind: str, text: str, texts: dict[str, str]) -> dict[str, Any] | None:
    """The scripted check of one difference of a checked kind (None for the other kinds)."""
    if kind == "only_one_figure":
        return check_only_figure(text, texts) or {"found": [], "false": False, "unparsed": True}
    if kind == "figures":
        return check_figures_pair(text)
    return None


# -- one event ----------------------------------------------------------------------------------


def brief_event(
    event: dict[str, Any],
    split: str,
    workdir: Path,
    table: dict[str, float] | None,
    score: Callable[[str, str], dict[str, float]] | None,
) -> dict[str, Any]:
    """Ingest one event into a fresh index, brief it at the roundup's length, and measure it."""
    from qa.briefing.pool import build_pool
    from qa.briefing.summarize import summarize
    from qa.config import load_settings
    from qa.index.corpus import Corpus
    from qa.ingest.pipeline import ingest

    roundup = clean_roundup(event["roundup"])
    budget = len(roundup.split())
    articles = list(to_articles([event]))
    source = workdir / f"event-{event['id']}.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    settings = load_settings(env={}, dotenv=None, index=workdir / f"index-{event['id']}")
    started = time.perf_counter()
    report = ingest([source], settings)
    if report.failed:
        raise RuntimeError(f"event {event['id']}: ingest failed: {report.failed}")
    with Corpus(settings) as corpus:
        briefing = summarize(corpus, words=budget, offline=True)
        seconds = time.perf_counter() - started
        outlet_of = {d: o.outlet for o in briefing.outlets for d in o.doc_ids}
        texts = {o.outlet: "\n\n".join(corpus.article_text(d) for d in o.doc_ids) for o in briefing.outlets}
        stored = [corpus.store.article(d) for d in outlet_of]
        pool = build_pool(corpus, [a for a in stored if a is not None])

    def cited(items: Iterable[Any]) -> list[str]:
        names = {
            outlet_of.get(c.doc_id, c.outlet or c.doc_id) for i in items for c in i.citations if c.verified
        }
        return sorted(names)

    body = " ".join(s.text for s in briefing.sentences)
    baseline = lead(pool, budget)
    outlets = sorted(texts)
    in_body = cited(briefing.sentences)
    checked = []
    for d in briefing.differences:
        verdict = check_difference(d.kind, d.text, texts)
        if verdict is not None:
            checked.append({"kind": d.kind, "text": d.text, **verdict})
    rouge = score(roundup, body) if score else None
    lead_rouge = score(roundup, baseline) if score else None
    body_words = len(body.split())
    return {
        "event": str(event["id"]),
        "split": split,
        "title": event.get("issue", ""),
        "words": budget,
        "body_words": body_words,
        "body_ratio": round(body_words / budget, 4),
        "sentences": len(briefing.sentences),
        "differences": len(briefing.differences),
        "outlets": outlets,
        "cited_in_body": in_body,
        "cited_anywhere": cited([*briefing.sentences, *briefing.differences]),
        "all_outlets_in_body": set(outlets) <= set(in_body),
        "rouge1": rouge["rouge1"] if rouge else None,
        "rouge2": rouge["rouge2"] if rouge else None,
        "lead_rouge1": lead_rouge["rouge1"] if lead_rouge else None,
        "lead_rouge2": lead_rouge["rouge2"] if lead_rouge else None,
        "lead_words": len(baseline.split()),
        # What the extractive body could reach at most: every pool sentence's words.
        "pool_words": sum(len(x.text.split()) for x in pool.sentences),
        "charge": charge(body, table),
        "lead_charge": charge(baseline, table),
        "checked_items": len(checked),
        "checked_by_kind": {k: sum(c["kind"] == k for c in checked) for k in CHECKED_KINDS},
        "false_items": [c for c in checked if c["false"]],
        "unparsed_items": [c["text"] for c in checked if c.get("unparsed")],
        "seconds": round(seconds, 3),
    }


# -- aggregates and targets ---------------------------------------------------------------------


def _mean(values: Sequence[float | None], digits: int = 4) -> float | None:
    if not values or any(v is None for v in values):
        return None
    return round(mean(v for v in values if v is not None), digits)


def _paired_ci(a: Sequence[float | None], b: Sequence[float | None]) -> list[float] | None:
    """A 95% bootstrap interval of the mean per-event a - b: more than which events were drawn?"""
    from bench.arousal import paired

    rows = [{"a": {"v": x}, "b": {"v": y}} for x, y in zip(a, b, strict=True)]
    found = paired(rows, "v", "a", "b") if rows else None
    return found["ci95"] if found else None


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Means and shares over some events' rows (one split, or all)."""
    items = sum(r["checked_items"] for r in rows)
    false = sum(len(r["false_items"]) for r in rows)
    n = len(rows)
    return {
        "events": n,
        "words_mean": _mean([r["words"] for r in rows], 1),
        "body_ratio": _mean([r["body_ratio"] for r in rows]),
        "share_at_085": round(sum(r["body_ratio"] >= 0.85 for r in rows) / n, 4) if n else None,
        "all_outlets_in_body": round(sum(r["all_outlets_in_body"] for r in rows) / n, 4) if n else None,
        "all_outlets_anywhere": round(sum(set(r["outlets"]) <= set(r["cited_anywhere"]) for r in rows) / n, 4)
        if n
        else None,
        "rouge1": _mean([r["rouge1"] for r in rows]),
        "lead_rouge1": _mean([r["lead_rouge1"] for r in rows]),
        "rouge1_diff_ci": _paired_ci([r["rouge1"] for r in rows], [r["lead_rouge1"] for r in rows]),
        "rouge2": _mean([r["rouge2"] for r in rows]),
        "lead_rouge2": _mean([r["lead_rouge2"] for r in rows]),
        "pool_at_least_w": round(sum(r["pool_words"] >= r["words"] for r in rows) / n, 4) if n else None,
        "only_items": items,
        "only_false": false,
        "only_false_share": round(false / items, 4) if items else 0.0,
        "only_by_kind": {
            k: {
                "items": sum(r["checked_by_kind"][k] for r in rows),
                "false": sum(f["kind"] == k for r in rows for f in r["false_items"]),
            }
            for k in CHECKED_KINDS
        },
        "charge": _mean([r["charge"] for r in rows], 3),
        "lead_charge": _mean([r["lead_charge"] for r in rows], 3),
        "seconds": _mean([r["seconds"] for r in rows], 3),
    }


def _at_least(value: float | None, bar: float | None) -> bool | None:
    return None if value is None or bar is None else value >= bar


def targets(agg: dict[str, Any]) -> dict[str, bool | None]:
    """Each target on one aggregate: True / False, or None when its measure was not taken."""
    return {
        "body_ratio": _at_least(agg["body_ratio"], TARGETS["body_ratio"]),
        "all_outlets_in_body": _at_least(agg["all_outlets_in_body"], TARGETS["all_outlets_in_body"]),
        "rouge1_vs_lead": _at_least(agg["rouge1"], agg["lead_rouge1"]),
        "false_only": agg["only_false_share"] <= TARGETS["false_only_share"],
        "charge_vs_lead": _at_least(agg["lead_charge"], agg["charge"]),
    }


def _verdict(checks: Iterable[bool | None]) -> bool | None:
    values = list(checks)
    if False in values:
        return False
    return None if None in values else True


def run(
    events: Sequence[dict[str, Any]], source: str, command: str = "python -m bench.briefings"
) -> dict[str, Any]:
    """Brief each event at its roundup's length; rows, aggregates by split and the targets."""
    from bench.arousal import vader_lexicon

    table, score = vader_lexicon(), rouge_scorer()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qa-bench-briefings-") as tmp:
        rows = [brief_event(e, split_of(i), Path(tmp), table, score) for i, e in enumerate(events)]
    by_split = {s: aggregate([r for r in rows if r["split"] == s]) for s in SPLITS}
    overall = aggregate(rows)
    checks = {"held": targets(by_split["held"]), "all": targets(overall)}
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(),
        "source": source,
        "command": command,
        "events": len(rows),
        "strong_valence": STRONG,
        "rouge_installed": score is not None,
        "vader_installed": table is not None,
        "aggregate": {**by_split, "all": overall},
        "targets": checks,
        "pass": _verdict([*checks["held"].values(), *checks["all"].values()]),
        "minutes": round((time.perf_counter() - started) / 60, 2),
        "rows": rows,
    }


# -- report -------------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def summary_row(r: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    """Item 12's line in the summary table of bench/RESULTS.md."""
    if "skipped" in r:
        return ("12", "offline briefing vs the editors' roundups", f"skipped: {r['skipped']}", "", "", None)
    h = r["aggregate"]["held"]
    return (
        "12",
        f"offline briefing vs the AllSides editors' roundups, held split ({h['events']} events): body / W, "
        "every outlet cited in the body, ROUGE-1, false only-X figures, strong words per 100",
        f"{_f(h['body_ratio'], 2)} / {_pct(h['all_outlets_in_body'])} / {_f(h['rouge1'])} / "
        f"{_pct(h['only_false_share'], 1)} ({h['only_false']}/{h['only_items']}) / {_f(h['charge'], 2)}",
        f"lead baseline: ROUGE-1 {_f(h['lead_rouge1'])}, strong words {_f(h['lead_charge'], 2)}",
        f"≥ {TARGETS['body_ratio']} / ≥ {TARGETS['all_outlets_in_body']:.0%} / ≥ lead / "
        f"≤ {TARGETS['false_only_share']:.0%} / ≤ lead (held and all)",
        r["pass"],
    )


_AGGREGATE_ROWS: tuple[tuple[str, str, Callable[[dict[str, Any]], str]], ...] = (
    ("events", "events", lambda a: str(a["events"])),
    ("roundup words W (mean)", "", lambda a: _f(a["words_mean"], 1)),
    ("body words / W (mean)", "body_ratio", lambda a: _f(a["body_ratio"])),
    ("briefings with body ≥ 0.85 W", "", lambda a: _pct(a["share_at_085"])),
    ("events whose sentence pool holds ≥ W words", "", lambda a: _pct(a["pool_at_least_w"])),
    ("every outlet cited in the body", "all_outlets_in_body", lambda a: _pct(a["all_outlets_in_body"])),
    ("every outlet cited anywhere (body + differences)", "", lambda a: _pct(a["all_outlets_anywhere"])),
    (
        "ROUGE-1 F1: briefing / lead",
        "rouge1_vs_lead",
        lambda a: f"{_f(a['rouge1'])} / {_f(a['lead_rouge1'])}",
    ),
    (
        "ROUGE-1 briefing − lead: 95% bootstrap interval over events",
        "",
        lambda a: "–" if not a.get("rouge1_diff_ci") else "[{:+.3f}, {:+.3f}]".format(*a["rouge1_diff_ci"]),
    ),
    ("ROUGE-2 F1: briefing / lead", "", lambda a: f"{_f(a['rouge2'])} / {_f(a['lead_rouge2'])}"),
    (
        "false only-X figure items: false / checked",
        "false_only",
        lambda a: f"{a['only_false']} / {a['only_items']} ({_pct(a['only_false_share'], 1)})",
    ),
    (
        "… of which “Only X gives the figure” / “give different figures”",
        "",
        lambda a: " / ".join(f"{k['false']} of {k['items']}" for k in a["only_by_kind"].values()),
    ),
    (
        "strong words per 100: briefing / lead",
        "charge_vs_lead",
        lambda a: f"{_f(a['charge'], 2)} / {_f(a['lead_charge'], 2)}",
    ),
    ("seconds per event (ingest + briefing)", "", lambda a: _f(a["seconds"], 2)),
)


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def section(r: dict[str, Any]) -> list[str]:
    """Item 12's section of bench/RESULTS.md: aggregates by split, the worst events, every false item."""
    if "skipped" in r:
        return [f"Skipped: {r['skipped']}."]
    m, agg, t = r["machine"], r["aggregate"], r["targets"]
    packages = {"rouge-score": r["rouge_installed"], "vaderSentiment": r["vader_installed"]}
    missing = [name for name, installed in packages.items() if not installed]
    out = [
        f"Measured by `{r['command']}` on {r['date']} ({m['cpu']}, {m['cores']} cores, load "
        f"{m['load_before']}) in {r['minutes']:.1f} min. {r['events']} events ({r['source']}), alternately "
        "in the tune split (what the briefing's constants may be set on) and the held split (only reported). "
        "Each event's articles are ingested into a fresh index and briefed with `summarize(corpus, "
        "words=W, offline=True)`, W = the words of the editors' roundup (update notes removed). The "
        "lead baseline takes each outlet's first reporting sentences in turn, cut at W words. ROUGE: "
        "rouge-score, F1, Porter stemmer, against the roundup. Strong words: |VADER valence| ≥ "
        f'{r["strong_valence"]}, per 100 words. A false only-X item is an "Only X gives the figure" '
        'difference whose figure another outlet\'s article gives too, or a "give different figures" '
        "difference whose two figures are the same value (within rounding: half a unit of the coarser "
        "figure's last significant digit, at least 2 significant digits; every end of a range counts)."
        + (
            f" Not measured, not installed: {', '.join(missing)} (`pip install -e '.[bench]'`)."
            * bool(missing)
        ),
        "",
        "| measure | tune | held | all | target |",
        "|---|---|---|---|---|",
    ]
    bars = {
        "body_ratio": f"≥ {TARGETS['body_ratio']}",
        "all_outlets_in_body": f"≥ {TARGETS['all_outlets_in_body']:.0%}",
        "rouge1_vs_lead": "briefing ≥ lead",
        "false_only": f"≤ {TARGETS['false_only_share']:.0%}",
        "charge_vs_lead": "briefing ≤ lead",
    }
    for label, target, cell in _AGGREGATE_ROWS:
        held = cell(agg["held"]) + (_mark(t["held"][target]) if target in t["held"] else "")
        whole = cell(agg["all"]) + (_mark(t["all"][target]) if target in t["all"] else "")
        out.append(f"| {label} | {cell(agg['tune'])} | {held} | {whole} | {bars.get(target, '')} |")
    verdict = {True: "every target met", False: "**targets missed**", None: "not all measured"}[r["pass"]]
    out += [
        "",
        f"Targets are judged on the held split and on all events (✓ met, ✗ missed): {verdict}.",
        "",
        "Worst 10 events by body / W:",
        "",
        "| event | split | story | W | body words | body / W | outlets cited in the body | ROUGE-1 (lead) |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for row in sorted(r["rows"], key=lambda x: (x["body_ratio"], x["event"]))[:10]:
        out.append(
            f"| {row['event']} | {row['split']} | {row['title']} | {row['words']} | {row['body_words']} "
            f"| {row['body_ratio']:.2f} | {len(row['cited_in_body'])} of {len(row['outlets'])} "
            f"| {_f(row['rouge1'])} ({_f(row['lead_rouge1'])}) |"
        )
    false_items = [(row, item) for row in r["rows"] for item in row["false_items"]]
    out += ["", f"Every false only-X item ({len(false_items)}):", ""]
    if false_items:
        out += ["| event | split | item | where the figure is too |", "|---|---|---|---|"]
        for row, item in false_items:
            where = "; ".join(_where(item["found"]))
            out.append(f"| {row['event']} | {row['split']} | {_cell(item['text'])} | {_cell(where)} |")
    else:
        out.append("None.")
    unparsed = [(row["event"], text) for row in r["rows"] for text in row["unparsed_items"]]
    if unparsed:
        out += ["", "Items of a checked kind the script could not parse (counted as not false):", ""]
        out += [f"- {event}: {_cell(text)}" for event, text in unparsed]
    return out


def _where(found: Sequence[dict[str, str]]) -> list[str]:
    """Per outlet, the figures found in its text and the first one's context (one line per outlet)."""
    by_outlet: dict[str, list[dict[str, str]]] = {}
    for f in found:
        by_outlet.setdefault(f["outlet"], []).append(f)
    return [
        f"{outlet} ({', '.join(dict.fromkeys(f['as'] for f in fs))}): “…{fs[0]['context']}…”"
        for outlet, fs in by_outlet.items()
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the JSON; do not store it")
    parser.add_argument("--events", type=int, default=N_EVENTS, help=f"events to brief (default {N_EVENTS})")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_EVENTS} events; prints the JSON, stores nothing"
    )
    args = parser.parse_args(argv)
    if common.have_allsides():
        events, source = corpus_events(QUICK_EVENTS if args.quick else args.events)
    elif args.quick or args.print:
        events, source = in_project_events(), IN_PROJECT
    else:
        print(f"error: the AllSides corpus is not at {common.EVENTS}; try --quick", file=sys.stderr)
        return 2
    result = run(events, source)
    if args.print or args.quick:
        print(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    else:
        print(f"stored in {common.save_item('briefings', result)}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
