"""Numbers and dates in text, with their offsets: what a claim states and what its cited text has.

Two readings of the same text:

* :func:`numbers` finds every quantity a sentence states, as values: digits ("5,000", "1.5 million",
  "$1.2 trillion", "45%", "3rd"), written numbers ("five thousand", "one hundred and sixty-eight",
  "a million", "two dozen"), the ends of ranges ("19-0", "18 to 64") and vague counts ("dozens",
  "hundreds"). Years are numbers too (kind ``year``). The claim check (:mod:`qa.answer.claims`)
  compares these as values, so "5,000" and "five thousand" are the same figure.
* :func:`figures` finds the numbers a briefing compares across outlets: not years, times, dates or
  labels, each with the noun it counts ("5,000 troops" -> troop) and its period ("this year").

:func:`calendar` finds weekdays and months. Written numbers are parsed by text2num; this module only
finds where they are, because the check needs each one's offsets and text2num's own scanner
(``alpha2digit``) gives neither offsets nor "1.5 million" as one value.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Literal

NumberKind = Literal["number", "year", "percent", "money", "ordinal", "vague"]

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        "_ _ second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()
    )
    if w != "_"
}  # "first" and "last" are left out: "at first", "the first time" are rarely a count
_NUMBER_WORD = r"(?:" + "|".join(_UNITS + _TENS + ["hundred", *_SCALES]) + r")"
# A run of number words: "one hundred and sixty-eight", "five thousand", "twenty-one".
_WORDS_RUN = re.compile(
    rf"\b(?:(?P<article>an?)\s+(?=(?:hundred|{'|'.join(_SCALES)})\b))?"
    rf"(?P<run>{_NUMBER_WORD}(?:(?:\s+and\s+|[\s-]+){_NUMBER_WORD})*)\b(?!-\d)",
    re.IGNORECASE,
)
# Digits, with a currency sign, a decimal part, a percent sign or word, a scale word, an ordinal suffix.
_DIGITS = re.compile(
    r"(?<![\w.,])(?P<money>[$£€])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<ord>st|nd|rd|th)?(?P<pct>\s?%|\s+percent\b|\s+per cent\b)?"
    r"(?P<scale>\s+(?:thousand|million|billion|trillion)\b|(?:m|bn|tn)\b)?(?![\w])"
)
_DOZEN = re.compile(r"\b(?:(?P<count>a|an|one|two|three|four|five|six|half a)\s+)?dozen\b(?!s)", re.I)
_VAGUE = re.compile(r"\b(?P<word>dozens|scores|hundreds|thousands|millions|billions)\b", re.I)
_VAGUE_BASE = {
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1e3,
    "millions": 1e6,
    "billions": 1e9,
}
_ORDINAL = re.compile(r"\b(?:" + "|".join(_ORDINAL_WORDS) + r")\b", re.IGNORECASE)
_DOZEN_COUNT = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "half a": 0.5,
}


@dataclass(frozen=True)
class Number:
    """A quantity stated in a text: its words, where they are, and the value they mean."""

    text: str
    start: int
    end: int
    value: float
    kind: NumberKind

    def matches(self, other: Number) -> bool:
        """Whether ``other`` states this quantity: "dozens" is backed by "36", but "36" not by "dozens"."""
        if other.kind == "vague":
            return self.kind == "vague" and self.value == other.value
        if self.kind == "vague":
            return 2 * self.value <= other.value < 1000 * self.value
        return abs(self.value - other.value) <= 1e-9 * max(abs(self.value), 1.0)


def _words_value(run: str) -> float | None:
    from text_to_num import text2num

    try:
        return float(text2num(run.lower().replace("-", " "), "en"))
    except ValueError:
        return None


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


@functools.lru_cache(maxsize=16384)
def numbers(text: str) -> tuple[Number, ...]:
    """Every quantity ``text`` states, in order, each with its value (see the module docstring)."""
    found: list[Number] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: float, kind: NumberKind) -> None:
        if not _overlaps(taken, start, end):
            taken.append((start, end))
            found.append(Number(text[start:end], start, end, value, kind))

    for m in _DIGITS.finditer(text):
        if re.search(r"[A-Za-z]-$", text[max(0, m.start() - 3) : m.start()]) and not re.search(
            r"\bto-$", text[max(0, m.start() - 4) : m.start()]
        ):
            continue  # part of a name ("Covid-19", "F-35"), but "19-to-0" is a score
        digits = m.group("num").replace(",", "")
        value = float(digits + (m.group("frac") or ""))
        scale = (m.group("scale") or "").strip().lower()
        value *= _SCALES.get(scale, {"m": 1e6, "bn": 1e9, "tn": 1e12}.get(scale, 1.0))
        kind: NumberKind = "number"
        if m.group("money"):
            kind = "money"
        elif m.group("pct"):
            kind = "percent"
        elif m.group("ord"):
            kind = "ordinal"
        elif "," not in m.group("num") and not scale and not m.group("frac") and 1900 <= int(digits) <= 2099:
            kind = "year"  # "1,900 troops" is a count
        add(m.start(), m.end(), value, kind)
    for m in _DOZEN.finditer(text):
        add(m.start(), m.end(), 12 * _DOZEN_COUNT.get((m.group("count") or "a").lower(), 1), "number")
    for m in _WORDS_RUN.finditer(text):
        run = m.group("run")
        if run.lower() in ("one", "zero"):
            continue  # "one of them", "no one": a pronoun far more often than a count
        parsed = _words_value(run)
        if parsed is not None:  # "a million" is the run "million": text2num reads a lone scale word
            add(m.start(), m.end(), parsed, "number")
    for m in _ORDINAL.finditer(text):
        add(m.start(), m.end(), float(_ORDINAL_WORDS[m.group().lower()]), "ordinal")
    for m in _VAGUE.finditer(text):
        add(m.start(), m.end(), float(_VAGUE_BASE[m.group("word").lower()]), "vague")
    return tuple(sorted(found, key=lambda n: n.start))


# -- calendar words ---------------------------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"sept": "september"}
_CALENDAR = re.compile(
    r"\b(?P<word>(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.)"
    r"(?P<after>\s+\d)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CalendarWord:
    """A weekday or month named in a text, with its full lower-case name."""

    text: str
    start: int
    end: int
    name: str

    @property
    def is_weekday(self) -> bool:
        """True for Monday..Sunday, False for a month."""
        return self.name in WEEKDAYS


@functools.lru_cache(maxsize=16384)
def calendar(text: str) -> tuple[CalendarWord, ...]:
    """Weekdays and months named in ``text`` ("Jan." and "Sept." count; "may" the verb does not)."""
    found = []
    for m in _CALENDAR.finditer(text):
        word = m.group("word")
        low = word.lower().rstrip(".")
        if low == "may" and not (word[0].isupper() and (m.group("after") or m.start() > 0)):
            continue  # "May" opening a sentence, or "may", is a verb unless a day number follows
        if low == "march" and word[0].islower():
            continue  # "to march", "the march"
        name = _MONTH_ABBREVIATIONS.get(low, low)
        found.append(CalendarWord(word, m.start(), m.start() + len(word), name))
    return tuple(found)


# -- figures a briefing compares ------------------------------------------------------------------

_UNIT_WORD = re.compile(r"[A-Za-z][A-Za-z-]*\.?")
_UNIT_SKIP = frozenset(
    "of the a an and or but to per in on for from by with as at than more less about around some least "
    "most nearly almost over under up down out into its their his her this that these those who which "
    "were was are is be been had has have new other".split()
)
_MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    r"september|october|november|december|no|number|page|article|section|chapter)\.?\s*$",
    re.IGNORECASE,
)
_PERIOD_AFTER = re.compile(
    r"\b(this|next|last|previous|current|following|coming|past)\s+(year|quarter|month|week|season|decade)\b",
    re.IGNORECASE,
)
# "nearly a million", "about six hours", "more than 300": the figure is not exact.
_APPROXIMATE_BEFORE = re.compile(
    r"\b(?:nearly|almost|about|around|roughly|approximately|some|close to|more than|over|under|less than|"
    r"fewer than|at least|up to|upwards of|just under|just over|an estimated|estimated|~)\s*(?:an?\s+)?$",
    re.IGNORECASE,
)
# Two numbers joined: "19-0", "19–0", "19-to-0", "18 to 64", "220-212".
_JOINED = re.compile(r"^\s*(?:-|–|—|to|-to-|through)\s*$", re.IGNORECASE)
# A tally rather than a range: "voted 19-0", "a 6-3 ruling", "won 70-44".
_TALLY_CONTEXT = re.compile(
    r"\b(?:vote[ds]?|voting|ruled|ruling|decision|opinion|majority|margin|tally|score|won|beat|defeated|"
    r"lost|d\.|verdict)\b",
    re.IGNORECASE,
)
# Approximate figures agree within this share; exact ones must be equal, or one a rounding of the other.
APPROXIMATE_WITHIN = 0.1
ROUNDED_FROM = 1000  # a figure this large with fewer significant digits may be a rounding ("$1 trillion")


@dataclass(frozen=True)
class Figure:
    """A quantity a sentence states, with what it counts ("5,000 troops" -> troop) and how exactly."""

    value: float
    text: str
    unit: str  # the noun it counts, "percent", or "" when none follows
    start: int  # offsets inside the sentence text
    end: int
    # "this year", "next year" ... when one follows: figures of different periods never conflict
    period: str = ""
    approximate: bool = False  # "nearly", "about", "more than" ... before it
    kind: NumberKind = "number"
    tally: tuple[float, float] | None = None  # "19-0", "6-3": compared as a pair

    def agrees(self, other: Figure) -> bool:
        """Whether two figures can state the same quantity: equal, within an approximation, or rounded.

        "nearly a million" agrees with 1,000,000 and "$1 trillion" with "$1.2 trillion" (a rounding);
        "$1.2 trillion" does not agree with "$1.5 trillion", nor 168 with 170.
        """
        if self.tally is not None or other.tally is not None:
            return self.tally == other.tally
        if self.kind == "vague" or other.kind == "vague":
            vague, exact = (self, other) if self.kind == "vague" else (other, self)
            return vague.value == exact.value or 2 * vague.value <= exact.value < 1000 * vague.value
        return same_value(self.value, other.value, self.approximate or other.approximate)


def same_value(a: float, b: float, approximate: bool = False) -> bool:
    """Equal values; within APPROXIMATE_WITHIN when either is approximate; or one a rounding of the other."""
    if abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0):
        return True
    if approximate and abs(a - b) <= APPROXIMATE_WITHIN * max(abs(a), abs(b)):
        return True
    coarse, fine = sorted((a, b), key=_significant)
    digits = _significant(coarse)
    if abs(coarse) < ROUNDED_FROM or digits >= _significant(fine):
        return False
    # A rounding is within half a unit of the coarser figure's last significant digit. A tie counts
    # either way, since writers round halves up or to even ("1.235625 million" is "1.23562 million"
    # in Python's own formatting): a difference listed that is not one is worse than one missed.
    unit = 10.0 ** (math.floor(math.log10(abs(coarse))) - digits + 1)
    return abs(fine - coarse) <= unit / 2 * (1 + 1e-9)


def _significant(value: float) -> int:
    mantissa = f"{abs(value):.12e}".split("e")[0].replace(".", "").rstrip("0")
    return max(len(mantissa), 1)


@functools.lru_cache(maxsize=65536)
def figures(text: str) -> tuple[Figure, ...]:
    """The quantities of a text a briefing compares: not years, clock times, dates or labels.

    Tallies ("voted 19-0") are one figure with both sides; both ends of a range ("18 to 64") are figures.
    """
    found = [
        n
        for n in numbers(text)
        if n.kind != "year"
        and not re.search(r"\d[:/]$", text[max(0, n.start - 2) : n.start])  # 16:00, 05/01/2020
        and not re.match(r"^[:/]\d", text[n.end : n.end + 2])
        and not _MONTH_BEFORE.search(text[max(0, n.start - 12) : n.start])  # "Oct. 7", "No. 2"
    ]
    out: list[Figure] = []
    i = 0
    while i < len(found):
        n = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        joined = nxt is not None and _JOINED.match(text[n.end : nxt.start]) is not None
        if nxt is not None and joined and _TALLY_CONTEXT.search(text[max(0, n.start - 40) : nxt.end + 25]):
            out.append(_figure(text, n, end=nxt.end, tally=(n.value, nxt.value)))
            i += 2
            continue
        # A range's first end counts what its second end counts: "18 to 64 years".
        out.append(_figure(text, n, unit_from=nxt.end if nxt is not None and joined else None))
        i += 1
    return tuple(out)


def _figure(
    text: str,
    n: Number,
    end: int | None = None,
    tally: tuple[float, float] | None = None,
    unit_from: int | None = None,
) -> Figure:
    end = n.end if end is None else end
    unit = "tally" if tally else "percent" if n.kind == "percent" else _unit_after(text, unit_from or end)
    period = _PERIOD_AFTER.search(text[end : end + 40])
    return Figure(
        n.value,
        text[n.start : end],
        unit,
        n.start,
        end,
        period.group(0).lower() if period else "",
        bool(_APPROXIMATE_BEFORE.search(text[max(0, n.start - 24) : n.start])),
        n.kind,
        tally,
    )


def _unit_after(text: str, pos: int) -> str:
    window = re.split(r"[;,:!?()]", text[pos : pos + 40], maxsplit=1)[0]
    for word in _UNIT_WORD.findall(window)[:3]:
        low = word.lower().rstrip(".")
        if low in _UNIT_SKIP or not word[0].islower() or len(low) < 3:
            continue
        return str(low[:-1] if low.endswith("s") and not low.endswith("ss") else low)
    return ""
