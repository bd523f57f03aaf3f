"""`qa stories` and `qa summarize`: the stories of the index and their briefings."""

from __future__ import annotations

from typing import Annotated

import typer

from qa.cli._app import (
    FormatOpt,
    IndexOpt,
    JsonOpt,
    OfflineOpt,
    OpenOpt,
    OutputFileOpt,
    QuietOpt,
    _emit,
    _emit_page,
    _output,
    _settings,
    _width,
    command,
    notice,
)


@command(example="qa stories")
def stories(
    ctx: typer.Context,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """List the stories of the index: its articles grouped by what they report and when."""
    from qa.briefing.stories import find_stories
    from qa.index.corpus import Corpus
    from qa.render.json import stories_json
    from qa.render.terminal import stories_text

    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    with Corpus(_settings(out.index)) as corpus:
        corpus.require_articles()
        found = find_stories(corpus)
    _emit(out.as_json, {"stories": stories_json(found)}, stories_text(found, _width()))


@command(example="qa summarize --story 1 --words 150 --format html -o briefing.html")
def summarize(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            metavar="TEXT",
            help="Brief only the articles matching this topic (default: all).",
            show_default=False,
        ),
    ] = None,
    words: Annotated[
        int,
        typer.Option(
            "--words",
            metavar="N",
            min=40,
            max=2000,
            help="Length of the briefing body in words; differences add up to 60% more.",
        ),
    ] = 250,
    story: Annotated[
        int | None,
        typer.Option(
            "--story",
            metavar="N",
            min=1,
            help="Brief story N of the index (`qa stories` lists them; default: the largest).",
            show_default=False,
        ),
    ] = None,
    offline: OfflineOpt = False,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="text (default), md, json, or html: one self-contained page with the briefed articles "
            "side by side and each cited span highlighted.",
            show_default=False,
        ),
    ] = None,
    output: OutputFileOpt = None,
    open_page: OpenOpt = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write a neutral briefing across outlets: every sentence cited, differences made explicit."""
    from qa.briefing.summarize import summarize as run_summarize
    from qa.index.corpus import Corpus
    from qa.render.json import briefing_json
    from qa.render.markdown import briefing_markdown
    from qa.render.terminal import briefing_text

    formats = ("text", "md", "json", "html")
    out = _output(ctx, index, as_json, output_format, formats=formats, quiet=quiet, open_page=open_page)
    with Corpus(_settings(out.index)) as corpus:
        briefing = run_summarize(corpus, topic, words, offline=offline, on_notice=notice, story=story)
        if out.output_format == "html":
            from qa.answer.spans import article_views
            from qa.render.html import briefed_doc_ids, briefing_html

            page = briefing_html(briefing, article_views(corpus, briefed_doc_ids(briefing)))
    if briefing.dropped:
        notice(
            f"{len(briefing.dropped)} sentence(s) left out of the briefing: their citations did not verify."
        )
    if out.output_format == "html":
        _emit_page(page, output, open_page)
        return
    _emit(
        out.as_json,
        briefing_json(briefing),
        briefing_markdown(briefing)
        if out.output_format == "md"
        else briefing_text(briefing, 80 if output else _width()),
        output,
    )
