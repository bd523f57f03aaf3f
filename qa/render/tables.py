"""Tables: `qa sources` as aligned columns with a header row, or as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from qa.render.terminal import terminal_safe
from qa.types import SourceInfo

COLUMNS = ("doc_id", "outlet", "published", "chunks", "chars", "title")


def _row(s: SourceInfo) -> tuple[str, ...]:
    return (s.doc_id, s.outlet or "-", s.published or "-", str(s.chunks), str(s.chars), s.title or s.source)


# Columns a narrow terminal does without, first to last (--format csv and --json always have them all).
_DROPPED_BELOW = {"chars": 100, "chunks": 76, "published": 64, "outlet": 48}
_TYPICAL_ID = 24  # the width the thresholds above assume for the doc_id column (stem-hash ids)


def sources_table(sources: Sequence[SourceInfo], width: int) -> str:
    """The articles as columns under a header, fitted to ``width``.

    Titles and outlets wrap in their column; a doc_id never does (it is what `qa show` and `qa remove`
    take), and the least useful columns are left out on a narrow terminal rather than squeezed.
    """
    from rich import box
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    if not sources:
        return "No articles (the index is empty, or none matches)."
    # Long doc_ids (a page's hashed file name) take room from the other columns, never from themselves.
    id_width = max(len(s.doc_id) for s in sources)
    room = width - max(0, id_width - _TYPICAL_ID)
    shown = [
        i for i, name in enumerate(COLUMNS) if name not in _DROPPED_BELOW or room >= _DROPPED_BELOW[name]
    ]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), header_style="")
    for i in shown:
        name = COLUMNS[i]
        table.add_column(
            name,
            justify="right" if name in ("chunks", "chars") else "left",
            no_wrap=name not in ("outlet", "title"),
            max_width=18 if name == "outlet" else None,
            min_width=id_width if name == "doc_id" else (16 if name == "title" else None),
        )
    for s in sources:
        row = _row(s)
        # Titles are untrusted: as Text, never as rich markup; control characters made visible first.
        table.add_row(*(Text(terminal_safe(row[i])) for i in shown))
    # Wider than the terminal only when the columns cannot fit in it: rich would crop the lines, and a
    # cut doc_id is useless. The table's minimum is each column at its longest word (ids never wrap).
    # (rich clamps a measurement to the console's width, so it is taken on an unbounded one).
    unbounded = Console(width=10_000, file=io.StringIO(), color_system=None, legacy_windows=False)
    needed = Measurement.get(unbounded, unbounded.options, table).minimum
    console = Console(width=max(width, needed), file=io.StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as captured:
        console.print(table, crop=False)
    lines = [line.rstrip() for line in captured.get().splitlines()]
    return "\n".join(lines).rstrip() + f"\n{len(sources)} article(s)"


def sources_csv(sources: Sequence[SourceInfo]) -> str:
    """The articles as CSV with a header row, every title in full (for spreadsheets and scripts)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, "source", "url"])
    for s in sources:
        writer.writerow([s.doc_id, s.outlet, s.published, s.chunks, s.chars, s.title, s.source, s.url])
    return out.getvalue().rstrip("\n")
