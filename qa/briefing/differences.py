"""Where the sources differ: figures, wording and facts one outlet has and another lacks or gives differently.

Found without a model, on the sentence pool, in this order of priority:

* ``figures`` — two outlets' sentences on the same subject give different numbers for the
  same thing ("5 killed" / "7 killed"): both sentences are cited;
* ``only_one_figure`` — a figure that no other outlet's article contains at all (the seeds:
  only Global News gives the 168 lawmakers present): the clause with the figure is cited,
  and so is the other outlet's nearest passage, to show what it says instead;
* ``wording`` — a charged word from the lexicon that one outlet uses and no other does,
  own-voice uses first (the seeds: "mastermind" against "architect"): both sides cited;
* ``only_one_fact`` — a central sentence no other outlet reports anything like.

Each item cites both sides; all citations go through :func:`qa.answer.citations.resolve`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from qa.briefing.loaded_language import find_terms, lexicon
from qa.briefing.model import Difference
from qa.briefing.pool import RELATED_WITH_RARE, Pool, cite, pool_index
from qa.figures import figures

SAME_SUBJECT = 0.65  # cosine at which two sentences are about the same thing (figures compared)
UNREPORTED_BELOW = 0.5  # a sentence with no other outlet's sentence this close is reported by one outlet only
LIMITS = {"figures": 3, "only_one_figure": 2, "wording": 2, "only_one_fact": 1}
MAX_DIFFERENCES = 6
_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+[—–]\s+")
_LEADING = re.compile(r"^(?:and|but|while|whereas|although|though)\s+", re.IGNORECASE)


def find_differences(
    pool: Pool,
    scores: np.ndarray,
    article_text: Callable[[str], str],
    words: int,
    already: Sequence[Difference] = (),
) -> list[Difference]:
    """Differences between outlets, most telling first, within ``words`` words and MAX_DIFFERENCES."""
    if len(pool.outlets) < 2:
        return []
    seen = {pool_index(pool, c) for d in already for c in d.citations} - {None}
    found: list[Difference] = []
    used = sum(len(d.text.split()) for d in already)
    for kind, finder in (
        ("figures", _conflicts),
        ("only_one_figure", _unique_figures),
        ("wording", _wording),
        ("only_one_fact", _unique_facts),
    ):
        taken = 0
        for a, b, text, quote_a in finder(pool, np.asarray(scores)):
            if taken >= LIMITS[kind] or len(already) + len(found) >= MAX_DIFFERENCES:
                break
            if a in seen or used + len(text.split()) > words:
                continue
            citations = (cite(pool, a, article_text, quote_a), cite(pool, b, article_text))
            if not all(c.verified for c in citations):
                continue
            found.append(Difference(text, citations, kind))
            seen |= {a, b}
            used += len(text.split())
            taken += 1
    return found


def clause_with(text: str, start: int, end: int) -> str:
    """The clause of ``text`` around [start, end): cut at commas, semicolons, colons and dashes."""
    bounds = [0] + [p for m in _CLAUSE.finditer(text) for p in (m.start(), m.end())] + [len(text)]
    for lo, hi in zip(bounds[::2], bounds[1::2], strict=True):
        if lo <= start and end <= hi:
            clause = _LEADING.sub("", text[lo:hi]).rstrip(" .,;:")
            return clause if len(clause.split()) >= 4 else text
    return text


def _outlets(pool: Pool) -> np.ndarray:
    return np.array([s.outlet for s in pool.sentences], dtype=object)


def _nearest_other(pool: Pool, i: int) -> int | None:
    sims = np.where(_outlets(pool) != pool.sentences[i].outlet, pool.similarity()[i], -np.inf)
    j = int(np.argmax(sims))
    return j if np.isfinite(sims[j]) else None


def _close_others(pool: Pool, i: int, at_least: float) -> list[int]:
    """Sentences of other outlets at least ``at_least`` similar to sentence i."""
    mask = (_outlets(pool) != pool.sentences[i].outlet) & (pool.similarity()[i] >= at_least)
    return [int(j) for j in np.flatnonzero(mask)]


def _absent(pool: Pool, outlet: str, verb: str) -> str:
    """ "<the other outlet> does not <verb>", or "no other outlet does" when there are several."""
    rest = [o for o in pool.outlets if o != outlet]
    return f"{rest[0]} does not {verb}" if len(rest) == 1 else "no other outlet does"


def _conflicts(pool: Pool, scores: np.ndarray):  # type: ignore[no-untyped-def]
    found = []
    for i, a in enumerate(pool.sentences):
        for x in figures(a.text):
            if not x.unit:
                continue
            for j in _close_others(pool, i, SAME_SUBJECT):
                b = pool.sentences[j]
                if b.outlet <= a.outlet:
                    continue
                theirs = [y for y in figures(b.text) if y.unit == x.unit and y.period == x.period]
                if theirs and all(y.value != x.value for y in theirs):
                    y = theirs[0]
                    text = (
                        f"{a.outlet} and {b.outlet} give different figures: {a.outlet} reports "
                        f"“{clause_with(a.text, x.start, x.end)}”, {b.outlet} "
                        f"“{clause_with(b.text, y.start, y.end)}”."
                    )
                    found.append((scores[i] + scores[j], i, j, text, clause_with(a.text, x.start, x.end)))
    return [(i, j, text, quote) for _, i, j, text, quote in sorted(found, key=lambda t: -t[0])]


def _figure_values(text: str) -> set[float]:
    return {f.value for f in figures(text)}


def _unique_figures(pool: Pool, scores: np.ndarray):  # type: ignore[no-untyped-def]
    values = {o: _figure_values(t) for o, t in pool.content.items()}
    counts: dict[float, int] = {}
    for found_values in values.values():
        for v in found_values:
            counts[v] = counts.get(v, 0) + 1
    found = []
    for i, a in enumerate(pool.sentences):
        # Given by no outlet but this one: counted in this outlet's own text and nowhere else.
        new = [
            f
            for f in figures(a.text)
            if f.unit and counts.get(f.value, 0) - (f.value in values.get(a.outlet, set())) == 0
        ]
        j = _nearest_other(pool, i)
        if new and j is not None:
            clause = clause_with(a.text, new[0].start, new[0].end)
            shown = ", ".join(f.text for f in new)
            text = (
                f"Only {a.outlet} gives the figure {shown}: "
                f"“{clause}”; {_absent(pool, a.outlet, 'report it')}."
            )
            found.append((scores[i], i, j, text, clause))
    return [(i, j, text, quote) for _, i, j, text, quote in sorted(found, key=lambda t: -t[0])]


def _wording(pool: Pool, scores: np.ndarray):  # type: ignore[no-untyped-def]
    entries = {e.term: e for e in lexicon()}
    users: dict[str, set[str]] = {}  # lexicon term -> outlets whose text uses it
    found = []
    for i, a in enumerate(pool.sentences):
        for term in find_terms(a.text):
            if term.entry not in users:
                pattern = entries[term.entry].pattern
                users[term.entry] = {o for o, t in pool.content.items() if pattern.search(t)}
            if users[term.entry] - {a.outlet}:
                continue
            j = _nearest_other(pool, i)
            if j is None:
                continue
            clause = clause_with(a.text, term.start, term.end)
            voice = "in its own words" if not term.attributed else "in a statement it reports"
            text = (
                f"{a.outlet} uses the word “{term.term}” {voice}: "
                f"“{clause}”; {_absent(pool, a.outlet, 'use it')}."
            )
            found.append((scores[i] + (0 if term.attributed else 1.0), i, j, text, clause))
    return [(i, j, text, quote) for _, i, j, text, quote in sorted(found, key=lambda t: -t[0])]


def _unique_facts(pool: Pool, scores: np.ndarray):  # type: ignore[no-untyped-def]
    sims = pool.similarity()
    found = []
    for i, a in enumerate(pool.sentences):
        j = _nearest_other(pool, i)
        if j is None or sims[i][j] >= UNREPORTED_BELOW:
            continue
        if any(pool.related(i, k) for k in _close_others(pool, i, RELATED_WITH_RARE)):
            continue
        text = f"Only {a.outlet} reports: “{a.text}”; {_absent(pool, a.outlet, 'report it')}."
        found.append((scores[i], i, j, text, None))
    return [(i, j, text, quote) for _, i, j, text, quote in sorted(found, key=lambda t: -t[0])]
