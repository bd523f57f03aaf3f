"""Loaded language: charged words from qa's shipped lexicon, and whether a sentence attributes them.

The lexicon (``qa/data/loaded_terms.txt``) lists value-laden words that have a plainer
alternative ("assassination" -> "killing", "slammed" -> "criticised"), each with a category.
A neutral briefing may use them only when it attributes them: a term counts as attributed
when it stands inside quotation marks, or when a reporting verb ("X said", "according to",
"Sadr called ...") stands in its clause or the next one. Anything else is flagged.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

LEXICON_FILE = "loaded_terms.txt"

_REPORTING = re.compile(
    r"(?<![\w-])(?:said|says|say|saying|told|tells|telling|call(?:s|ed|ing)?|describ(?:e|es|ed|ing)|accus(?:e|es|ed|ing)|"
    r"according\s+to|claim(?:s|ed|ing)?|alleg(?:e|es|ed|ing)|warn(?:s|ed|ing)?|vow(?:s|ed|ing)?|"
    r"denounc(?:e|es|ed|ing)|term(?:s|ed)|brand(?:s|ed)|label(?:s|led|ed)|dubb?(?:s|ed)?|insist(?:s|ed)?|"
    r"argu(?:e|es|ed|ing)|wrote|writes|tweet(?:s|ed)|stat(?:es|ed)|declar(?:e|es|ed)|add(?:s|ed)|"
    r"assert(?:s|ed)|condemn(?:s|ed)|critici[sz](?:e|es|ed)|announc(?:e|es|ed)|urg(?:e|es|ed)|"
    r"in\s+(?:a|his|her|their|its)\s+(?:statement|letter|speech|post|tweet))\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]]\s*|\s+[—–]\s+")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")


@dataclass(frozen=True)
class LexiconEntry:
    """One lexicon line: the term (``*`` = any word ending), its category and a plainer wording."""

    term: str
    category: str
    plain: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class LoadedTerm:
    """A charged term found in a text, with where it is and whether the text attributes it."""

    term: str  # as written in the text
    entry: str  # the lexicon term it matched
    category: str
    plain: str
    start: int
    end: int
    attributed: bool


def _term_regex(term: str) -> str:
    words = []
    for word in term.split():
        star = word.endswith("*")
        body = re.escape(word.rstrip("*")).replace(r"\-", r"[\s-]+")
        words.append(body + (r"[a-z]*" if star else ""))
    return r"[\s-]+".join(words)


def parse_lexicon(text: str) -> tuple[LexiconEntry, ...]:
    """Parse lexicon lines ``term | category | plainer wording``; ``#`` starts a comment."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{LEXICON_FILE}:{number}: expected 'term | category | plainer wording'")
        term, category, plain = parts
        pattern = re.compile(rf"(?<![\w-]){_term_regex(term.lower())}(?![\w])", re.IGNORECASE)
        entries.append(LexiconEntry(term, category, plain, pattern))
    return tuple(entries)


@functools.cache
def lexicon() -> tuple[LexiconEntry, ...]:
    """The shipped lexicon (cached)."""
    text = resources.files("qa").joinpath("data").joinpath(LEXICON_FILE).read_text(encoding="utf-8")
    return parse_lexicon(text)


@functools.cache
def _combined() -> re.Pattern[str]:
    # One alternation, longest terms first, so "radical left" wins over "radical*".
    ordered = sorted(lexicon(), key=lambda e: -len(e.term))
    return re.compile("|".join(f"(?:{e.pattern.pattern})" for e in ordered), re.IGNORECASE)


def _entry_for(found: str) -> LexiconEntry:
    for entry in sorted(lexicon(), key=lambda e: -len(e.term)):
        if entry.pattern.fullmatch(found):
            return entry
    raise LookupError(found)  # pragma: no cover - the combined pattern only matches entries


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (curly, straight, or single curly quotes).

    A quote still open at the end of the text runs to the end (quotes often span
    sentences), and a closing mark with no opener quotes everything before it.
    """
    spans: list[tuple[int, int]] = []
    _pairs(text, "“", "”", spans)
    _straight(text, spans)
    _single(text, spans)
    return spans


def _pairs(text: str, opener: str, closer: str, spans: list[tuple[int, int]]) -> None:
    depth_start: int | None = None
    for i, ch in enumerate(text):
        if ch == opener and depth_start is None:
            depth_start = i
        elif ch == closer:
            spans.append((0 if depth_start is None else depth_start, i + 1))
            depth_start = None
    if depth_start is not None:
        spans.append((depth_start, len(text)))


def _straight(text: str, spans: list[tuple[int, int]]) -> None:
    marks = [i for i, ch in enumerate(text) if ch == '"']
    for a, b in zip(marks[::2], marks[1::2], strict=False):
        spans.append((a, b + 1))
    if len(marks) % 2:
        spans.append((marks[-1], len(text)))


def _single(text: str, spans: list[tuple[int, int]]) -> None:
    # ‘...’ only: ’ alone is usually an apostrophe ("Iran’s").
    for m in re.finditer(r"(?:(?<=^)|(?<=[\s(\[—-]))‘([^‘’]+)’(?![A-Za-z])", text):
        spans.append((m.start(), m.end()))


def has_reporting_clause(text: str) -> bool:
    """True when the text carries a reporting verb ("said", "according to", "called" ...)."""
    return bool(_REPORTING.search(text))


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text's clauses, cut at commas, semicolons, colons, dashes and brackets."""
    cuts = [m.span() for m in _CLAUSE_BREAK.finditer(text)]
    starts = [0] + [e for _, e in cuts]
    ends = [s for s, _ in cuts] + [len(text)]
    return list(zip(starts, ends, strict=True))


def _reported_near(text: str, start: int, end: int) -> bool:
    # A reporting verb in the term's own clause or a neighbouring one: "X said the plan was
    # reckless", "The plan is reckless, he said" -- but not "a populist who says he opposes
    # both, ..., a dangerous escalation" two clauses away.
    parts = clauses(text)
    for k, (lo, hi) in enumerate(parts):
        if lo <= start < hi or (start < lo and end > lo):
            near = parts[max(0, k - 1) : k + 2]
            return any(has_reporting_clause(text[a:b]) for a, b in near)
    return has_reporting_clause(text)


def find_terms(text: str) -> list[LoadedTerm]:
    """Every lexicon term in the text, each marked attributed or not.

    Attributed means: inside quotation marks, or with a reporting verb in its own clause or
    the clause just before or after it.
    """
    quotes = quoted_spans(text)
    found = []
    for m in _combined().finditer(text):
        entry = _entry_for(m.group(0))
        inside = any(a <= m.start() and m.end() <= b for a, b in quotes)
        attributed = inside or _reported_near(text, m.start(), m.end())
        found.append(
            LoadedTerm(m.group(0), entry.term, entry.category, entry.plain, m.start(), m.end(), attributed)
        )
    return found


def unattributed(text: str) -> list[LoadedTerm]:
    """The charged terms the text uses in its own voice."""
    return [t for t in find_terms(text) if not t.attributed]


def charged_share(text: str, only_unattributed: bool = False) -> float:
    """Share of the text's words that belong to lexicon terms (0.0 for an empty text)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    terms = unattributed(text) if only_unattributed else find_terms(text)
    charged = sum(len(_WORD.findall(t.term)) for t in terms)
    return charged / len(words)
