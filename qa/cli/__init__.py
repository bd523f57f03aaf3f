"""The `qa` command line: options and output only; the work happens in the modules it calls.

Each module declares one job's commands on the shared app (``_app``); importing them here registers
them, and ORDER is how ``qa --help`` lists them: the order a new user needs them in.
"""

from __future__ import annotations

import sys

import typer

from qa.cli import answers, articles, briefings, evaluate, settings  # noqa: F401 -- registers the commands
from qa.cli._app import _without_secrets, app, reset
from qa.cli.evaluate import _old_min_options
from qa.errors import QAError
from qa.render.terminal import terminal_safe

__all__ = ["app", "main"]

ORDER = ("ingest", "sources", "remove", "show", "search", "ask", "stories", "summarize", "eval", "config")
app.registered_commands.sort(key=lambda c: ORDER.index(c.name or c.callback.__name__))  # type: ignore[union-attr]


def main() -> None:
    """Console entry point: domain errors become one line on stderr and exit code 1."""
    reset()
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
