"""`qa eval`: the pipeline scored on question sets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qa.cli._app import (
    FormatOpt,
    JsonOpt,
    KOpt,
    QuietOpt,
    _emit,
    _output,
    _settings,
    command,
    notice,
)

# The spellings before --min METRIC=X; main() still accepts them.
_OLD_MIN_OPTIONS = {"--min-recall": "recall_at_k"}


def _thresholds(minimums: list[str]) -> dict[str, float]:
    from qa.evaluation.score import GATED

    out: dict[str, float] = {}
    for item in minimums:
        name, sep, raw = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in GATED:
            raise typer.BadParameter(
                f"{item!r}: expected METRIC=X with METRIC one of {', '.join(GATED)}.", param_hint="--min"
            )
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0.0 <= value <= 1.0:
            raise typer.BadParameter(f"{item!r}: X must be a number from 0 to 1.", param_hint="--min")
        out[name] = value
    return out


def _old_min_options(argv: list[str]) -> list[str]:
    """Rewrite ``--min-accuracy X`` (and ``=X``) as ``--min accuracy=X``."""
    out: list[str] = []
    args = iter(argv)
    for arg in args:
        option, sep, value = arg.partition("=")
        if option.startswith("--min-") and option != "--min-":
            metric = _OLD_MIN_OPTIONS.get(option, option[len("--min-") :].replace("-", "_"))
            value = value if sep else next(args, "")
            out += ["--min", f"{metric}={value}"]
        else:
            out.append(arg)
    return out


@command("eval", example="qa eval --offline --min accuracy=0.8")
def eval_command(
    ctx: typer.Context,
    sets: Annotated[
        list[Path] | None,
        typer.Option(
            "--set",
            metavar="PATH",
            help=(
                "Question set (JSONL); repeat for several (default: eval/questions.jsonl, "
                "or the copy shipped with qa when the working directory has none). "
                "Its articles are listed in SET.articles beside it."
            ),
            show_default=False,
        ),
    ] = None,
    articles: Annotated[
        list[Path] | None,
        typer.Option(
            "--articles",
            metavar="PATH",
            help="Article files/folders to index instead of the set's SET.articles list; repeatable.",
            show_default=False,
        ),
    ] = None,
    live: Annotated[
        bool,
        typer.Option("--live", help="Use the configured model (OPENAI_API_KEY / OPENAI_BASE_URL, QA_MODEL)."),
    ] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Use the extractive reader (no model).")] = False,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            metavar="FILE",
            help="Save every model request and reply to FILE (with --live, or the simulated model).",
            show_default=False,
        ),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(
            "--replay",
            metavar="FILE",
            help=(
                "Serve the model's replies from a --record FILE, offline; "
                "fails if a request was not recorded."
            ),
            show_default=False,
        ),
    ] = None,
    k: KOpt = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="Also run the simulated and extractive readers side by side (on with --report)."
        ),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="PATH",
            help="Write a Markdown report (model, prompt hashes, date, readers side by side) to PATH.",
            show_default=False,
        ),
    ] = None,
    minimums: Annotated[
        list[str] | None,
        typer.Option(
            "--min",
            metavar="METRIC=X",
            help=(
                "Exit 1 if METRIC is below X (0-1); repeatable. Metrics: accuracy, citation_validity, "
                "citation_support, recall_at_k, mrr, not_found_precision, not_found_recall, "
                "supported_claims, citation_recall, citation_precision, and faults_caught (with --faults)."
            ),
            show_default=False,
        ),
    ] = None,
    index: Annotated[
        Path | None,
        typer.Option(
            "--index",
            metavar="PATH",
            help="Ingest the set's articles into this index instead of a temporary one.",
            show_default=False,
        ),
    ] = None,
    fault: Annotated[
        str | None,
        typer.Option(
            "--fault",
            metavar="KIND",
            help=(
                "Make the simulated model plant one fault in each answer it applies to, in the answer "
                "text only: figure, date, name, quote, attribution, uncited or negation. "
                "For looking at one kind question by question (or recording it)."
            ),
            show_default=False,
        ),
    ] = None,
    faults: Annotated[
        bool,
        typer.Option(
            "--faults",
            help=(
                "Also run the simulated model once per fault kind and report, per kind, how many planted "
                "faults the claim check catches (gate with --min faults_caught=1)."
            ),
        ),
    ] = False,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge",
            help="Also ask the model judge about every claim (qa ask --judge), through the reader's own "
            "client: simulated, recorded and replayed like the reader's calls.",
        ),
    ] = False,
    claims: Annotated[
        Path | None,
        typer.Option(
            "--claims",
            metavar="FILE",
            help="Also score the claim check on a hand-written claim set (with --report: eval/claims.jsonl "
            "when it exists); a flagged faithful answer or a missed lexical fault makes it exit 1.",
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", help="Also print the per-question table of codes (ok/xx, ans/nf, rN, S, C)."
        ),
    ] = False,
    as_json: JsonOpt = False,
    output_format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Score readers on a factual question set; offline by default (a simulated model, real openai client)."""
    import shlex

    from qa.evaluation.claimset import DEFAULT_CLAIM_SET
    from qa.evaluation.questions import DEFAULT_SET, default_path
    from qa.evaluation.render import report_json, report_text, write_report
    from qa.evaluation.runner import EvalOptions, run_eval
    from qa.evaluation.simulated import FAULT_KINDS

    if sum((live, offline, replay is not None)) > 1:
        raise typer.BadParameter("choose at most one of --live, --offline and --replay.")
    if record is not None and (offline or replay is not None):
        raise typer.BadParameter(
            "--record saves model replies: use it with --live (or the default simulated model), "
            "not --offline or --replay."
        )
    if fault is not None and fault not in FAULT_KINDS:
        raise typer.BadParameter(
            f"{fault!r}: expected one of {', '.join(FAULT_KINDS)}.", param_hint="--fault"
        )
    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    index = out.index
    thresholds = _thresholds(minimums or [])
    default_claims = default_path(DEFAULT_CLAIM_SET)
    options = EvalOptions(
        sets=tuple(sets or [default_path(DEFAULT_SET)]),  # the shipped set when the CWD has no eval/
        articles=tuple(articles or ()),
        reader="live"
        if live
        else "extractive"
        if offline
        else "replay"
        if replay is not None
        else "simulated",
        record=record,
        replay=replay,
        k=k,
        index=index,
        compare=compare or report is not None,
        thresholds=thresholds,
        command=shlex.join(["qa", *sys.argv[1:]]),
        fault=fault or "",
        faults=faults,
        judge=judge,
        claims=claims or (default_claims if report is not None and default_claims.is_file() else None),
    )
    result = run_eval(options, _settings(index), notice)
    if report is not None:
        write_report(result, report)
        notice(f"report written to {report}")
    _emit(out.as_json, report_json(result), report_text(result, verbose=verbose))
    if result.failures:
        # Only here, once each: the text report says FAILED but leaves the list to stderr.
        for failure in result.failures:
            notice(f"eval: failed: {failure}")
        raise typer.Exit(1)
