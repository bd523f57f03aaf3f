"""Which indexed articles `qa sources` lists, and in what order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from qa.errors import QAError
from qa.types import SourceInfo

SORT_KEYS = ("doc_id", "outlet", "published", "chunks")


def select_sources(
    sources: Sequence[SourceInfo], outlet: str | None = None, since: str | None = None, sort: str = "doc_id"
) -> list[SourceInfo]:
    """The articles of ``outlet`` (case-insensitive) published on or after ``since``, sorted by ``sort``."""
    if sort not in SORT_KEYS:
        raise QAError(f"cannot sort by {sort!r}: choose one of {', '.join(SORT_KEYS)}.")
    chosen = list(sources)
    if outlet:
        chosen = [s for s in chosen if s.outlet.casefold() == outlet.strip().casefold()]
    if since:
        day = _day(since)
        # An article without a date cannot be shown to be recent enough, so it is left out.
        chosen = [s for s in chosen if s.published and s.published[:10] >= day]
    if sort == "chunks":
        return sorted(chosen, key=lambda s: (-s.chunks, s.doc_id))  # the largest first
    if sort == "published":
        return sorted(chosen, key=lambda s: (s.published or "\uffff", s.doc_id))  # undated last
    if sort == "outlet":
        return sorted(chosen, key=lambda s: (s.outlet.casefold() or "\uffff", s.doc_id))
    return sorted(chosen, key=lambda s: s.doc_id)


def _day(text: str) -> str:
    try:
        return dt.date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        raise QAError(f"--since {text!r}: expected a date as YYYY-MM-DD.") from None
