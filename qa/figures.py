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
        elif not scale and not m.group("frac") and len(digits) == 4 and 1900 <= int(digits) <= 2099:
            kind = "year"
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

# Figures: numbers that are not years, times, dates or ranges of years.
_FIGURE = re.compile(
    r"(?<![\w.,/:$-])\$?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<pct>\s*(?:%|percent\b|per cent\b))?(?P<scale>\s+(?:thousand|million|billion|trillion)\b)?"
    r"(?![\w/:%]|[.,]\d|-\d)"
)
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


@dataclass(frozen=True)
class Figure:
    """A number in a sentence, with the noun it counts when one follows ("5,000 troops" -> troop)."""

    value: float
    text: str
    unit: str
    start: int  # offsets inside the sentence text
    end: int
    # "this year", "next year" ... when one follows: figures of different periods never conflict
    period: str = ""


@functools.lru_cache(maxsize=65536)
def figures(text: str) -> tuple[Figure, ...]:
    """Numbers in a text that are figures: not years (1900-2099), times, dates or year ranges."""
    found = []
    for m in _FIGURE.finditer(text):
        digits = m.group("num").replace(",", "")
        if _MONTH_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # a date ("Oct. 7") or a label ("No. 2")
        if (
            m.group("frac") is None
            and "," not in m.group("num")
            and len(digits) == 4
            and 1900 <= int(digits) <= 2099
        ):
            continue  # a year
        value = float(digits + (m.group("frac") or ""))
        scale = (m.group("scale") or "").strip().lower()
        value *= _SCALES.get(scale, 1.0)
        unit = "percent" if m.group("pct") else _unit_after(text, m.end())
        period = _PERIOD_AFTER.search(text[m.end() : m.end() + 40])
        found.append(
            Figure(
                value, m.group(0).strip(), unit, m.start(), m.end(), period.group(0).lower() if period else ""
            )
        )
    return tuple(found)


def _unit_after(text: str, pos: int) -> str:
    window = re.split(r"[;,:!?()]", text[pos : pos + 40], maxsplit=1)[0]
    for word in _UNIT_WORD.findall(window)[:3]:
        low = word.lower().rstrip(".")
        if low in _UNIT_SKIP or not word[0].islower() or len(low) < 3:
            continue
        return str(low[:-1] if low.endswith("s") and not low.endswith("ss") else low)
    return ""
