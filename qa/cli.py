"""The `qa` command line: options and output only; the work happens in the modules it calls."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from qa.config import Settings, load_settings
from qa.errors import QAError

app = typer.Typer(
    name="qa",
    help="Answer questions about a story across outlets, citing exact, verified spans of the articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # never print locals (an API key could be among them)
)

IndexOpt = Annotated[Optional[Path], typer.Option("--index", help="Index directory [env QA_INDEX; default .qa-index].", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout, nothing else.")]
KOpt = Annotated[Optional[int], typer.Option("--k", min=1, max=100, help="Passages to retrieve [env QA_K; default 6].", show_default=False)]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use the extractive reader even if an LLM is configured.")]


def _settings(index: Optional[Path]) -> Settings:
    return load_settings(index=index)


def notice(message: str) -> None:
    """Progress and notices go to stderr, so stdout stays clean for --json."""
    typer.echo(message, err=True)


def _emit(as_json: bool, document: dict[str, Any], text: str) -> None:
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        typer.echo(text)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: .txt, .md, .html, .jsonl.")],
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Empty the index first (needed after changing QA_EMBEDDING).")] = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add articles to the index; unchanged ones are skipped, changed ones replaced."""
    from qa.ingest import ingest as run_ingest
    from qa.progress import progress_bar

    settings = _settings(index)
    with progress_bar(enabled=sys.stderr.isatty()) as on_progress:
        report = run_ingest(paths, settings, rebuild=rebuild, on_progress=on_progress, on_notice=notice)
    for message in report.failed:
        notice(f"error: {message}")
    summary = (
        f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed ({report.chunks} chunks written) — index: {settings.index}"
    )
    _emit(as_json, report.as_dict(), summary)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def sources(index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """List the indexed articles."""
    from qa.corpus import Corpus
    from qa.render import sources_json, sources_text

    with Corpus(_settings(index)) as corpus:
        found = corpus.store.sources()
    _emit(as_json, sources_json(found), sources_text(found))


@app.command()
def remove(
    doc_ids: Annotated[list[str], typer.Argument(help="doc_ids as listed by `qa sources`.")],
    index: IndexOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove articles from the index."""
    from qa.ingest import remove as run_remove

    missing = run_remove(doc_ids, _settings(index))
    removed = [d for d in doc_ids if d not in missing]
    for doc_id in missing:
        notice(f"error: no article {doc_id!r} in the index")
    _emit(as_json, {"removed": removed, "missing": missing}, f"{len(removed)} removed")
    if missing:
        raise typer.Exit(1)


@app.command()
def search(query: str, k: KOpt = None, index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Show the passages that best match a query (dense + BM25, fused)."""
    from qa.corpus import Corpus
    from qa.render import search_json, search_text
    from qa.search import search as run_search

    settings = _settings(index)
    with Corpus(settings) as corpus:
        hits = run_search(corpus, query, k or settings.k)
    _emit(as_json, search_json(query, hits), search_text(hits))


@app.command()
def ask(question: str, k: KOpt = None, offline: OfflineOpt = False, index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Answer a question from the articles, with verified citations."""
    from qa.answer import ask as run_ask
    from qa.answer import make_reader
    from qa.corpus import Corpus
    from qa.render import answer_json, answer_text

    settings = _settings(index)
    with Corpus(settings) as corpus:
        answer = run_ask(corpus, question, make_reader(corpus, offline, notice), k or settings.k)
    _emit(as_json, answer_json(answer), answer_text(answer))


@app.command()
def show(ref: Annotated[str, typer.Argument(help="DOC_ID:START-END, as printed beside each citation.")], index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Print a cited span inside its sentence, to check a citation."""
    from qa.corpus import Corpus
    from qa.spans import show as run_show

    with Corpus(_settings(index)) as corpus:
        view = run_show(corpus, ref)
    before = view.context[: view.start - view.context_start]
    after = view.context[view.end - view.context_start :]
    label = " — ".join(p for p in (view.outlet, view.title) if p) or view.doc_id
    _emit(as_json, asdict(view), f"{label} ({view.source})\n{before}»{view.text}«{after}")


def main() -> None:
    """Console entry point: domain errors become one line on stderr and exit code 1."""
    try:
        app()  # standalone: usage errors exit 2, typer.Exit carries its own code
    except QAError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
