"""Render a ``qa eval`` report: a terminal table, a JSON document, and a Markdown report file."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import qa
from qa.evaluation.claimset import claim_set_json, claim_set_markdown
from qa.evaluation.claimset import ratio as _ratio
from qa.evaluation.questions import Question
from qa.evaluation.runner import EvalReport, Run, SetReport
from qa.evaluation.score import (
    METRICS,
    FaultCount,
    Metric,
    QuestionResult,
    failure_reasons,
    faults_caught,
    summarise,
)
from qa.evaluation.simulated import LEXICAL_FAULTS

SIMULATED_DISCLAIMER = (
    "**The `simulated` reader is simulated: it is not a language model.** It is a deterministic "
    "program (`qa/evaluation/simulated.py`) that reads only the passages in each request, answers with the "
    "sentence that best covers the question's words, quotes it (with straight quotes, as models "
    "do) and replies in the model's JSON contract. It is served to the real `openai` client over a "
    "mocked HTTP transport, so request building, response parsing and citation resolution are the "
    "real code; its numbers measure that pipeline and retrieval, not any model's reading ability."
)
LABELS = {
    "accuracy": "accuracy (all questions)",
    "answerable_accuracy": "accuracy (answerable)",
    "citation_validity": "citation validity",
    "citation_support": "citation support",
    "recall_at_k": "retrieval recall@k",
    "mrr": "retrieval MRR",
    "not_found_precision": "not_found precision",
    "not_found_recall": "not_found recall",
    "supported_claims": "supported claims",
    "uncited_claims": "uncited claims",
    "citation_recall": "citation recall (ALCE)",
    "citation_precision": "citation precision (ALCE)",
}
NEGATION_NOTE = "not a lexical fault; only --judge can see it"
FAULT_LABELS = {
    "figure": "a changed figure (168 -> 170)",
    "date": "a wrong day, month or year",
    "name": "a swapped proper name",
    "quote": "quoted words not in the passage",
    "attribution": "words given to another speaker",
    "uncited": "an added uncited sentence with a figure",
    "negation": "a negation flip (binding -> non-binding, 'not')",
}


def _fmt(metric: Metric, counts: bool = True) -> str:
    value = metric.value
    if value is None:
        return "n/a"
    if not counts:
        return f"{value:.3f}"
    hits = f"{metric.hits:.1f}" if metric.hits != int(metric.hits) else str(int(metric.hits))
    return f"{value:.3f} ({hits}/{metric.total})"


def _counts(set_report: SetReport) -> str:
    total = len(set_report.questions)
    answerable = sum(q.answerable for q in set_report.questions)
    return f"{total} questions: {answerable} answerable, {total - answerable} unanswerable"


def _cell(result: QuestionResult) -> str:
    mark = "ok" if result.correct else "xx"
    status = {"answered": "ans", "not_found": "nf ", "error": "ERR"}.get(result.status, result.status[:3])
    rank = "   " if result.rank is None else (f"r{result.rank:<2}" if result.rank else "r- ")
    support = {True: "S", False: ".", None: " "}[result.supported]
    claims = {True: "C", False: "u", None: " "}[result.claims_ok]
    return f"{mark} {status} {rank} {support}{claims}"


def _run_name(run: Run) -> str:
    return run.reader if run.reader in ("simulated", "extractive") else f"{run.reader}:{run.model}"


# ----------------------------------------------------------------------------- terminal


def failed_questions(run: Run, questions: list[Question]) -> list[dict[str, Any]]:
    """Each question of a run that counts against a metric: what was asked, expected and given, and why."""
    gold = {q.id: q for q in questions}
    out = []
    for result in run.results:
        reasons = failure_reasons(result)
        if reasons:
            out.append(
                {
                    "id": result.id,
                    "category": result.category,
                    "question": result.question,
                    "answerable": result.answerable,
                    "expected": list(gold[result.id].answers) if result.id in gold else [],
                    "status": result.status,
                    "answer": result.answer,
                    "reasons": list(reasons),
                }
            )
    return out


def _failures_text(run: Run, questions: list[Question]) -> list[str]:
    failed = failed_questions(run, questions)
    if not failed:
        return [f"Every question passed with the {_run_name(run)} reader.", ""]
    lines = [f"Failed questions of the {_run_name(run)} reader ({len(failed)} of {len(run.results)}):"]
    for x in failed:
        expected = (
            " | ".join(x["expected"]) if x["answerable"] else "not found (the articles do not answer it)"
        )
        given = {"not_found": "not found", "error": "(no answer: the reader failed)"}.get(
            x["status"], _short(x["answer"], 400)
        )
        lines += [
            f"  {x['id']} ({x['category']}) {_short(x['question'], 200)}",
            f"      expected: {expected}",
            f"      answered: {given}",
            f"      why: {'; '.join(x['reasons'])}",
        ]
    return [*lines, ""]


def report_text(report: EvalReport, verbose: bool = False) -> str:
    """Per set: the failed questions (with ``verbose`` first the grid of codes), then the overall table."""
    lines: list[str] = []
    for set_report in report.sets:
        names = [_run_name(r) for r in set_report.runs]
        lines.append(
            f"{set_report.path} — {_counts(set_report)}; k={report.k} of {set_report.index_chunks} chunks"
        )
        if verbose:
            lines.append(f"{'question':<14}{'category':<15}" + "".join(f"{n:<16}" for n in names))
            for i, question in enumerate(set_report.questions):
                lines.append(
                    f"{question.id:<14}{question.category:<15}"
                    + "".join(f"{_cell(r.results[i]):<16}" for r in set_report.runs)
                )
            lines.append(
                "(ok/xx correct; ans/nf/ERR status; rN rank of the first chunk "
                "holding gold evidence, r- none; S cites gold, . does not; "
                "C every checked claim supported, u one is not)"
            )
        lines.append("")
        for run in set_report.runs:
            lines += _failures_text(run, set_report.questions)
        width = max(len(n) for n in names) + 2
        lines.append(f"{'metric':<26}" + "".join(f"{n:>{max(width, 18)}}" for n in names))
        for name in METRICS:
            lines.append(
                f"{LABELS[name]:<26}"
                + "".join(f"{_fmt(r.metrics[name]):>{max(width, 18)}}" for r in set_report.runs)
            )
        lines.append(
            f"{'seconds':<26}" + "".join(f"{r.seconds:>{max(width, 18)}.1f}" for r in set_report.runs)
        )
        lines.append("")
        if set_report.fault_runs:
            lines += _faults_text(set_report.faults)
    if report.sets and report.sets[0].runs[0].reader == "simulated":
        lines.append(
            "Note: the simulated reader is a deterministic stand-in for a model, "
            "not a model (see eval/README.md)."
        )
    for note in report.notes:
        lines.append(f"Note: {note}")
    if report.claim_set is not None:
        precision, recall = report.claim_set.precision_recall()
        lines.append(
            f"Claim check on {report.claim_set.path}: {len(report.claim_set.items)} answers; "
            f"precision of flags {_ratio(precision)}, recall of lexical faults {_ratio(recall)}"
            + (" — FAILED" if report.claim_set.gate_failures() else "")
        )
    if report.thresholds:
        active = ", ".join(f"{k} >= {v}" for k, v in report.thresholds.items() if v)
        verdict = "FAILED" if report.failures else "passed"
        lines.append(f"Thresholds ({report.primary} reader): {active or 'none'} — {verdict}")
    # The failures themselves (thresholds and the claim set's gate) are printed once, on stderr,
    # by the caller: listing them here too showed each one twice in a terminal.
    return "\n".join(lines).rstrip()


def _faults_text(faults: dict[str, FaultCount]) -> list[str]:
    lines = [
        "Planted faults (the simulated reader, one run per kind; caught = a claim holding the planted "
        "words is unsupported):",
        f"{'fault':<14}{'planted':>9}{'caught':>9}",
    ]
    for kind, count in faults.items():
        note = "" if count.lexical else f"   ({NEGATION_NOTE})"
        lines.append(f"{kind:<14}{count.planted:>9}{count.caught:>9}{note}")
    total = faults_caught(faults)
    lines.append(f"{'lexical kinds':<14}{total.total:>9}{int(total.hits):>9}   faults_caught {_fmt(total)}")
    for count in faults.values():
        if count.lexical:
            lines += [f"  missed {count.kind}: {x.id}: {_short(x.answer, 110)}" for x in count.missed[:5]]
    lines.append("")
    return lines


# ----------------------------------------------------------------------------- JSON


def _faults_json(faults: dict[str, FaultCount]) -> dict[str, Any]:
    return {
        kind: {
            "planted": c.planted,
            "caught": c.caught,
            "answered": c.answered,
            "lexical": c.lexical,
            **({} if c.lexical else {"note": NEGATION_NOTE}),
            "missed": [{"id": x.id, "wrong": x.fault_words, "answer": x.answer} for x in c.missed],
        }
        for kind, c in faults.items()
    }


def _result_json(result: QuestionResult) -> dict[str, Any]:
    data = asdict(result)
    del data["question"]  # the set has it; the per-question rows stay short
    return {**data, "cited": list(result.cited)}


def report_json(report: EvalReport) -> dict[str, Any]:
    """The ``qa eval --json`` document."""
    return {
        "date": report.date,
        "qa_version": qa.__version__,
        "primary": report.primary,
        "k": report.k,
        "embedder": report.embedder,
        "chunking": report.chunking,
        "prompts": report.prompts,
        "thresholds": report.thresholds,
        "passed": not report.failures,
        "failures": report.failures,
        "notes": report.notes,
        **({"claim_set": claim_set_json(report.claim_set)} if report.claim_set is not None else {}),
        # Every set's questions pooled, per reader: over all of them, and over each split.
        "whole": {
            reader: {split: {m: v.as_dict() for m, v in metrics.items()} for split, metrics in splits.items()}
            for reader, splits in whole_sets(report).items()
        },
        "sets": [
            {
                "set": s.path,
                "articles": s.articles,
                "questions": len(s.questions),
                "answerable": sum(q.answerable for q in s.questions),
                **(
                    {"faults": _faults_json(s.faults), "faults_caught": faults_caught(s.faults).as_dict()}
                    if s.fault_runs
                    else {}
                ),
                "runs": [
                    {
                        "reader": r.reader,
                        "backend": r.backend,
                        "model": r.model,
                        "simulated": r.reader == "simulated",
                        "seconds": round(r.seconds, 2),
                        "metrics": {name: r.metrics[name].as_dict() for name in METRICS},
                        "questions": [_result_json(x) for x in r.results],
                        "failures": failed_questions(r, s.questions),
                    }
                    for r in s.runs
                ],
            }
            for s in report.sets
        ],
    }


# ----------------------------------------------------------------------------- Markdown


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _short(text: str, width: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _reader_line(run: Run) -> str:
    if run.reader == "simulated":
        return (
            f"- `simulated` — model `{run.model}`, a deterministic "
            "simulation served over a mocked transport (see the note above)."
        )
    if run.reader == "extractive":
        return (
            "- `extractive` — no model: quotes the best-scoring retrieved sentences "
            "(`qa/answer/extractive.py`, what `qa ask --offline` runs)."
        )
    if run.reader == "replay":
        return f"- `replay` — model `{run.model}`: recorded replies of a real model, served offline."
    return f"- `live` — model `{run.model}` at the configured endpoint."


def report_markdown(report: EvalReport) -> str:
    """The report file: setup, readers side by side per set, per-question tables, misses."""
    out = ["# qa eval report", ""]
    readers = {r.reader for s in report.sets for r in s.runs}
    if "simulated" in readers:
        out += [f"> {SIMULATED_DISCLAIMER}", ""]
    out += [
        f"- Date: {report.date}",
        f"- Command: `{report.command}`" if report.command else "- Command: (library call)",
        (
            f"- qa {qa.__version__}; retrieval: hybrid (dense + BM25), "
            f"k = {report.k}; embedder: `{report.embedder}`; chunks: {report.chunking}"
        ),
        *(f"- Note: {n}" for n in report.notes),
        "",
        "Readers:",
        "",
    ]
    seen: set[str] = set()
    for s in report.sets:
        for r in s.runs:
            if r.reader not in seen:
                seen.add(r.reader)
                out.append(_reader_line(r))
    out += ["", "Prompt files the model reader sends (sha256):", "", "| prompt | sha256 |", "|---|---|"]
    out += [f"| `prompts/{name}.md` | `{digest}` |" for name, digest in sorted(report.prompts.items())]
    out.append("")
    if report.thresholds:
        active = ", ".join(f"{k} ≥ {v}" for k, v in report.thresholds.items() if v) or "none"
        out += [
            (
                f"Thresholds on the `{report.primary}` reader: {active} — "
                f"**{'FAILED' if report.failures else 'passed'}**"
            ),
            "",
        ]
        out += [f"- below: {f}" for f in report.failures]
        out.append("")
    if len(report.sets) > 1:
        out += _whole_markdown(report)
    for s in report.sets:
        out += _set_markdown(s, report.k)
    out += [
        "## How the numbers are computed",
        "",
        (
            "- **accuracy**: an answerable question counts when the reader answered and one of its "
            "accepted aliases occurs in the answer as whole words (case, accents, punctuation and "
            "thousands separators ignored); an unanswerable one counts when the reader replied "
            "`not_found`. A long answer (the extractive reader quotes whole sentences) can contain an "
            "alias by chance, so read accuracy together with citation support."
        ),
        "- **citation validity**: verified citations / all citations.",
        (
            "- **citation support**: answered answerable questions with a verified citation "
            "overlapping a gold evidence span / answered answerable questions."
        ),
        (
            "- **retrieval recall@k / MRR**: a gold evidence span lying wholly inside one of the k "
            "retrieved chunks (any of the question's evidence quotes counts). On a small index the k "
            "passages are a large share of it, so recall is easy there; the corpus-wide bench "
            "(`bench/`) is the retrieval test at scale."
        ),
        (
            "- **not_found precision / recall**: `not_found` replies that were unanswerable "
            "questions / all `not_found` replies; unanswerable questions answered `not_found` / "
            "all unanswerable questions."
        ),
        (
            "- **supported claims**: over the answered questions' checked claims (a connecting "
            "sentence with no figure, name, date or quoted words is not checked), the share the "
            "support check passes: every figure, date, name, quoted word and speaker is in the text "
            "the claim cites. **uncited claims**: checked claims with no `[n]` marker (their count is "
            "the numerator)."
        ),
        (
            "- **citation recall / precision (ALCE, Gao et al. 2023)**: recall is checked claims "
            "that cite something and are supported by it / checked claims; precision is, over every "
            "(claim, citation) pair, the share whose citation on its own backs something the claim "
            "says."
        ),
        (
            "- **planted faults** (`qa eval --faults`): the simulated reader is run once per fault "
            "kind, planting one error in each answer where the kind applies (the quotes stay "
            "verbatim); a fault is caught when a claim holding the planted words is unsupported. "
            "`faults_caught` is caught / planted over the lexical kinds. A negation flip is "
            f"{NEGATION_NOTE}."
        ),
        "",
    ]
    if report.claim_set is not None:
        out += [*claim_set_markdown(report.claim_set), ""]
    return "\n".join(out)


WHOLE_METRICS = ("answerable_accuracy", "not_found_recall", "not_found_precision")


def whole_sets(report: EvalReport) -> dict[str, dict[str, dict[str, Metric]]]:
    """Per reader, the sets' questions pooled: metrics over all of them and over each split (dev, test)."""
    split_of = {q.id: q.split for s in report.sets for q in s.questions}
    pooled: dict[str, list[QuestionResult]] = {}
    for s in report.sets:
        for r in s.runs:
            pooled.setdefault(r.reader, []).extend(r.results)
    out: dict[str, dict[str, dict[str, Metric]]] = {}
    for reader, results in pooled.items():
        splits = sorted({split_of.get(r.id, "") for r in results} - {""})
        out[reader] = {
            **{split: summarise([r for r in results if split_of.get(r.id) == split]) for split in splits},
            "all": summarise(results),
        }
    return out


def _whole_markdown(report: EvalReport) -> list[str]:
    from qa.answer import extractive

    out = [
        "## The sets as a whole",
        "",
        (
            "Every question of the sets below pooled, per reader, and split into the `dev` half (where "
            "constants are set) and the `test` half (where they are only reported). The extractive "
            f"reader's constants (`COVER_AT` {extractive.COVER_AT}, `COVER_LOW` {extractive.COVER_LOW}, "
            f"`SIMILAR_AT` {extractive.SIMILAR_AT}) were chosen on `dev` alone; the grid of settings "
            "tried, with each one's dev and test figures, is item 11 of `bench/RESULTS.md` "
            "(`python -m bench.offline_reader`)."
        ),
        "",
        "| reader | split | " + " | ".join(LABELS[m] for m in WHOLE_METRICS) + " |",
        "|---|---|" + "---:|" * len(WHOLE_METRICS),
    ]
    for reader, splits in whole_sets(report).items():
        for split, metrics in splits.items():
            cells = " | ".join(_fmt(metrics[m]) for m in WHOLE_METRICS)
            out.append(f"| `{reader}` | {split} | {cells} |")
    return [*out, ""]


def _set_markdown(s: SetReport, k: int) -> list[str]:
    names = [_run_name(r) for r in s.runs]
    out = [
        f"## {s.path}",
        "",
        f"{_counts(s)}. Articles: {', '.join(f'`{a}`' for a in s.articles)} — {s.index_articles} articles, "
        f"{s.index_chunks} chunks in the index, so the k = {k} passages shown per question are "
        f"{k / s.index_chunks:.0%} of it."
        if s.index_chunks
        else f"{_counts(s)}.",
        "",
    ]
    out += ["| metric | " + " | ".join(f"`{n}`" for n in names) + " |", "|---|" + "---:|" * len(names)]
    for name in METRICS:
        out.append(f"| {LABELS[name]} | " + " | ".join(_fmt(r.metrics[name]) for r in s.runs) + " |")
    out.append("| seconds | " + " | ".join(f"{r.seconds:.1f}" for r in s.runs) + " |")
    out.append("")
    if s.fault_runs:
        out += _faults_markdown(s.faults)
    out += [
        "",
        "### Per question",
        "",
        (
            "`ok`/`xx`: correct or not; `ans`/`nf`: answered or not_found; `rN`: rank of the first retrieved "
            "chunk holding gold evidence (`r-`: none in the top k); `S`: "
            "a verified citation overlaps the gold evidence, `.`: none does; `C`: every checked claim "
            "is supported, `u`: one is not."
        ),
        "",
    ]
    out += [
        "| id | category | question | " + " | ".join(f"`{n}`" for n in names) + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for i, q in enumerate(s.questions):
        cells = " | ".join(f"`{_cell(r.results[i]).rstrip()}`" for r in s.runs)
        out.append(f"| {q.id} | {q.category} | {_md(q.question)} | {cells} |")
    out.append("")
    for r, name in zip(s.runs, names, strict=True):
        misses = [x for x in r.results if not x.correct]
        if not misses:
            continue
        out += [f"### Misses of `{name}` ({len(misses)})", ""]
        gold = {q.id: q for q in s.questions}
        for x in misses:
            expected = " / ".join(gold[x.id].answers) if x.answerable else "not_found"
            got = "not_found" if x.status == "not_found" else _short(x.answer)
            out.append(
                f"- **{x.id}** ({x.category}) {_md(x.question)} — expected: {_md(expected)}; got: {_md(got)}"
            )
        out.append("")
    for r, name in zip(s.runs, names, strict=True):
        unsupported = [(x, c) for x in r.results for c in x.unsupported]
        if not unsupported:
            continue
        out += [f"### Unsupported claims of `{name}` ({len(unsupported)})", ""]
        for x, c in unsupported[:30]:
            out.append(
                f"- **{x.id}** {_md(_short(c['text']))} — {_md('; '.join(c['problems']) or 'unsupported')}"
            )
        if len(unsupported) > 30:
            out.append(f"- … and {len(unsupported) - 30} more (see `--json`)")
        out.append("")
    return out


def _faults_markdown(faults: dict[str, FaultCount]) -> list[str]:
    out = [
        "### Planted faults",
        "",
        (
            "The simulated reader, run once per kind, planting the fault in every answer it applies to; "
            "caught: a claim holding the planted words is unsupported."
        ),
        "",
        "| fault | what is planted | answered | planted | caught |",
        "|---|---|---:|---:|---:|",
    ]
    for kind, c in faults.items():
        what = FAULT_LABELS.get(kind, kind) + ("" if c.lexical else f" — *{NEGATION_NOTE}*")
        out.append(f"| `{kind}` | {_md(what)} | {c.answered} | {c.planted} | {c.caught} |")
    out += [
        "",
        f"Lexical kinds ({', '.join(LEXICAL_FAULTS)}): faults_caught {_fmt(faults_caught(faults))}.",
        "",
    ]
    missed = [(c.kind, x) for c in faults.values() if c.lexical for x in c.missed]
    if missed:
        out += [f"Missed lexical faults ({len(missed)}):", ""]
        out += [
            f"- `{kind}` **{x.id}** ({_md(x.fault_words)}): {_md(_short(x.answer))}"
            for kind, x in missed[:30]
        ]
        out.append("")
    return out


def write_report(report: EvalReport, path: Path) -> None:
    """Write the Markdown report file (creating its folder)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(report_markdown(report), encoding="utf-8")
