"""A one-line progress bar on stderr for long work (ingest)."""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from qa.ingest.pipeline import Progress
from qa.render.terminal import terminal_safe


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[Progress], None]]:
    """Yield a callback that redraws a bar on stderr; a no-op when stderr is not a terminal."""
    drawn = False

    def draw(p: Progress) -> None:
        nonlocal drawn
        if not enabled or p.total == 0:
            return
        width = 30
        filled = int(width * p.done / p.total)
        room = max(10, shutil.get_terminal_size().columns - width - 20)
        name = terminal_safe(p.path)[-room:] if p.path else ""  # file names are untrusted
        sys.stderr.write(f"\r\x1b[2K[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} {name}")
        sys.stderr.flush()
        drawn = True

    try:
        yield draw
    finally:
        if drawn:
            sys.stderr.write("\n")
