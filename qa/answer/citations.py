"""Citation resolution: find a model's quote in the passages it was shown, exactly.

A quote is matched modulo :func:`normalise` (whitespace, typographic quotes and dashes,
NBSP, ellipsis) and mapped back to exact offsets in the ORIGINAL text through an index
map, so a citation always points at the article's own characters. A quote that cannot be
found is kept with ``verified=False`` and no span: it is never "fixed" to a nearby span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.text import INVISIBLE, TYPOGRAPHIC
from qa.types import Citation, Hit

_REPLACEMENTS, _DROPPED = TYPOGRAPHIC, INVISIBLE

_HINT_NUMBER = re.compile(r"\d+")


class _Normalised:
    """A normalised string plus, per normalised character, its original [start, end)."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, original: str) -> None:
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for i, ch in enumerate(original):
            if ch in _DROPPED:
                continue
            if ch.isspace():  # covers NBSP, tabs, newlines and other Unicode spaces
                if out and out[-1] == " ":
                    ends[-1] = i + 1  # extend the collapsed run
                else:
                    out.append(" ")
                    starts.append(i)
                    ends.append(i + 1)
                continue
            for piece in _REPLACEMENTS.get(ch, ch):
                out.append(piece)
                starts.append(i)
                ends.append(i + 1)
        # Strip the collapsed leading/trailing space together with its map entries.
        lo, hi = 0, len(out)
        if hi and out[0] == " ":
            lo = 1
        if hi > lo and out[hi - 1] == " ":
            hi -= 1
        self.text = "".join(out[lo:hi])
        self.starts = starts[lo:hi]
        self.ends = ends[lo:hi]


def normalise(text: str) -> str:
    """Collapse whitespace, straighten typographic quotes/dashes/ellipses, and strip."""
    return _Normalised(text).text


def _fold(text: str) -> str:
    # Per-character lower-casing that never changes the length, so offsets stay aligned
    # (str.lower() turns e.g. "İ" into two characters).
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _find(quote: str, text: str, ignore_case: bool) -> tuple[int, int] | None:
    needle = normalise(quote)
    if not needle:
        return None
    hay = _Normalised(text)
    haystack = hay.text
    if ignore_case:
        needle, haystack = _fold(needle), _fold(haystack)
    last = len(needle) - 1
    pos = haystack.find(needle)
    while pos != -1:
        end = pos + last
        # Accept only matches on whole original characters: a match that starts or ends
        # inside the expansion of one character (e.g. part of "…" -> "...") is not a span.
        starts_clean = pos == 0 or hay.starts[pos - 1] != hay.starts[pos]
        ends_clean = end + 1 == len(haystack) or hay.starts[end + 1] != hay.starts[end]
        if starts_clean and ends_clean:
            return hay.starts[pos], hay.ends[end]
        pos = haystack.find(needle, pos + 1)
    return None


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Find quote in text modulo normalise(); return exact original (start, end) or None.

    Case-sensitive first, then case-insensitive. The span never includes surrounding
    whitespace.
    """
    return _find(quote, text, ignore_case=False) or _find(quote, text, ignore_case=True)


def hint_index(hint: object, count: int) -> int | None:
    """Turn a passage label such as "P2", "[P2]", "passage 2" or "2" into a 0-based index."""
    if hint is None or isinstance(hint, bool):
        return None
    match = _HINT_NUMBER.search(str(hint))
    if not match:
        return None
    index = int(match.group()) - 1
    return index if 0 <= index < count else None


def _citation(hit: Hit, start: int | None, end: int | None, quote: str, verified: bool) -> Citation:
    return Citation(
        doc_id=hit.doc_id,
        start=start,
        end=end,
        quote=quote,
        verified=verified,
        source=hit.source,
        title=hit.title,
        outlet=hit.outlet,
    )


def _search(
    quote: str, hits: Sequence[Hit], order: list[int], article_text: Callable[[str], str]
) -> Citation | None:
    wanted = normalise(quote)
    for ignore_case in (False, True):
        for i in order:
            hit = hits[i]
            local = _find(quote, hit.text, ignore_case)
            if local is None:
                continue
            start, end = hit.start + local[0], hit.start + local[1]
            # Re-check against the article itself: hit.text could be stale.
            original = normalise(article_text(hit.doc_id)[start:end])
            if original == wanted:
                return _citation(hit, start, end, quote, verified=True)
            if ignore_case and _fold(original) == _fold(wanted):
                # The span is right, but a difference in case is not equality.
                return _citation(hit, start, end, quote, verified=False)
    return None


def _unquoted(quote: str) -> str | None:
    # Models sometimes wrap a quote in quotation marks of their own; the text inside is
    # tried as a second candidate (a delimiter is dropped, the words are never changed).
    text = normalise(quote)
    if len(text) > 2 and text[0] == text[-1] and text[0] in "\"'":
        inner = quote.strip()[1:-1].strip()
        return inner or None
    return None


def resolve(
    quote: str,
    hits: Sequence[Hit],
    hint: str | None,
    article_text: Callable[[str], str],
) -> Citation:
    """Locate a model's quote in the shown passages and return a (possibly unverified) Citation.

    The hinted passage is searched first, then every other one; a case-sensitive match
    anywhere beats a case-insensitive one. ``verified`` is True only when the article's
    own text at the span normalises to the quote.
    """
    quote = quote if isinstance(quote, str) else ""
    hinted = hint_index(hint, len(hits))
    order = list(range(len(hits)))
    if hinted is not None:
        order.remove(hinted)
        order.insert(0, hinted)
    if normalise(quote):
        for candidate in (quote, _unquoted(quote)):
            if candidate is not None:
                found = _search(candidate, hits, order, article_text)
                if found is not None:
                    return found
    if hinted is not None:
        return _citation(hits[hinted], None, None, quote, verified=False)
    return Citation(doc_id="", start=None, end=None, quote=quote, verified=False)
