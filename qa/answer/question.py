"""What a question asks: the kind of answer it wants and its focus, for the offline reader.

The kind is read from the question's frame ("how many" -> a number, "when" / "what day" -> a date,
"who" -> a person, "where" -> a place, "how did X describe" -> quoted words, "what post does X hold"
-> a role). The focus is what the answer must be about: the question's content words without the
frame, its names, and for a count the counted noun phrase ("Kurdish lawmakers"). A sentence answers
only when it covers the focus and holds an answer of the asked kind about it (see
:mod:`qa.answer.extractive`).

Hand-written rules, not a library: the taggers and chunkers on PyPI (spaCy, Stanza, NLTK,
TextBlob) load their models or corpora from outside PyPI, at run time or in a separate install
step, and qa must answer with no network; the rules are a few regular expressions over qa's own
text primitives. Numbers, written ones included, are read by text2num through :mod:`qa.figures`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.figures import numbers
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
    "happen happened take took articles besides old share percentage proportion capacity carried carry out "
    "place occur occurred during".split()
)
# Nouns for a person: "which Columbus mayor", "what senior administration official".
_PEOPLE = (
    "leader|official|lawmaker|legislator|minister|person|cleric|commander|man|woman|doctor|journalist|"
    "reporter|mayor|governor|senator|chair|chairman|chairwoman|analyst|sheriff|judge|spokes(?:man|woman|"
    "person)|envoy|ambassador|general|officer|activist|candidate|executive|player|coach|author|secretary"
)
_AUXILIARIES = "did|does|do|is|was|were|are|has|had|will|would|can|could"
_ASKS: tuple[tuple[Kind, str], ...] = (
    ("time", r"\b(?:what|which) (?:clock )?time\b|\bat what time\b|\bwhat hour\b"),
    ("weekday", r"\b(?:what|which) day of the week\b|\bon (?:what|which) day\b"),
    ("month", r"\b(?:what|which|in what) month\b"),
    ("year", r"\b(?:what|which|in what|during which|during what) years?\b"),
    ("number", r"\bhow (?:many|much|large|big|old|long)\b|\bwhat (?:number|percentage|share|proportion)\b"),
    ("date", r"\bwhen\b|\b(?:what|which|by what) (?:date|day)\b|\bhow long ago\b"),
    (
        "quote",
        r"\bhow did .+ (?:describe|characteri[sz]e)\b|\bwhat did .+ call (?:it|the|this|them|him|her)\b",
    ),
    ("role", r"\bwhat (?:post|title|position|role|job|office)\b|['’]s (?:role|post|title|position|job)\?"),
    (
        "person",
        r"\bwho\b|\bwhose\b|\bwhat (?:is|was) the name of\b|\bname the\b|"
        rf"\b(?:which|what)(?: (?!(?:{_AUXILIARIES})\b)[\w'’-]+){{0,3}} (?:{_PEOPLE})s?\b",
    ),
    ("place", r"\bwhere\b|\b(?:which|what)(?: \w+){0,2} (?:city|country|place|town|province|region|state)\b"),
)
_ASKED = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in _ASKS)
_COUNTED = re.compile(r"\bhow (?:many|much)\s+(.*)", re.I)
# Where the counted noun phrase ends: a verb, an auxiliary, a preposition ("how many US troops remain").
_PHRASE_END = frozenset(
    "were was are is did do does had have has will would could can should remain remains in at of on for "
    "from by to with during after before face faces live lived die died work attend stay serve vote voted "
    "take took make made the a an".split()
)
_NAME = re.compile(
    r"(?<![\w'’-])(?:[A-Z][\w'’.-]*|(?:al|el|bin|ibn|abu)-[A-Z][\w'’-]*)"
    r"(?:\s+(?:(?:al|bin|ibn|de|of)\s+)?(?:[A-Z][\w'’.-]*|(?:al|el)-[A-Z][\w'’-]*))*"
)
_OUTLET_SOURCE = re.compile(r",?\s*(?i:according to)\s+(?:the\s+)?([A-Z][\w.&' -]*?)(?=[,?]|$)")
_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december".split()
)
_EXCLUDED = re.compile(r"\b(?:besides|apart from|other than|except)\s+([^,?]+)", re.I)
# Counted nouns that name no particular group: the count must then stand next to the question's verb.
GENERIC_COUNTED = frozenset("people person persons individuals times".split())


@dataclass(frozen=True)
class QuestionFocus:
    """The kind of answer a question wants, and the stems an answering sentence must be about."""

    kind: Kind
    focus: frozenset[str]  # content stems without the frame words
    names: tuple[str, ...]  # the question's names, as runs of capitalised words (never its answer)
    counted: tuple[str, ...]  # for a count: the stems of the counted noun phrase, head last
    outlet_hint: str  # "according to Global News": the outlet, which names a passage, not a word in it
    asks_country: bool = False  # "which country ...": a demonym answers as well as a place
    avoid: tuple[str, ...] = ()  # "besides Nassiriya": names the answer is not
    given: tuple[float, ...] = ()  # the values of the question's own numbers, which never answer it
    wants_name: bool = False  # "which journalist", "the name of": a person's role alone does not answer


# "who", "when" and "where" also open relative clauses ("the envoy, in Tokyo when North Korea fired"):
# they ask only at the start of the question or of a clause, or after a preposition ("to whom").
_RELATIVE = re.compile(r"^(?:who|whom|whose|when|where)\b", re.I)
_ASKING_AFTER = re.compile(r"(?:^|[,;:]|\b(?:to|by|for|from|with|of|and|or|in|on|at))\s*$", re.I)


def kind_of(question: str) -> Kind:
    """The kind of answer asked for; "other" when the frame says nothing (what / why / how).

    The frame that asks is the earliest one: "Who was the envoy ... when North Korea fired" asks who.
    """
    found: list[tuple[int, int, Kind]] = []
    for order, (kind, pattern) in enumerate(_ASKED):
        for m in pattern.finditer(question):
            if _RELATIVE.match(m.group()) and not _ASKING_AFTER.search(question[: m.start()]):
                continue
            found.append((m.start(), order, kind))
            break
    return min(found)[2] if found else "other"


# Irregular forms of one word, which a suffix stripper cannot join: "die" / "died" / "death" / "dead".
_FAMILY = {"death": "die", "deaths": "die", "dead": "die", "died": "die", "dying": "die", "dies": "die"}


def word_stem(word: str) -> str:
    """A lower-case word's stem, irregular forms joined to their base ("death" -> "die")."""
    return _FAMILY.get(word) or stem(word)


def _content(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*|\d[\d,]*(?:\.\d+)?", text)
    out: list[str] = []
    for word in words:
        low = word.lower().replace("’", "'")
        low = re.sub(r"'s$", "", low)
        if low in STOPWORDS or low in _FRAME or stem(low) in _FRAME or len(low) < 2:
            continue
        out.extend(word_stem(part) for part in low.split("-") if part and part not in STOPWORDS)
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
            words = re.findall(r"[\w'’-]+", m.group(1))
            # "how many of the building's 136 units collapsed": what is counted is the phrase's head.
            partitive = len(words) > 1 and words[0].lower() == "of"
            if partitive:
                words = words[2:] if words[1].lower() in ("the", "its", "their", "his", "her") else words[1:]
            phrase: list[str] = []
            for word in words[: 6 if partitive else 4]:
                if word.lower() in _PHRASE_END or (word.lower().endswith("ed") and phrase):
                    break
                phrase.append(word)
            counted = tuple(_content(" ".join(phrase)))
            if partitive:
                counted = counted[-1:]
    # "Besides Nassiriya, in which city ...": a name the answer must not be is not one it must mention.
    excluded = _EXCLUDED.search(body)
    names: list[str] = []
    avoid: list[str] = []
    for n in _NAME.finditer(body):
        if excluded and n.group().split()[-1] in excluded.group(1):
            avoid.append(n.group().split()[-1])
            continue
        words = n.group().split()
        if n.start() == 0 or body[: n.start()].strip() == "":
            words = words[1:]  # the question's first word is capitalised anyway ("Which", "How")
        words = [
            re.sub(r"['’]s$", "", w) for w in words if w.lower() not in _FRAME | STOPWORDS | _CALENDAR_WORDS
        ]
        if not words:
            continue
        if names and re.search(r"\(\s*$", body[: n.start()]) and body[n.end() : n.end() + 1] == ")":
            names[-1] += " / " + " ".join(words)  # "Islamic State (Daesh)": another name for the same
        else:
            names.append(" ".join(words))
    asks_country = bool(re.search(r"\b(?:which|what) (?:country|countries|nation)", body, re.I))
    focus = frozenset(_content(body)) - (frozenset(_content(excluded.group(1))) if excluded else frozenset())
    given = tuple(n.value for n in numbers(body) if n.kind != "year")
    wants_name = kind == "person" and bool(re.search(r"\bname\b|\b(?:which|what)\b", body, re.I))
    return QuestionFocus(
        kind, focus, tuple(names), counted, outlet_hint, asks_country, tuple(avoid), given, wants_name
    )


def matches(term: str, terms: set[str] | frozenset[str]) -> bool:
    """A stem among others, or one sharing all but its ending: "canada" / "canadian", "iraq" / "iraqi"."""
    return term in terms or any(_same_word(term, t) for t in terms)


def _same_word(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    if len(short) < 4 or len(long) - len(short) > 4:
        return False
    shared = 0
    for x, y in zip(short, long, strict=False):
        if x != y:
            break
        shared += 1
    return shared == len(short) or (len(short) >= 6 and shared >= len(short) - 1)
