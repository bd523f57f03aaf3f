"""What a question asks: the kind of answer it wants and its focus, for the offline reader.

The kind is read from the question's frame ("how many" -> a number, "when" / "what day" -> a date,
"who" -> a person, "where" -> a place, "how did X describe" -> quoted words, "what post does X hold"
-> a role). The focus is what the answer must be about: the question's content words without the
frame, its names, and for a count the counted noun phrase ("Kurdish lawmakers"). A sentence answers
only when it covers the focus and holds an answer of the asked kind about it (see
:mod:`qa.answer.extractive`).

Hand-written rules, not a library: the light taggers on PyPI either need a model download at run
time (spaCy's and Stanza's models, NLTK's data) or tag no better than capitalisation does on news
prose, and these rules are a few regular expressions over qa's own text primitives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.text import STOPWORDS, stem

Kind = Literal[
    "number", "time", "weekday", "month", "year", "date", "person", "place", "quote", "role", "other"
]

# Words that frame a question rather than name what it is about ("What post does X hold?").
_FRAME = frozenset(
    "what which who whom whose when where why how many much does do did is are was were has have had "
    "kind type sort name names title post position role job number amount day date year month time week "
    "city country place town give gives given call called describe described according report reports "
    "reported article outlet wire mention mentioned total exactly approximately roughly hold holds "
    "happen happened take took".split()
)
_ASKS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("time", re.compile(r"\b(?:what|which) (?:clock )?time\b|\bat what time\b|\bwhat hour\b", re.I)),
    ("weekday", re.compile(r"\b(?:what|which) day of the week\b|\bon (?:what|which) day\b", re.I)),
    ("month", re.compile(r"\b(?:what|which|in what) month\b", re.I)),
    ("year", re.compile(r"\b(?:what|which|in what) year\b", re.I)),
    ("date", re.compile(r"\bwhen\b|\b(?:what|which|by what) (?:date|day)\b|\bhow long ago\b", re.I)),
    (
        "number",
        re.compile(
            r"\bhow (?:many|much|large|big|old|long)\b|\bwhat (?:number|percentage|share|proportion)\b", re.I
        ),
    ),
    (
        "quote",
        re.compile(
            r"\bhow did .+ (?:describe|call|characteri[sz]e)\b|\bwhat did .+ (?:say|call)\b|\bwho said\b",
            re.I,
        ),
    ),
    ("role", re.compile(r"\bwhat (?:post|title|position|role|job|office)\b", re.I)),
    (
        "person",
        re.compile(
            r"\bwho\b|\bwhose\b|\bwhat (?:is|was) the name of\b|\bname the\b|\bwhich (?:\w+ )?(?:leader|official|lawmaker|minister|person|cleric|commander|man|woman)\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"\bwhere\b|\b(?:which|what|in what|in which) (?:city|country|place|town|province|region|state)\b",
            re.I,
        ),
    ),
)
_COUNTED = re.compile(
    r"\bhow (?:many|much)\s+((?:[\w'’-]+\s+){0,3}?[\w'’-]+?)(?=\s+(?:were|was|are|is|did|do|does|had|have|has|will|would|could|can|remain|in|at|of|on)\b|[?,]|$)",
    re.I,
)
_NAME = re.compile(r"(?<![\w'’-])(?:[A-Z][\w'’.-]*|(?:al|el|bin|ibn|abu)-[A-Z][\w'’-]*)")
_OUTLET_SOURCE = re.compile(r",?\s*according to (?:the )?([A-Z][\w.&' -]*?)(?=[,?]|$)")
# Counted nouns that name no particular group: the count must then stand next to the question's verb.
GENERIC_COUNTED = frozenset("people person persons individuals times".split())


@dataclass(frozen=True)
class QuestionFocus:
    """The kind of answer a question wants, and the stems an answering sentence must be about."""

    kind: Kind
    focus: frozenset[str]  # content stems without the frame words
    names: tuple[str, ...]  # capitalised words of the question (its own names are never the answer)
    counted: tuple[str, ...]  # for a count: the stems of the counted noun phrase, head last
    outlet_hint: str  # "according to Global News": the outlet, which names a passage, not a word in it


def kind_of(question: str) -> Kind:
    """The kind of answer asked for; "other" when the frame says nothing (what / why / how)."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return "other"


def _content(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*", text)
    out = []
    for word in words:
        low = word.lower().replace("’", "'")
        low = re.sub(r"'s$", "", low)
        if low in STOPWORDS or low in _FRAME or len(low) < 2:
            continue
        out.extend(stem(part) for part in low.split("-") if part and part not in STOPWORDS)
    return out


def analyse(question: str) -> QuestionFocus:
    """Read a question's kind and focus."""
    hint_match = _OUTLET_SOURCE.search(question)
    outlet_hint = hint_match.group(1).strip() if hint_match else ""
    body = question[: hint_match.start()] + question[hint_match.end() :] if hint_match else question
    kind = kind_of(body)
    counted: tuple[str, ...] = ()
    if kind == "number":
        m = _COUNTED.search(body)
        if m:
            counted = tuple(_content(m.group(1)))
    first = re.match(r"\s*\S+", body)
    names = tuple(
        n.group()
        for n in _NAME.finditer(body)
        if not (first and n.start() < first.end()) and n.group().lower() not in _FRAME | STOPWORDS
    )
    return QuestionFocus(kind, frozenset(_content(body)), names, counted, outlet_hint)


def matches(term: str, terms: set[str] | frozenset[str]) -> bool:
    """A stem found among others, allowing one to extend the other ("parliament" / "parliamentari")."""
    if term in terms:
        return True
    return len(term) >= 5 and any(len(t) >= 5 and (t.startswith(term) or term.startswith(t)) for t in terms)
