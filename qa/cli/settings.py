"""`qa config`: the effective settings and where each came from."""

from __future__ import annotations

import typer

from qa.cli._app import (
    FormatOpt,
    IndexOpt,
    JsonOpt,
    QuietOpt,
    _emit,
    _output,
    _width,
    command,
    notice,
    remember_secret,
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

    out = _output(ctx, index, as_json, output_format, quiet=quiet)
    warnings: list[str] = []
    settings, origins = setting_origins(index=out.index, on_warning=warnings.append)
    remember_secret(settings)
    for warning in warnings:
        notice(f"warning: {warning}")
    _emit(
        out.as_json,
        config_json(origins, backend(settings)),
        config_text(origins, backend(settings), _width()),
    )
