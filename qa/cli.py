"""The `qa` command line: options and output only; the work happens in the modules it calls."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.core import TyperCommand as _TyperCommand

from qa import __version__
from qa.config import Settings, load_settings
from qa.errors import QAError
from qa.render.common import source_label
from qa.render.terminal import C1_CONTROL, terminal_safe


class _Argument(TyperArgument):
    """An argument shown as its name in capitals (QUESTION), with no <str> type beside it."""

    @property
    def display_name_raw(self) -> str:
        """The name in help, usage and errors: the metavar, else the parameter name in capitals."""
        return self.metavar or (self.name or "").upper()

    def display_type_rich(self, ctx: Any) -> str | None:
        """No type column: the name and help say what is expected."""
        return None

    def _usage_display_name(self) -> str:
        # Typer writes a required argument as {name}; the usual Unix spelling is NAME (optional: [NAME]).
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")


class _Option(TyperOption):
    """An option whose help shows no <bool> after a flag (a flag takes no value)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        """The value's type, or nothing for a flag."""
        return None if self.is_flag else super().display_type_rich(ctx)


def _plain_params(params: list[Any]) -> list[Any]:
    # Typer builds its own parameter classes and offers no hook for them; these subclasses only
    # change how help is displayed, so swapping the class of each built parameter is safe.
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption:
            param.__class__ = _Option
    return params


class QACommand(_TyperCommand):
    """A command whose help names arguments in capitals and shows no type for flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, displayed the qa way."""
        return _plain_params(super().get_params(ctx))


class QAGroup(TyperGroup):
    """The `qa` group: its global options displayed like every command's."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, displayed the qa way."""
        return _plain_params(super().get_params(ctx))


app = typer.Typer(
    name="qa",
    cls=QAGroup,
    help="Answer questions about a story across outlets, citing exact, verified spans of the articles.",
    no_args_is_help=True,
    add_completion=True,  # typer's own: qa --install-completion / --show-completion
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,  # never print locals (an API key could be among them)
)


def command(name: str | None = None, *, example: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``app.command`` with qa's help display and one example at the end of the help."""
    return app.command(name, cls=QACommand, epilog=f"Example: {example}")


IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index",
        metavar="PATH",
        help="Index directory (env QA_INDEX; default .qa-index).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout, nothing else.")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", metavar="FORMAT", help="text or json (json is --json).", show_default=False),
]
KOpt = Annotated[
    int | None,
    typer.Option(
        "--k",
        metavar="N",
        min=1,
        max=100,
        help="Passages to retrieve (env QA_K; default 6).",
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No notices on stderr (errors and warnings still print).")
]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="Use the extractive reader even if an LLM is configured.")
]


@dataclass(frozen=True)
class GlobalOptions:
    """The options given before the command (``qa --index X ask …``), kept on the click context."""

    index: Path | None = None
    as_json: bool = False
    output_format: str | None = None
    quiet: bool = False


@dataclass(frozen=True)
class Output:
    """Where a command works and how it prints, from its own options and the global ones."""

    index: Path | None
    as_json: bool
    output_format: str


@dataclass
class _RunState:
    """What notice() needs to know about this run: whether it is quiet, and which index it uses."""

    quiet: bool = False
    index: Path | None = None


_run = _RunState()


_GLOBALS = "qa.global_options"  # the key in ctx.meta, which every subcommand's context shares


def _output(
    ctx: typer.Context,
    index: Path | None,
    as_json: bool,
    output_format: str | None,
    formats: tuple[str, ...] = ("text", "json"),
    quiet: bool = False,
) -> Output:
    """Merge a command's --index/--json/--format/--quiet with the global ones (the command's own win)."""
    given: GlobalOptions = ctx.meta.get(_GLOBALS, GlobalOptions())
    _run.quiet = quiet or given.quiet
    chosen = output_format or given.output_format
    wants_json = as_json or given.as_json
    if wants_json and chosen not in (None, "json"):
        raise typer.BadParameter(f"--json and --format {chosen} disagree; give one.", param_hint="--format")
    chosen = "json" if wants_json else chosen or formats[0]
    if chosen not in formats:
        raise typer.BadParameter(
            f"{chosen!r}: this command prints {' or '.join(formats)}.", param_hint="--format"
        )
    return Output(index or given.index, chosen == "json", chosen)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"qa {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="text or json for every command; md for summarize.",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print qa's version and exit."
        ),
    ] = False,
) -> None:
    """Answer questions about a story across outlets, citing exact, verified spans of the articles."""
    ctx.meta[_GLOBALS] = GlobalOptions(index, as_json, output_format, quiet)


# The API key to mask in output, resolved once per process (main() resets it for in-process runs).
_secret: str | None = None


def _settings(index: Path | None) -> Settings:
    global _secret
    warnings: list[str] = []
    settings = load_settings(index=index, on_warning=warnings.append)
    _secret = settings.openai_api_key.strip()
    _run.index = settings.index
    for warning in warnings:
        notice(f"warning: {warning}")
    return settings


def _not_blank(value: str) -> str:
    if not value.strip():
        raise typer.BadParameter("must not be empty")
    return value


def _question(words: list[str]) -> str:
    """The question from its words (unquoted words are joined), or from stdin for a lone ``-``."""
    question = sys.stdin.read() if words == ["-"] else " ".join(words)
    if not question.strip():
        where = "stdin" if words == ["-"] else "QUESTION"
        raise typer.BadParameter(f"the question is empty ({where}).", param_hint="QUESTION")
    return " ".join(question.split())  # a question piped in may span lines


def _without_secrets(message: str) -> str:
    # Defence in depth: whichever module wrote a notice or an error (an endpoint may echo the
    # key in its error body), the configured API key never reaches the terminal.
    global _secret
    if _secret is None:
        try:
            _secret = load_settings().openai_api_key.strip()
        except QAError:
            _secret = ""
    key = _secret
    return message.replace(key, "***") if len(key) >= 8 else message


# Messages that report a problem: --quiet never hides them.
_ALWAYS_SHOWN = ("error:", "warning:", "interrupted:", "eval: failed:")
# Notices worth saying once per index, not on every run: their opening words, and the key remembered.
_ONCE_PER_INDEX = {"No LLM is configured": "no-llm"}


def notice(message: str) -> None:
    """Progress and notices go to stderr, so stdout stays clean for --json."""
    if _run.quiet and not message.startswith(_ALWAYS_SHOWN):
        return
    once = next((key for opening, key in _ONCE_PER_INDEX.items() if message.startswith(opening)), None)
    if once is not None and _run.index is not None:
        from qa.index.notices import first_time

        if not first_time(_run.index, once):
            return
    typer.echo(terminal_safe(_without_secrets(message)), err=True)


def _on_terminal() -> bool:
    return sys.stdout.isatty()


def _width() -> int:
    """The width to wrap text to: the terminal's (COLUMNS wins), or 80 when stdout is a file or a pipe."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns if _on_terminal() else 80


def _emit(as_json: bool, document: dict[str, Any], text: str) -> None:
    if as_json:
        dumped = json.dumps(document, ensure_ascii=False, indent=2)
        typer.echo(C1_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))  # the same JSON value
    elif _on_terminal() and not os.environ.get("NO_COLOR"):
        from rich.console import Console

        from qa.render.terminal import styled

        # Already wrapped by qa: rich only adds colour (soft_wrap keeps it from wrapping or cropping).
        Console(soft_wrap=True, highlight=False, markup=False, emoji=False).print(styled(terminal_safe(text)))
    else:
        typer.echo(terminal_safe(text))


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


@command(example="qa ask How many lawmakers attended the session")
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
    output_format: FormatOpt = None,
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

    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    question = _question(words)
    settings = _settings(out.index)
    with Corpus(settings) as corpus:
        reader = make_reader(corpus, offline, notice)
        answer = run_ask(corpus, question, reader, k or settings.k, make_judge(corpus) if judge else None)
    if answer.repair is not None:
        notice(repair_notice(answer.repair))
    _emit(out.as_json, answer_json(answer), answer_text(answer, _width()))
    if strict and not answer.supported:
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


@command(example="qa summarize --story 1 --words 150 --format text")
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
        typer.Option("--format", metavar="FORMAT", help="text (default), md or json.", show_default=False),
    ] = None,
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

    out = _output(ctx, index, as_json, output_format, formats=("text", "md", "json"), quiet=quiet)
    with Corpus(_settings(out.index)) as corpus:
        briefing = run_summarize(corpus, topic, words, offline=offline, on_notice=notice, story=story)
    if briefing.dropped:
        notice(
            f"{len(briefing.dropped)} sentence(s) left out of the briefing: their citations did not verify."
        )
    _emit(
        out.as_json,
        briefing_json(briefing),
        briefing_markdown(briefing) if out.output_format == "md" else briefing_text(briefing, _width()),
    )


@command(example="qa config --json")
def config(
    ctx: typer.Context,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    output_format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Show the effective settings, where each came from, and the endpoint and model they select."""
    from qa.config import backend, setting_origins
    from qa.render.json import config_json
    from qa.render.terminal import config_text

    global _secret
    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    warnings: list[str] = []
    settings, origins = setting_origins(index=out.index, on_warning=warnings.append)
    _secret = settings.openai_api_key.strip()
    for warning in warnings:
        notice(f"warning: {warning}")
    _emit(
        out.as_json,
        config_json(origins, backend(settings)),
        config_text(origins, backend(settings), _width()),
    )


def main() -> None:
    """Console entry point: domain errors become one line on stderr and exit code 1."""
    global _secret, _run
    _secret = None
    _run = _RunState()
    try:
        app(
            args=_old_min_options(sys.argv[1:]), prog_name="qa"
        )  # usage errors exit 2, typer.Exit carries its code
    except QAError as exc:
        typer.echo(terminal_safe(_without_secrets(f"error: {exc}")), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
