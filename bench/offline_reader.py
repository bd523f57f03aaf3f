"""Item 11: when the offline reader answers, and how its constants were chosen (issue 13).

The extractive reader answers only when a sentence covers the question's focus and holds an
answer of the asked kind (``qa.answer.extractive.answering``). Three constants decide "covers":
``COVER_AT`` (the share of the focus, idf-weighted, a sentence and its context must cover),
``COVER_LOW`` and ``SIMILAR_AT`` (a lower share suffices when the sentence's MiniLM cosine to
the question reaches ``SIMILAR_AT``).

What is measured:

* **the grid**: every setting in ``GRID`` over the three eval sets (eval/questions.jsonl,
  eval/allsides_questions.jsonl, eval/unanswerable.jsonl), each set's questions in its own index,
  the questions pooled; answerable accuracy, not_found recall and not_found precision on the
  ``dev`` split, the ``test`` split and all. The choice reads the dev figures alone: the smallest
  total shortfall from the targets (0.85 / 0.75 / 0.8), then the highest sum. The item fails
  when the choice is not the constants in the code, or when the code's constants miss a target
  on all the sets as a whole;
* **the pooled bench set**: bench/data/allsides_questions.jsonl (73 answerable questions written
  elsewhere, over all 1,479 AllSides articles in one index), with the code's constants, against
  the reader before the not_found gate (47/73, measured at commit 93daf7f with
  ``qa eval --offline``): it must not get worse. Skipped without the AllSides corpus.

Usage::

    python -m bench.offline_reader          # run, store in bench/results.json, re-render RESULTS.md
    python -m bench.offline_reader --print  # run and print the JSON only
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import common

SETS = ("questions.jsonl", "allsides_questions.jsonl", "unanswerable.jsonl")
GRID = tuple(
    itertools.product((0.7, 0.8, 0.9), ((0.4, 0.6), (0.5, 0.6), (0.5, 0.65), (0.6, 0.6)))
)  # (COVER_AT, (COVER_LOW, SIMILAR_AT))
TARGETS = {"answerable_accuracy": 0.85, "not_found_recall": 0.75, "not_found_precision": 0.8}
# The reader before the gate on the pooled bench set (commit 93daf7f, `qa eval --offline`).
BEFORE_GATE = {"hits": 47, "total": 73}
K = 6


def _metrics(results: Sequence[Any]) -> dict[str, dict[str, float]]:
    from qa.evaluation.score import summarise

    summary = summarise(results)
    return {name: summary[name].as_dict() for name in TARGETS}


def _value(metric: dict[str, float]) -> float:
    return metric["hits"] / metric["total"] if metric["total"] else 0.0  # unrounded, unlike "value"


def _shortfall(metrics: dict[str, dict[str, float]]) -> float:
    return sum(max(0.0, bar - _value(metrics[name])) for name, bar in TARGETS.items())


def grid(work: Path) -> dict[str, Any]:
    """Every setting of ``GRID`` on the three eval sets pooled, by split, and the dev choice."""
    from qa.answer import extractive
    from qa.config import load_settings
    from qa.evaluation.questions import load_questions, set_articles
    from qa.evaluation.runner import evaluate, open_set_corpus

    in_code = (extractive.COVER_AT, (extractive.COVER_LOW, extractive.SIMILAR_AT))
    settings_tried = list(GRID) if in_code in GRID else [*GRID, in_code]
    results: dict[Any, list[Any]] = {g: [] for g in settings_tried}
    split_of: dict[str, str] = {}
    try:
        for number, name in enumerate(SETS):
            path = common.ROOT / "eval" / name
            questions = load_questions(path)
            split_of.update({q.id: q.split for q in questions})
            settings = load_settings(env={}, dotenv=None, index=work / f"set-{number}")
            with open_set_corpus(settings, set_articles(path), lambda message: None) as corpus:
                for g in settings_tried:
                    extractive.COVER_AT, (extractive.COVER_LOW, extractive.SIMILAR_AT) = g
                    reader = extractive.ExtractiveReader(corpus.embedder)
                    results[g] += evaluate(corpus, questions, reader, K, "extractive", "").results
    finally:
        extractive.COVER_AT, (extractive.COVER_LOW, extractive.SIMILAR_AT) = in_code
    rows = []
    for g, rs in results.items():
        row = {"cover_at": g[0], "cover_low": g[1][0], "similar_at": g[1][1]}
        for split in ("dev", "test"):
            row[split] = _metrics([r for r in rs if split_of[r.id] == split])
        row["all"] = _metrics(rs)
        rows.append(row)
    rows.sort(key=lambda r: (_shortfall(r["dev"]), -sum(_value(m) for m in r["dev"].values())))
    chosen = rows[0]
    code = next(r for r in rows if (r["cover_at"], (r["cover_low"], r["similar_at"])) == in_code)
    return {
        "rows": rows,
        "chosen": {k: chosen[k] for k in ("cover_at", "cover_low", "similar_at")},
        "code": {k: code[k] for k in ("cover_at", "cover_low", "similar_at")},
        "code_all": code["all"],
        "questions": len(split_of),
        "pass": chosen is code and _shortfall(code["all"]) == 0,
    }


def pooled(work: Path, corpus_index: Path | None = None) -> dict[str, Any] | None:
    """The pooled AllSides bench set with the code's constants; None without the corpus."""
    if not common.have_allsides():
        return None
    from qa.answer.extractive import ExtractiveReader
    from qa.evaluation.questions import load_questions
    from qa.evaluation.runner import evaluate

    questions = load_questions(common.BENCH_QUESTIONS)
    with common.allsides_corpus(work, corpus_index) as corpus:
        run = evaluate(corpus, questions, ExtractiveReader(corpus.embedder), K, "extractive", "")
    hits = sum(r.correct for r in run.results)
    return {
        "hits": hits,
        "total": len(run.results),
        "not_found": sum(r.status == "not_found" for r in run.results),
        "before_gate": BEFORE_GATE,
        "pass": hits >= BEFORE_GATE["hits"],
    }


def run(work: Path, corpus_index: Path | None = None, pooled_set: bool = True) -> dict[str, Any]:
    """Both measurements; ``pass`` when the grid's choice is the code's and the bench set held."""
    import datetime as dt

    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(),
        "grid": grid(work / "grid"),
        "pooled": pooled(work / "pooled", corpus_index) if pooled_set else None,
    }
    result["pass"] = result["grid"]["pass"] and (result["pooled"] is None or result["pooled"]["pass"])
    return result


def _cell(metric: dict[str, float]) -> str:
    return f"{_value(metric):.3f} ({metric['hits']:.0f}/{metric['total']:.0f})"


def summary_row(r: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    """Item 11's line in the summary table of bench/RESULTS.md."""
    whole, p = r["grid"]["code_all"], r["pooled"]
    pooled_text = f"; pooled bench set {p['hits']}/{p['total']}" if p else ""
    before = f"before the gate: {p['before_gate']['hits']}/{p['before_gate']['total']}" if p else "–"
    return (
        "11",
        "offline reader on the three eval sets as a whole: answerable accuracy / not_found recall / "
        "precision" + ("; pooled AllSides bench set" if p else ""),
        " / ".join(f"{_value(whole[m]):.3f}" for m in TARGETS) + pooled_text,
        before,
        "≥ 0.85 / 0.75 / 0.8; pooled set not worse; constants = the dev choice",
        r["pass"],
    )


def section(r: dict[str, Any]) -> list[str]:
    """Item 11's section of bench/RESULTS.md: the grid by split, the choice, the pooled set."""
    g, p, m = r["grid"], r["pooled"], r["machine"]
    chosen = g["chosen"]
    out = [
        f"Measured by `python -m bench.offline_reader` on {r['date']} ({m['cpu']}, {m['cores']} cores, "
        f"load {m['load_before']}). {g['questions']} questions of the three eval sets, each set in its own "
        f"index, k = {K}, pooled. Each cell: answerable accuracy / not_found recall / not_found "
        "precision. The choice reads the dev column alone: the smallest shortfall from the targets "
        f"({' / '.join(str(v) for v in TARGETS.values())}), then the highest sum.",
        "",
        "| COVER_AT | COVER_LOW | SIMILAR_AT | dev | test | all |",
        "|---:|---:|---:|---|---|---|",
    ]
    for row in g["rows"]:
        mark = " **(chosen)**" if all(row[k] == chosen[k] for k in chosen) else ""
        cells = " | ".join(
            " / ".join(f"{_value(row[split][k]):.3f}" for k in TARGETS) for split in ("dev", "test", "all")
        )
        out.append(f"| {row['cover_at']} | {row['cover_low']} | {row['similar_at']}{mark} | {cells} |")
    code = g["code"]
    out += [
        "",
        f"The code's constants: COVER_AT {code['cover_at']}, COVER_LOW {code['cover_low']}, SIMILAR_AT "
        f"{code['similar_at']} ({'the dev choice' if code == chosen else '**not the dev choice**'}); on "
        "all the sets as a whole: " + ", ".join(f"{k} {_cell(v)}" for k, v in g["code_all"].items()) + ".",
    ]
    if p:
        out += [
            "",
            f"Pooled AllSides bench set (bench/data/allsides_questions.jsonl, {p['total']} answerable "
            f"questions over all 1,479 articles in one index): **{p['hits']}/{p['total']}** correct, "
            f"{p['not_found']} not_found; the reader before the gate: {p['before_gate']['hits']}/"
            f"{p['before_gate']['total']} — {'not worse' if p['pass'] else '**worse**'}.",
        ]
    else:
        out += ["", "Pooled AllSides bench set: skipped (the AllSides corpus is not beside the project)."]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the item and store it in bench/results.json (``--print``: print the JSON instead)."""
    return common.item_main("offline", "bench.offline_reader", __doc__ or "", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
