"""The ingest progress display on stderr (rich.progress): pages fetched, articles and chunks, rate, ETA,
current file or URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from qa.ingest.pipeline import Progress
from qa.render.terminal import terminal_safe

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Task
    from rich.text import Text

NAME_WIDTH = 32


def _short(path: str) -> str:
    """The file name (a URL without its scheme), control characters escaped (names are untrusted), cut
    to fit the line."""
    if "://" in path:  # a URL: its host and path, which say more than its last segment
        name = terminal_safe(path.split("://", 1)[1].rstrip("/"))
    else:
        name = terminal_safe(path.rsplit("/", 1)[-1]) if path else ""
    return name if len(name) <= NAME_WIDTH else "…" + name[-(NAME_WIDTH - 1) :]


@contextmanager
def progress_bar(
    enabled: bool = True, console: Console | None = None
) -> Iterator[Callable[[Progress], None]]:
    """Yield a callback that updates the display; nothing is drawn unless ``enabled`` (a terminal)."""
    if not enabled:
        yield lambda p: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second over rich's recent window."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(
                "" if speed is None else f"{speed:,.1f} {task.fields.get('unit', '')}/s",
                style="progress.data.speed",
            )

    display = RichProgress(
        TextColumn("{task.fields[label]}", markup=False),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}", markup=False),
        RateColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=True,  # the summary line printed afterwards is what stays on screen
    )
    pages = display.add_task("pages", total=None, label="fetching", unit="pages", visible=False)
    articles = display.add_task("articles", total=None, label="reading", unit="articles")
    chunks = display.add_task("chunks", total=None, label="embedding", unit="chunks", visible=False)

    def update(p: Progress) -> None:
        if p.message == "fetching":
            display.update(pages, completed=p.done, total=max(p.total, 1), label=_short(p.path), visible=True)
            return
        display.update(pages, visible=False)
        display.update(
            articles, completed=p.done, total=max(p.total, p.done, 1), label=_short(p.path) or "done"
        )
        if p.chunks_total and p.chunks_done == 0:
            display.reset(chunks, total=p.chunks_total, visible=True)  # a new commit batch starts embedding
        elif p.chunks_total:
            display.update(chunks, completed=p.chunks_done, visible=True)
        else:
            display.update(chunks, visible=False)

    with display:
        yield update
