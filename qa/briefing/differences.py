"""Where the sources differ: figures given differently, facts one outlet alone reports, and framing.

Found without a model, on the sentence pool. Each kind says what it compares:

* ``figures`` — two outlets' sentences about the same thing give figures for the same quantity (the
  same counted noun and period) that cannot be the same: not equal, not within an approximation
  ("nearly a million" / 1 million), not one a rounding of the other ("$1 trillion" / "$1.2
  trillion"), tallies compared as pairs ("voted 19-0" / "19-to-0" agree, "6-3" / "7-2" do not).
  Both sentences are cited;
* ``only_one_figure`` — a figure that one outlet gives and that no other outlet's whole article
  (title included) states in any form: digits or words, rounded or approximate, either end of a
  range or tally. The clause with the figure is cited; there is no "other side" to cite;
* ``wording`` — framing: a charged word from the lexicon that one outlet uses in its own voice
  (not quoted, not attributed) and no other outlet's article uses at all. The sentence is cited,
  with another outlet's sentence about the same thing when there is one;
* ``only_one_fact`` — a sentence that nothing in another outlet's article comes close to in
  meaning, and whose names and figures no other article has.

Sentences that report nothing of the story ("did not respond to a request for comment") are never
a difference. Each item's citations go through :func:`qa.answer.citations.resolve`, and the whole
section through the claim check afterwards (:func:`qa.briefing.summarize.checked_differences`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from qa.briefing.loaded_language import find_terms, lexicon
from qa.briefing.model import Difference
from qa.briefing.neutrality import NOT_THE_STORY
from qa.briefing.pool import RELATED_WITH_RARE, Pool, cite, outlet_key, pool_index
from qa.figures import Figure, figures, numbers
from qa.text import terms
from qa.types import Citation

SAME_SUBJECT = 0.65  # cosine at which two sentences are about the same thing (figures compared)
UNREPORTED_BELOW = 0.5  # no other outlet's sentence this close: maybe reported by one outlet only
LIMITS = {"figures": 3, "only_one_figure": 2, "wording": 2, "only_one_fact": 1}
MAX_DIFFERENCES = 6
_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+[—–]\s+")
_LEADING = re.compile(r"^(?:and|but|while|whereas|although|though)\s+", re.IGNORECASE)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*")


@dataclass(frozen=True)
class Found:
    """A difference before it is cited: the pool sentences it rests on and its text."""

    score: float
    first: int  # the pool sentence it is about
    other: int | None  # the other side's sentence, when the kind has one
    text: str
    quote: str | None = None  # the clause of ``first`` to cite, when not the whole sentence
    key: tuple[object, ...] = ()  # what it compares, so the same comparison is listed once


def find_differences(
    pool: Pool,
    scores: np.ndarray,
    article_text: Callable[[str], str],
    words: int,
    already: Sequence[Difference] = (),
    body: Sequence[Citation] = (),
) -> list[Difference]:
    """Differences between outlets, most telling first, within ``words`` words and MAX_DIFFERENCES.

    ``already``: differences a model wrote; ``body``: the citations of the briefing's statements, whose
    sentences a fact-only-one-outlet-reports item would repeat (the body marks them "only X" already).
    """
    if len(pool.outlets) < 2:
        return []
    seen = {pool_index(pool, c) for d in already for c in d.citations} - {None}
    stated = {pool_index(pool, c) for c in body} - {None}
    keys: set[tuple[object, ...]] = set()
    found: list[Difference] = []
    used = sum(len(d.text.split()) for d in already)
    scores = np.asarray(scores)
    for kind, finder in (
        ("figures", _conflicts),
        ("only_one_figure", _unique_figures),
        ("wording", _wording),
        ("only_one_fact", _unique_facts),
    ):
        taken = 0
        for item in sorted(finder(pool, scores), key=lambda f: -f.score):
            if taken >= LIMITS[kind] or len(already) + len(found) >= MAX_DIFFERENCES:
                break
            sides = {item.first} | ({item.other} if item.other is not None else set())
            if kind == "only_one_fact" and item.first in stated:
                continue
            if sides & seen or (item.key and item.key in keys) or used + len(item.text.split()) > words:
                continue
            citations = (cite(pool, item.first, article_text, item.quote),) + (
                (cite(pool, item.other, article_text),) if item.other is not None else ()
            )
            if not all(c.verified for c in citations):
                continue
            found.append(Difference(item.text, citations, kind))
            seen |= sides
            keys.add(item.key)
            used += len(item.text.split())
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


def states(figure: Figure, texts: Sequence[str]) -> bool:
    """Whether any of ``texts`` states the figure in some form (see :meth:`qa.figures.Figure.agrees`)."""
    for text in texts:
        theirs = figures(text)
        if figure.tally is not None:
            # "19-0" is stated by "19-to-0", and by a text holding both numbers of the tally.
            values = {y.value for y in theirs} | {v for y in theirs if y.tally for v in y.tally}
            if any(figure.agrees(y) for y in theirs) or set(figure.tally) <= values:
                return True
        elif any(figure.agrees(y) for y in theirs) or any(
            y.tally and any(figure.agrees(_end(y, v)) for v in y.tally) for y in theirs
        ):
            return True
    return False


def _end(tally: Figure, value: float) -> Figure:
    return Figure(value, tally.text, tally.unit, tally.start, tally.end)


def _others(pool: Pool, outlet: str) -> list[str]:
    """The whole text and title of every article of the other outlets."""
    return [f"{a.title}\n{a.text}" for a in pool.articles if outlet_key(a) != outlet]


def _outlets(pool: Pool) -> np.ndarray:
    return np.array([s.outlet for s in pool.sentences], dtype=object)


def _candidates(pool: Pool) -> list[int]:
    """Pool sentences that may be a difference: not trivia about the reporting itself."""
    return [i for i, s in enumerate(pool.sentences) if not NOT_THE_STORY.search(s.text)]


def _nearest_other(pool: Pool, i: int, at_least: float = -1.0) -> int | None:
    """The closest sentence of another outlet, if it is at least ``at_least`` similar."""
    sims = np.where(_outlets(pool) != pool.sentences[i].outlet, pool.similarity()[i], -np.inf)
    j = int(np.argmax(sims))
    return j if np.isfinite(sims[j]) and sims[j] >= at_least else None


def _close_others(pool: Pool, i: int, at_least: float) -> list[int]:
    """Sentences of other outlets at least ``at_least`` similar to sentence i."""
    mask = (_outlets(pool) != pool.sentences[i].outlet) & (pool.similarity()[i] >= at_least)
    return [int(j) for j in np.flatnonzero(mask)]


def _absent(pool: Pool, outlet: str, verb: str) -> str:
    """ "<the other outlet> does not <verb>", or "no other outlet does" when there are several."""
    rest = [o for o in pool.outlets if o != outlet]
    return f"{rest[0]}'s article does not {verb}" if len(rest) == 1 else "no other outlet's article does"


def _comparable(a: Figure, b: Figure) -> bool:
    """Figures for the same quantity: the same counted noun (or both tallies) and the same period."""
    return bool(a.unit) and a.unit == b.unit and a.period == b.period and a.kind == b.kind


def _years(text: str) -> set[float]:
    return {n.value for n in numbers(text) if n.kind == "year"}


def _conflicts(pool: Pool, scores: np.ndarray) -> Iterator[Found]:
    for i in _candidates(pool):
        a = pool.sentences[i]
        mine = [x for x in figures(a.text) if x.unit and x.kind not in ("ordinal", "vague")]
        if not mine:
            continue
        for j in _close_others(pool, i, SAME_SUBJECT):
            b = pool.sentences[j]
            if b.outlet <= a.outlet or NOT_THE_STORY.search(b.text):
                continue
            if _years(a.text) and _years(b.text) and not _years(a.text) & _years(b.text):
                continue  # "its 2021 forecast" and "its 2022 forecast" are different quantities
            theirs = figures(b.text)
            for x in mine:
                same = [y for y in theirs if _comparable(x, y)]
                if not same or any(x.agrees(y) for y in same):
                    continue
                y = same[0]
                if any(y.agrees(z) for z in mine if _comparable(y, z)):
                    continue  # a gives y's figure too, for something else in the sentence
                what = "the vote" if x.tally else x.unit if x.unit != "percent" else "the share"
                text = (
                    f"{a.outlet} and {b.outlet} give different figures for {what}: {a.outlet} reports "
                    f"“{clause_with(a.text, x.start, x.end)}”, {b.outlet} "
                    f"“{clause_with(b.text, y.start, y.end)}”."
                )
                key = ("figures", x.unit, x.period)
                yield Found(scores[i] + scores[j], i, j, text, clause_with(a.text, x.start, x.end), key)
                break


def _unique_figures(pool: Pool, scores: np.ndarray) -> Iterator[Found]:
    others = functools.cache(lambda outlet: _others(pool, outlet))
    for i in _candidates(pool):
        a = pool.sentences[i]
        for x in figures(a.text):
            # Worth telling: a count of something, money or a share; never an ordinal or "dozens".
            if not x.unit or x.kind in ("ordinal", "vague") or states(x, others(a.outlet)):
                continue
            clause = clause_with(a.text, x.start, x.end)
            text = (
                f"Only {a.outlet} gives the figure {x.text}: “{clause}”; "
                f"{_absent(pool, a.outlet, 'state it')}."
            )
            yield Found(scores[i], i, None, text, clause, ("only_one_figure", x.value, x.unit))
            break


def _wording(pool: Pool, scores: np.ndarray) -> Iterator[Found]:
    entries = {e.term: e for e in lexicon()}
    users: dict[str, set[str]] = {}  # lexicon term -> outlets whose articles use it
    for i in _candidates(pool):
        a = pool.sentences[i]
        for term in find_terms(a.text):
            if term.attributed:
                continue  # words an outlet reports someone saying are that speaker's framing, not its own
            if term.entry not in users:
                pattern = entries[term.entry].pattern
                users[term.entry] = {outlet_key(x) for x in pool.articles if pattern.search(x.text)}
            if users[term.entry] - {a.outlet}:
                continue
            clause = clause_with(a.text, term.start, term.end)
            text = (
                f"{a.outlet} uses the word “{term.term}” in its own voice: "
                f"“{clause}”; {_absent(pool, a.outlet, 'use it')}."
            )
            other = _nearest_other(pool, i, SAME_SUBJECT)
            yield Found(scores[i] + 1.0, i, other, text, clause, (term.entry,))


def _unique_facts(pool: Pool, scores: np.ndarray) -> Iterator[Found]:
    others = functools.cache(lambda outlet: "\n".join(_others(pool, outlet)))
    for i in _candidates(pool):
        a = pool.sentences[i]
        if _nearest_other(pool, i, UNREPORTED_BELOW) is not None:
            continue
        if any(pool.related(i, k) for k in _close_others(pool, i, RELATED_WITH_RARE)):
            continue
        # By figure and by name as well as by meaning: nothing it names or counts is elsewhere.
        rest = others(a.outlet)
        if any(states(x, [rest]) for x in figures(a.text) if x.kind not in ("ordinal", "vague")):
            continue
        names = {m.group() for m in _NAME.finditer(a.text)} - {a.outlet}
        if any(name in rest for name in names) or not terms(a.text) - terms(rest):
            continue
        text = f"Only {a.outlet} reports: “{a.text}”; {_absent(pool, a.outlet, 'report it')}."
        yield Found(scores[i], i, None, text, None, ("fact", i))
