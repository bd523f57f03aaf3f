"""Item 10: the cost of the claim check (issue 12, "Cost"), as a share of a cold `qa ask`.

What is timed, in this process, only the check (citations located and article texts read before
the clock starts; article texts come from a dict, as in ``qa.evaluation.claimset``):

* per answer: ``qa.answer.claims.check_claims`` on each of the claim set's answers
  (eval/claims.jsonl, all items), one call at a time, with qa's process-level caches
  (``qa.figures.numbers`` and ``calendar``) cleared before every call outside the clock: a cold
  `qa ask` checks one answer in a fresh process. Median over the answers, per round;
* per long answer: the same on answers made of 5 consecutive answers of the set joined (markers
  renumbered, citations concatenated);
* per briefing: an offline briefing (``qa.briefing.summarize.summarize(corpus, offline=True)``) of
  the seeds index, built once in a temp dir; then ``check_statement`` over every sentence and
  difference it kept, with their citations, caches cleared once before the briefing (one briefing
  is one process). Also timed with the texts fetched through ``corpus.article_text`` (SQLite), as
  ``summarize`` does;
* the reference: a cold ``qa ask --offline "How many lawmakers attended the session?" --index
  <that index>`` in a subprocess, what a user waits for.

One round does all four, in that order, so machine noise hits them alike; the figures are medians
over the rounds, and each check time is reported as a share of the median cold `qa ask` (target:
at most 5%).

Usage::

    python -m bench.claims            # run, store in bench/results.json, re-render bench/RESULTS.md
    python -m bench.claims --print    # run and print the JSON only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import common

CLAIM_SET = common.ROOT / "eval" / "claims.jsonl"
QUESTION = "How many lawmakers attended the session?"
JOIN = 5  # answers per long answer
TARGET_SHARE = 0.05  # of a cold `qa ask`
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def _clear_caches() -> None:
    from qa import figures

    figures.numbers.cache_clear()
    figures.calendar.cache_clear()


def load_answers(path: Path = CLAIM_SET) -> tuple[list[tuple[str, list[Any]]], Callable[[str], str]]:
    """The claim set's (answer, located citations) pairs and the article texts they cite."""
    from qa.evaluation import claimset
    from qa.jsonl import read_objects

    texts = claimset._articles(path.parent)

    def article_text(doc_id: str) -> str:
        return texts.get(doc_id, "")

    answers = [
        (str(r.get("answer", "")), [claimset._citation(c, article_text) for c in r.get("citations", [])])
        for r in read_objects(path)
    ]
    return answers, article_text


def _renumber(text: str, offset: int) -> str:
    return _MARKER.sub(
        lambda m: "[" + re.sub(r"\d+", lambda n: str(int(n.group()) + offset), m.group(1)) + "]", text
    )


def join_answers(answers: Sequence[tuple[str, list[Any]]], n: int = JOIN) -> list[tuple[str, list[Any]]]:
    """Long answers: each ``n`` consecutive answers joined, markers renumbered, citations concatenated."""
    out = []
    for i in range(0, len(answers) - n + 1, n):
        parts, citations = [], []
        for text, cites in answers[i : i + n]:
            parts.append(_renumber(text, len(citations)))
            citations += cites
        out.append((" ".join(parts), citations))
    return out


def _time_answers(
    answers: Sequence[tuple[str, list[Any]]], article_text: Callable[[str], str]
) -> list[float]:
    """Seconds of check_claims on each answer, caches cleared before each call (outside the clock)."""
    from qa.answer.claims import check_claims

    out = []
    for text, citations in answers:
        _clear_caches()
        started = time.perf_counter()
        check_claims(text, citations, article_text)
        out.append(time.perf_counter() - started)
    return out


def _time_briefing(items: Sequence[tuple[str, Sequence[Any]]], article_text: Callable[[str], str]) -> float:
    """Seconds of check_statement over a briefing's sentences and differences, cold caches."""
    from qa.answer.claims import check_statement

    _clear_caches()
    started = time.perf_counter()
    for text, citations in items:
        check_statement(text, citations, article_text)
    return time.perf_counter() - started


def build_index(index: Path) -> None:
    """The seeds index, ingested as the tests do (tests/conftest.py ``seed_index_dir``)."""
    from qa.config import load_settings
    from qa.ingest.pipeline import ingest

    report = ingest([common.SEEDS], load_settings(env={}, dotenv=None, index=index))
    if report.failed or not report.added:
        raise RuntimeError(f"seeds ingest failed: added {report.added}, failed {report.failed}")


def offline_briefing(index: Path) -> dict[str, Any]:
    """The offline briefing's (text, citations) items, its article texts, and what it held."""
    from qa.briefing.summarize import summarize
    from qa.config import load_settings
    from qa.index.corpus import Corpus

    with Corpus(load_settings(env={}, dotenv=None, index=index)) as corpus:
        started = time.perf_counter()
        briefing = summarize(corpus, offline=True)
        summarize_s = time.perf_counter() - started
        items = [(s.text, s.citations) for s in briefing.sentences]
        items += [(d.text, d.citations) for d in briefing.differences]
        texts = {c.doc_id: corpus.article_text(c.doc_id) for _, cites in items for c in cites}
    return {
        "items": items,
        "texts": texts,
        "sentences": len(briefing.sentences),
        "differences": len(briefing.differences),
        "dropped": len(briefing.dropped),
        "citations": sum(len(c) for _, c in items),
        "summarize_s": summarize_s,
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def run(
    work: Path, rounds: int = 7, ask_rounds: int = 5, index: Path | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The whole item. ``index``: an existing seeds index (else one is built in ``work``);
    ``limit``: only the first answers of the claim set (the smoke test)."""
    from qa.config import load_settings
    from qa.index.corpus import Corpus

    work.mkdir(parents=True, exist_ok=True)
    if index is None:
        index = work / "seeds-index"
        build_index(index)
    answers, article_text = load_answers()
    answers = answers[:limit] if limit else answers
    long_answers = join_answers(answers)
    brief = offline_briefing(index)
    texts = brief["texts"]

    def from_dict(doc_id: str) -> str:
        return texts.get(doc_id, "")

    ask_cmd = [*common.qa_command(), "ask", "--offline", QUESTION, "--index", str(index)]
    runs: dict[str, list[float]] = {
        "answer_median": [],
        "answer_mean": [],
        "answer_max": [],
        "long_median": [],
        "briefing": [],
        "briefing_store": [],
        "ask": [],
    }
    ask_cpu: list[float] = []
    ask_out = ""
    with Corpus(load_settings(env={}, dotenv=None, index=index)) as corpus:
        for r in range(max(rounds, ask_rounds)):
            if r < rounds:
                per = _time_answers(answers, article_text)
                runs["answer_median"].append(statistics.median(per))
                runs["answer_mean"].append(statistics.fmean(per))
                runs["answer_max"].append(max(per))
                if long_answers:
                    runs["long_median"].append(statistics.median(_time_answers(long_answers, article_text)))
                runs["briefing"].append(_time_briefing(brief["items"], from_dict))
                runs["briefing_store"].append(_time_briefing(brief["items"], corpus.article_text))
            if r < ask_rounds:
                cold = common.run_process(ask_cmd, cwd=work)
                if cold.returncode != 0:
                    raise RuntimeError(f"cold qa ask failed ({cold.returncode}):\n{cold.stderr[-2000:]}")
                runs["ask"].append(cold.wall_s)
                ask_cpu.append(cold.cpu_s)
                ask_out = cold.stdout
    med = {name: statistics.median(v) for name, v in runs.items() if v}
    ask_s = med["ask"]
    share = {
        name: med[name] / ask_s for name in ("answer_median", "long_median", "briefing", "briefing_store")
    }
    share = {k: v for k, v in share.items() if k in med}
    return {
        "rounds": rounds,
        "ask_rounds": ask_rounds,
        "claim_set": "eval/claims.jsonl",
        "answers": len(answers),
        "answer_chars_median": statistics.median(len(t) for t, _ in answers),
        "long_answers": len(long_answers),
        "long_chars_median": statistics.median(len(t) for t, _ in long_answers) if long_answers else 0,
        "join": JOIN,
        "briefing": {k: v for k, v in brief.items() if k not in ("items", "texts")}
        | {"summarize_s": round(brief["summarize_s"], 3)},
        "question": QUESTION,
        "ask_first_line": ask_out.strip().splitlines()[0][:120] if ask_out.strip() else "",
        "answer_ms": _ms(med["answer_median"]),
        "answer_mean_ms": _ms(med["answer_mean"]),
        "answer_max_ms": _ms(med["answer_max"]),
        "long_answer_ms": _ms(med.get("long_median", 0.0)),
        "briefing_ms": _ms(med["briefing"]),
        "briefing_store_ms": _ms(med["briefing_store"]),
        "ask_s": round(ask_s, 3),
        "ask_cpu_s": round(statistics.median(ask_cpu), 3),
        "rounds_ms": {name: [_ms(x) for x in v] for name, v in runs.items() if name != "ask"},
        "ask_rounds_s": [round(x, 3) for x in runs["ask"]],
        "answer_share": round(share["answer_median"], 5),
        "long_answer_share": round(share.get("long_median", 0.0), 5),
        "briefing_share": round(share["briefing"], 5),
        "briefing_store_share": round(share["briefing_store"], 5),
        "target_share": TARGET_SHARE,
        "pass": max(share.values()) <= TARGET_SHARE,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.claims", description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the result JSON; write nothing")
    parser.add_argument(
        "--rounds", type=int, default=7, help="rounds of the in-process checks (median taken)"
    )
    parser.add_argument("--ask-rounds", type=int, default=5, help="cold `qa ask` runs (median taken)")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (the seeds index)")
    args = parser.parse_args(argv)
    load_before = common.load_average()
    work = args.keep or Path(tempfile.mkdtemp(prefix="qa-bench-claims-"))
    try:
        result = run(work, rounds=args.rounds, ask_rounds=args.ask_rounds)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.print:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return 0
    m = common.machine()
    result["measured"] = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": "python -m bench.claims",
        "cpu": m["cpu"],
        "cores": m["cores"],
        "load": load_before,
    }
    store = common.save_item("claims", result)
    print(f"wrote {store} and bench/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
