"""What every command shares: the app, its options, settings, notices and how output is emitted."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.core import TyperCommand as _TyperCommand

from qa import __version__
from qa.config import Settings, load_settings
from qa.errors import QAError
from qa.files import write_whole
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


def _output_file(value: str) -> Path:
    # Parsed from the string as given: a Path would drop the trailing "/" of "-o pages/" and write a
    # file named "pages".
    if value.endswith(("/", os.sep)) or Path(value).is_dir():
        raise typer.BadParameter(
            f"{value} is a directory; give a file name, such as {Path(value) / 'page.html'}"
        )
    return Path(value)


OutputFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        parser=_output_file,
        help="Write the output to FILE instead of stdout, and print FILE's path.",
        show_default=False,
    ),
]
OpenOpt = Annotated[
    bool,
    typer.Option("--open", help="Open the HTML page in the system's browser (--format html is implied)."),
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
    open_page: bool = False,
) -> Output:
    """Merge a command's --index/--json/--format/--quiet with the global ones (the command's own win);
    --open means an HTML page, and refuses any other format, given before the command or after it."""
    given: GlobalOptions = ctx.meta.get(_GLOBALS, GlobalOptions())
    _run.quiet = quiet or given.quiet
    chosen = output_format or given.output_format
    wants_json = as_json or given.as_json
    if open_page:
        other = "json" if wants_json else chosen
        if other not in (None, "html"):
            raise typer.BadParameter(f"--open opens an HTML page, not {other}.", param_hint="--open")
        chosen = "html"
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
            help="text or json for every command; md for summarize; html for ask and summarize.",
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


def reset() -> None:
    """Forget what one run remembered (the key to mask, --quiet, the index): main() runs in-process too."""
    global _secret, _run
    _secret = None
    _run = _RunState()


def remember_secret(settings: Settings) -> None:
    """Mask this run's API key in everything printed from now on."""
    global _secret
    _secret = settings.openai_api_key.strip()


def _settings(index: Path | None) -> Settings:
    warnings: list[str] = []
    settings = load_settings(index=index, on_warning=warnings.append)
    remember_secret(settings)
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


def _json_text(document: dict[str, Any]) -> str:
    dumped = json.dumps(document, ensure_ascii=False, indent=2)
    return C1_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)  # the same JSON value


def _write(path: Path, content: str) -> None:
    """Write a whole file or none of it: a failed run never leaves half a page where the last one was."""
    try:
        write_whole(path, content if content.endswith("\n") else content + "\n")
    except OSError as e:
        raise QAError(f"cannot write {path}: {e.strerror or e}") from e


def _emit(as_json: bool, document: dict[str, Any], text: str, to: Path | None = None) -> None:
    if to is not None:
        _write(to, _json_text(document) if as_json else text)
        typer.echo(str(to))
    elif as_json:
        typer.echo(_json_text(document))
    elif _on_terminal() and not os.environ.get("NO_COLOR"):
        from rich.console import Console

        from qa.render.terminal import styled

        # Already wrapped by qa: rich only adds colour (soft_wrap keeps it from wrapping or cropping).
        Console(soft_wrap=True, highlight=False, markup=False, emoji=False).print(styled(terminal_safe(text)))
    else:
        typer.echo(terminal_safe(text))


def _emit_page(page: str, to: Path | None, open_page: bool) -> None:
    """Print an HTML page, or write it to ``to`` (a new temporary file for --open) and print the path."""
    if to is None and not open_page:
        if _on_terminal():
            typer.echo(terminal_safe(page))
        else:
            # Not typer.echo: click strips ANSI escapes from what goes to a pipe, and the page's text must be
            # the articles' text, escape characters and all.
            sys.stdout.write(page if page.endswith("\n") else page + "\n")
            sys.stdout.flush()
        return
    if to is None:
        import tempfile

        # Left for the browser to read after qa exits; readable by this user only, like any mkstemp file.
        fd, name = tempfile.mkstemp(prefix="qa-", suffix=".html")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(page)
        to = Path(name)
    else:
        _write(to, page)
    typer.echo(str(to))
    if open_page:
        import webbrowser

        if not webbrowser.open(to.resolve().as_uri()):
            notice(f"warning: no browser found to open {to}; open it by hand.")
