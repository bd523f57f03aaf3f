"""`qa ingest`, `qa sources`, `qa remove` and `qa show`: what goes into the index and what is in it."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from qa.cli._app import (
    FormatOpt,
    IndexOpt,
    JsonOpt,
    QuietOpt,
    _emit,
    _output,
    _settings,
    _width,
    command,
    notice,
)
from qa.render.common import source_label


@command(example="qa ingest seeds/ https://example.org/feed.rss --limit 20")
def ingest(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or folders (.txt, .md, .html, .jsonl), http(s) URLs of pages or RSS/Atom feeds, "
            "or - to read them from stdin, one a line.",
            metavar="PATH_OR_URL...",
            show_default=False,
        ),
    ] = None,
    urls_file: Annotated[
        Path | None,
        typer.Option(
            "--urls",
            metavar="FILE",
            help="A file of URLs, one a line (# starts a comment).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", metavar="N", min=1, help="Take the first N articles of each feed.", show_default=False
        ),
    ] = None,
    reextract: Annotated[
        bool,
        typer.Option("--reextract", help="Extract every stored web page again, with no network."),
    ] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Empty the index first (needed after changing QA_EMBEDDING).")
    ] = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Add articles to the index; unchanged ones are skipped, changed ones replaced."""
    from qa.ingest.pipeline import WebInput
    from qa.ingest.pipeline import ingest as run_ingest
    from qa.ingest.urls import is_url, read_url_list
    from qa.render.progress import progress_bar

    given = list(sources or [])
    if "-" in given:  # paths and URLs on stdin, one a line
        given = [g for g in given if g != "-"] + [line.strip() for line in sys.stdin if line.strip()]
    # "ftp://…" or "https//…" is a URL qa cannot fetch, not a path: the fetcher says so in one line.
    web_like = [g for g in given if is_url(g) or "://" in g]
    urls = web_like + (read_url_list(urls_file) if urls_file is not None else [])
    paths = [Path(g) for g in given if g not in web_like]
    if not paths and not urls and not reextract:
        raise typer.BadParameter("give at least one path or URL (or --urls FILE, or --reextract).")
    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    settings = _settings(out.index)
    web = WebInput(tuple(dict.fromkeys(urls)), limit, reextract)
    with progress_bar(enabled=sys.stderr.isatty()) as on_progress:
        report = run_ingest(
            paths, settings, rebuild=rebuild, on_progress=on_progress, on_notice=notice, web=web
        )
    for message in report.failed:
        notice(f"error: {message}")
    counts = (
        f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed ({report.chunks} chunks written)"
    )
    if report.error:
        notice(f"error: {report.error}")
    if report.interrupted:
        # The summary of an interrupted run goes to stderr; --json still gets its document on stdout.
        notice(f"interrupted: {counts}; run the same command again to continue")
        if out.as_json:
            _emit(True, report.as_dict(), "")
        raise typer.Exit(130)
    _emit(out.as_json, report.as_dict(), f"{counts} — index: {settings.index}")
    if report.failed or report.error:
        raise typer.Exit(1)


@command(example="qa sources --outlet 'Global News' --since 2020-01-01 --sort published")
def sources(
    ctx: typer.Context,
    sort: Annotated[
        str,
        typer.Option(
            "--sort", metavar="KEY", help="doc_id (default), outlet, published or chunks.", show_default=False
        ),
    ] = "doc_id",
    outlet: Annotated[
        str | None,
        typer.Option("--outlet", metavar="NAME", help="Only this outlet's articles.", show_default=False),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Only articles published on or after DATE (YYYY-MM-DD).",
            show_default=False,
        ),
    ] = None,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: Annotated[
        str | None,
        typer.Option("--format", metavar="FORMAT", help="text (default), csv or json.", show_default=False),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """List the indexed articles as a table."""
    from qa.index.corpus import Corpus
    from qa.index.listing import select_sources
    from qa.render.json import sources_json
    from qa.render.tables import sources_csv, sources_table

    out = _output(ctx, index, as_json, output_format, ("text", "csv", "json"), quiet)
    with Corpus(_settings(out.index)) as corpus:
        found = select_sources(corpus.store.sources(), outlet, since, sort)
    text = sources_csv(found) if out.output_format == "csv" else sources_table(found, _width())
    _emit(out.as_json, sources_json(found), text)


@command(example="qa remove index-3f2a9c1b")
def remove(
    ctx: typer.Context,
    doc_ids: Annotated[
        list[str], typer.Argument(help="doc_ids as listed by `qa sources`.", metavar="DOC_ID...")
    ],
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Remove articles from the index."""
    from qa.ingest.pipeline import remove as run_remove

    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    missing = run_remove(doc_ids, _settings(out.index), on_notice=notice)
    removed = [d for d in doc_ids if d not in missing]
    for doc_id in missing:
        notice(f"error: no article {doc_id!r} in the index")
    _emit(out.as_json, {"removed": removed, "missing": missing}, f"{len(removed)} removed")
    if missing:
        raise typer.Exit(1)


@command(example="qa show 001_459249e74de3275c:2792-2915")
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="DOC_ID:START-END, as printed beside each citation; DOC_ID alone prints the whole article.",
            metavar="REF",
        ),
    ],
    in_bytes: Annotated[
        bool, typer.Option("--bytes", help="Also print the span's UTF-8 byte offsets (always in --json).")
    ] = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Print a cited span inside its sentence, to check a citation (offsets count Unicode characters)."""
    from qa.answer.spans import show as run_show
    from qa.answer.spans import show_article
    from qa.index.corpus import Corpus
    from qa.render.json import article_json
    from qa.render.terminal import article_text

    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    if ":" not in ref:
        with Corpus(_settings(out.index)) as corpus:
            whole = show_article(corpus, ref.strip())
        _emit(out.as_json, article_json(whole), article_text(whole, _width()))
        return
    with Corpus(_settings(out.index)) as corpus:
        view = run_show(corpus, ref)
    before = view.context[: view.start - view.context_start]
    after = view.context[view.end - view.context_start :]
    label = source_label(view.outlet, view.title, view.doc_id)
    where = f"{label} ({view.source})"
    if in_bytes:
        where += f"\nbytes {view.byte_start}-{view.byte_end} of the article's text in UTF-8"
    _emit(out.as_json, asdict(view), f"{where}\n{before}»{view.text}«{after}")
