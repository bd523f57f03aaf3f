"""Item 8: qa's hand-written sentence splitter (qa.text.split_sentences) vs pysbd.

Texts: the seed articles (seeds/*.txt) and every article of the AllSides corpus
(../shared/corpora/allsides/events.jsonl, all 506 events, text built by bench/allsides.py). Without
the corpus (or with --quick) the in-project sample eval/allsides_sample.jsonl stands in for it.

Fair comparison: qa splits at every line break by design, so pysbd (``Segmenter(language="en",
clean=False, char_span=True)``) is given each line (maximal run of characters other than \\r, \\n)
separately and its offsets are shifted back into the article; its spans, which carry the trailing
whitespace, are trimmed. Only boundaries *inside* a line are compared: a boundary is the start
offset of a sentence that is not the first of its line.

Measures:

* agreement: boundaries both splitters produce / boundaries either produces;
* accuracy on adjudicated disagreements: bench/data/sentence_boundaries.jsonl holds a seeded
  sample of the positions where the two splitters disagreed (made by ``--draft`` with the
  splitter as it was before any change), each read and judged by hand (is there a true sentence
  boundary here?). Each splitter is scored on it: correct, precision and recall of boundaries.
  The set is split (seeded) into a ``tuning`` half, the only evidence any change to qa's
  splitter may use, and a ``report`` half, the figures quoted;
* exactness: every span must be exact (for pysbd: ``line[start:end] == sent``), trimmed after
  the trimming qa would have to do, non-empty, in order, non-overlapping and together cover
  every non-space character;
* speed: characters and sentences per second of each on the same texts in this process,
  alternating, ``rounds`` times; ratio of medians (qa / pysbd).

Usage::

    python -m bench.sentences            # run, store in bench/results.json, re-render bench/RESULTS.md
    python -m bench.sentences --print    # run and print the JSON only
    python -m bench.sentences --draft OUT.jsonl   # the seeded sample of disagreements, unjudged
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench import common
from qa.text import split_sentences

CASES = common.ROOT / "bench" / "data" / "sentence_boundaries.jsonl"
SEED = 20261124
N_CASES = 100
LINE = re.compile(r"[^\r\n]+")
Spans = list[tuple[int, int]]


def sample_texts(quick: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """(label, [(doc_id, text)]): the seeds, then the AllSides articles in corpus order."""
    docs = [(f"seeds/{p.name}", p.read_text(encoding="utf-8")) for p in sorted(common.SEEDS.glob("*.txt"))]
    if common.have_allsides() and not quick:
        arts = list(common.to_articles(common.load_events(common.EVENTS)))
        label = f"{len(docs)} seed articles + all {len(arts)} articles of the 506 AllSides events"
    else:
        lines = common.SAMPLE.read_text(encoding="utf-8").splitlines()
        arts = [json.loads(line) for line in lines if line.strip()]
        label = f"{len(docs)} seed articles + the {len(arts)} articles of eval/allsides_sample.jsonl"
    return label, docs + [(a["id"], a["text"]) for a in arts]


def pysbd_segmenter() -> Any | None:
    """pysbd's English segmenter with offsets into the original text, or None if pysbd is missing."""
    try:
        import pysbd
    except ImportError:
        return None
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def pysbd_spans(segmenter: Any, text: str, per_line: bool = True, problems: list[str] | None = None) -> Spans:
    """pysbd's sentences as trimmed (start, end) offsets into ``text`` (each line segmented alone)."""
    spans: Spans = []
    pieces = [(m.start(), m.group(0)) for m in LINE.finditer(text)] if per_line else [(0, text)]
    for base, piece in pieces:
        for ts in segmenter.segment(piece):
            if problems is not None and piece[ts.start : ts.end] != ts.sent:
                problems.append(f"offset mismatch at {base + ts.start}: {ts.sent[:40]!r}")
            raw = piece[ts.start : ts.end]
            stripped = raw.strip()
            if stripped:
                lead = len(raw) - len(raw.lstrip())
                spans.append((base + ts.start + lead, base + ts.start + lead + len(stripped)))
    return spans


def boundaries(text: str, spans: Spans) -> set[int]:
    """Starts of the sentences that are not the first of their line (the intra-line boundaries)."""
    return {s for s, _ in spans if text[text.rfind("\n", 0, s) + 1 : s].strip()}


def exactness(text: str, spans: Spans) -> list[str]:
    """What is wrong with a splitter's spans: untrimmed, empty, overlapping, out of order, text lost."""
    problems: list[str] = []
    covered = bytearray(len(text))
    last_end = 0
    for s, e in spans:
        piece = text[s:e]
        if not piece or piece != piece.strip():
            problems.append(f"untrimmed or empty span {s}-{e}: {piece[:40]!r}")
        if s < last_end:
            problems.append(f"span {s}-{e} overlaps or precedes the previous one (ends {last_end})")
        last_end = max(last_end, e)
        covered[s:e] = b"\x01" * (e - s)
    lost = [i for i, ch in enumerate(text) if not covered[i] and not ch.isspace()]
    if lost:
        first = text[lost[0] : lost[0] + 30]
        problems.append(f"{len(lost)} non-space characters in no span, first at {lost[0]}: {first!r}")
    return problems


def _line_of(text: str, offset: int) -> tuple[int, str]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, text[start : len(text) if end < 0 else end]


def draft_cases(docs: list[tuple[str, str]], segmenter: Any) -> list[dict[str, Any]]:
    """A seeded sample of N_CASES disagreements, each with its line as context, verdict left empty."""
    found = []
    for doc, text in docs:
        ours, theirs = boundaries(text, split_sentences(text)), boundaries(text, pysbd_spans(segmenter, text))
        found += [(doc, text, off, "qa" if off in ours else "pysbd") for off in sorted(ours ^ theirs)]
    picked = random.Random(SEED).sample(range(len(found)), min(N_CASES, len(found)))
    halves = {i: ("tuning" if n < len(picked) // 2 else "report") for n, i in enumerate(picked)}
    cases = []
    for i in sorted(picked):
        doc, text, off, who = found[i]
        line_start, line = _line_of(text, off)
        cases.append(
            {
                "id": f"{doc}@{off}",
                "doc": doc,
                "offset": off,
                "context": line,
                "context_offset": off - line_start,
                "split_by": who,
                "half": halves[i],
                "true_boundary": None,
                "class": "",
                "reason": "",
            }
        )
    return cases


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    """The adjudicated cases (one JSON object per line)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def has_boundary(spans: Spans, text: str, offset: int) -> bool:
    """Whether a splitter's spans of ``text`` start a sentence at ``offset`` (not at the line's start)."""
    return offset in boundaries(text, spans)


def score(cases: Iterable[dict[str, Any]], splitter: Callable[[str], Spans]) -> dict[str, Any]:
    """Correct / precision / recall of one splitter's boundary decisions on the judged cases."""
    tp = fp = fn = tn = 0
    wrong = []
    for case in cases:
        said = has_boundary(splitter(case["context"]), case["context"], case["context_offset"])
        truth = bool(case["true_boundary"])
        tp, fp = tp + (said and truth), fp + (said and not truth)
        fn, tn = fn + (truth and not said), tn + (not said and not truth)
        if said != truth:
            wrong.append(case["id"])
    n = tp + fp + fn + tn
    return {
        "cases": n,
        "correct": tp + tn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "wrong": wrong,
    }


def _by_class(cases: list[dict[str, Any]], splitters: dict[str, Callable[[str], Spans]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cls in sorted({c["class"] for c in cases}):
        group = [c for c in cases if c["class"] == cls]
        out[cls] = {
            "cases": len(group),
            "true_boundaries": sum(bool(c["true_boundary"]) for c in group),
            **{name: score(group, fn)["correct"] for name, fn in splitters.items()},
        }
    return out


def _summary(group: list[dict[str, Any]], splitters: dict[str, Callable[[str], Spans]]) -> dict[str, Any]:
    unsure = [c for c in group if not c.get("sure", True)]
    no_quote = [c for c in group if c["class"] != "quote"]
    return {
        "cases": len(group),
        "true_boundaries": sum(bool(c["true_boundary"]) for c in group),
        "split_by_qa": sum(c["split_by"] == "qa" for c in group),
        **{name: score(group, fn) for name, fn in splitters.items()},
        "by_class": _by_class(group, splitters),
        "unsure": {
            "cases": len(unsure),
            **{name: score(unsure, fn)["correct"] for name, fn in splitters.items()},
        },
        "without_quote": {
            "cases": len(no_quote),
            **{name: score(no_quote, fn)["correct"] for name, fn in splitters.items()},
        },
    }


def _speed(docs: list[tuple[str, str]], segmenter: Any, rounds: int) -> dict[str, Any]:
    texts = [t for _, t in docs]
    chars = sum(map(len, texts))
    runs: dict[str, list[float]] = {"qa": [], "pysbd": [], "pysbd_whole": []}
    counts: dict[str, int] = {}
    todo: dict[str, Callable[[str], Spans]] = {
        "qa": split_sentences,
        "pysbd": lambda t: pysbd_spans(segmenter, t),
        "pysbd_whole": lambda t: pysbd_spans(segmenter, t, per_line=False),
    }
    for _ in range(rounds):
        for name, fn in todo.items():
            started = time.perf_counter()
            n = sum(len(fn(t)) for t in texts)
            runs[name].append(time.perf_counter() - started)
            counts[name] = n
    med = {name: statistics.median(v) for name, v in runs.items()}
    return {
        "rounds": rounds,
        "chars": chars,
        **{f"{name}_sentences": counts[name] for name in todo},
        **{f"{name}_s": [round(x, 4) for x in v] for name, v in runs.items()},
        **{f"{name}_chars_per_s": round(chars / med[name]) for name in todo},
        **{f"{name}_sentences_per_s": round(counts[name] / med[name]) for name in todo},
        "ratio": round(med["pysbd"] / med["qa"], 1),  # qa's speed / pysbd's (same chars, per-line pysbd)
        "ratio_whole": round(med["pysbd_whole"] / med["qa"], 1),
        "ratio_rounds": [round(p / q, 1) for p, q in zip(runs["pysbd"], runs["qa"], strict=True)],
    }


def run(quick: bool = False, rounds: int = 5) -> dict[str, Any]:
    """The whole item; ``{"skipped": why}`` when pysbd is not installed."""
    segmenter = pysbd_segmenter()
    if segmenter is None:
        return {"skipped": "pysbd is not installed (`pip install -e '.[bench]'`)"}
    from importlib import metadata

    label, docs = sample_texts(quick)
    ours_n = theirs_n = both = 0
    exact: dict[str, list[str]] = {"qa": [], "pysbd": [], "pysbd_raw": [], "pysbd_whole": []}
    crossing = 0
    for doc, text in docs:
        ours, theirs = split_sentences(text), pysbd_spans(segmenter, text, problems=exact["pysbd_raw"])
        exact["qa"] += [f"{doc}: {p}" for p in exactness(text, ours)]
        exact["pysbd"] += [f"{doc}: {p}" for p in exactness(text, theirs)]
        whole = pysbd_spans(segmenter, text, per_line=False, problems=exact["pysbd_whole"])
        crossing += sum("\n" in text[s:e] for s, e in whole)
        b_ours, b_theirs = boundaries(text, ours), boundaries(text, theirs)
        ours_n, theirs_n, both = ours_n + len(b_ours), theirs_n + len(b_theirs), both + len(b_ours & b_theirs)
    union = ours_n + theirs_n - both
    result: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": {"cpu": common.cpu_model(), "cores": os.cpu_count(), "load": common.load_average()},
        "pysbd_version": metadata.version("pysbd"),
        "sample": label,
        "articles": len(docs),
        "chars": sum(len(t) for _, t in docs),
        "boundaries": {
            "qa": ours_n,
            "pysbd": theirs_n,
            "both": both,
            "either": union,
            "agreement": round(both / union, 4) if union else None,
            "qa_only": ours_n - both,
            "pysbd_only": theirs_n - both,
        },
        "exactness": {name: {"violations": len(v), "first": v[:3]} for name, v in exact.items()},
        "pysbd_whole_spans_across_line_breaks": crossing,
    }
    cases = [c for c in load_cases() if c.get("true_boundary") is not None] if CASES.is_file() else []
    if cases:
        splitters: dict[str, Callable[[str], Spans]] = {
            "qa": split_sentences,
            "pysbd": lambda t: pysbd_spans(segmenter, t),
        }
        result["adjudicated"] = {
            half: _summary(group, splitters)
            for half, group in (
                ("report", [c for c in cases if c["half"] == "report"]),
                ("tuning", [c for c in cases if c["half"] == "tuning"]),
                ("all", cases),
            )
        }
    result["speed"] = _speed(docs, segmenter, rounds=2 if quick else rounds)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sentences", description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the result JSON; write nothing")
    parser.add_argument("--quick", action="store_true", help="in-project texts only, 2 speed rounds")
    parser.add_argument("--rounds", type=int, default=5, help="speed rounds (median taken)")
    parser.add_argument("--draft", type=Path, help="write the seeded sample of disagreements (unjudged) here")
    args = parser.parse_args(argv)
    if args.draft:
        segmenter = pysbd_segmenter()
        if segmenter is None:
            parser.error("--draft needs pysbd")
        cases = draft_cases(sample_texts(args.quick)[1], segmenter)
        lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
        args.draft.write_text(lines, encoding="utf-8")
        return 0
    result = run(quick=args.quick, rounds=args.rounds)
    if args.print or args.quick:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return 0
    store = common.save_item("sentences", result)
    print(f"wrote {store} and bench/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
