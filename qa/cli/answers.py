"""`qa search` and `qa ask`: passages and answers."""

from __future__ import annotations

from typing import Annotated

import typer

from qa.cli._app import (
    FormatOpt,
    IndexOpt,
    JsonOpt,
    KOpt,
    OfflineOpt,
    OpenOpt,
    OutputFileOpt,
    QuietOpt,
    _emit,
    _emit_page,
    _not_blank,
    _output,
    _question,
    _settings,
    _width,
    command,
    notice,
)


@command(example="qa search quorum --k 3")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(callback=_not_blank, help="What to look for.")],
    k: KOpt = None,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Show the passages that best match a query (dense + BM25, fused)."""
    from qa.index.corpus import Corpus
    from qa.index.search import search as run_search
    from qa.render.json import search_json
    from qa.render.terminal import search_text

    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    settings = _settings(out.index)
    with Corpus(settings) as corpus:
        hits = run_search(corpus, query, k or settings.k)
    _emit(out.as_json, search_json(query, hits), search_text(hits, _width()))


@command(example="qa ask How many lawmakers attended the session --format html -o answer.html")
def ask(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            help="The question; several words are joined, - reads it from stdin.", metavar="QUESTION..."
        ),
    ],
    k: KOpt = None,
    offline: OfflineOpt = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="text (default), json, or html: one self-contained page with each cited span highlighted "
            "in its article.",
            show_default=False,
        ),
    ] = None,
    output: OutputFileOpt = None,
    open_page: OpenOpt = False,
    quiet: QuietOpt = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any claim is not supported by what it cites.")
    ] = False,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge",
            help="Also ask a model (QA_JUDGE_MODEL, default QA_MODEL) whether each claim's cited text "
            "entails it: for negations and changed verbs the lexical check cannot see.",
        ),
    ] = False,
) -> None:
    """Answer a question from the articles, with verified citations and checked claims."""
    from qa.answer.ask import ask as run_ask
    from qa.answer.ask import make_judge, make_reader
    from qa.index.corpus import Corpus
    from qa.render.json import answer_json
    from qa.render.terminal import answer_text, repair_notice

    out = _output(
        ctx, index, as_json, output_format, formats=("text", "json", "html"), quiet=quiet, open_page=open_page
    )
    question = _question(words)
    settings = _settings(out.index)
    with Corpus(settings) as corpus:
        reader = make_reader(corpus, offline, notice)
        answer = run_ask(corpus, question, reader, k or settings.k, make_judge(corpus) if judge else None)
        if out.output_format == "html":
            from qa.answer.spans import article_views
            from qa.render.html import answer_html

            page = answer_html(answer, article_views(corpus, (c.doc_id for c in answer.citations)))
    if answer.repair is not None:
        notice(repair_notice(answer.repair))
    if out.output_format == "html":
        _emit_page(page, output, open_page)
    else:
        _emit(out.as_json, answer_json(answer), answer_text(answer, 80 if output else _width()), output)
    if strict and not answer.supported:
        raise typer.Exit(1)
