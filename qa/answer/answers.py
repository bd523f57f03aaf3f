"""Where a sentence answers a question: the phrase of the asked kind that is about the question's focus.

:func:`answer_span` returns the offsets (in the sentence) of the answering phrase, or None when the
sentence holds no answer of the kind the question asks for: the number next to the counted noun
("168 lawmakers" for "how many lawmakers", never for "how many Kurdish lawmakers"), a clock time, a
weekday, a month, a year, a person's name the question does not already give, a place after a
preposition, quoted words, or the title beside a named person.
"""

from __future__ import annotations

import re

from qa.answer.question import GENERIC_COUNTED, QuestionFocus, matches, word_stem
from qa.figures import Number, calendar, numbers
from qa.text import STOPWORDS, stem

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_WORD_OR_NUMBER = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,]*(?:\.\d+)?")

_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:a\.?m\.?|p\.?m\.?|GMT|UTC)?|\b\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b(?:noon|midnight)\b",
    re.I,
)
_DAYS = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|last (?:week|month|year)|earlier this (?:week|month|year))\b",
    re.I,
)
_CAPITAL_RUN = re.compile(
    r"(?<![\w'’-])(?:[A-Z][\w'’.-]*|(?:al|el|bin|ibn|abu)-[A-Z][\w'’-]*)"
    r"(?:\s+(?:(?:al|bin|ibn|de|van|von|of|the)\s+)?(?:[A-Z][\w'’.-]*|(?:al|el)-[A-Z][\w'’-]*))*"
)
_PLACE = re.compile(
    r"\b(?:in|at|near|from|outside|across|to)\s+(?:the\s+)?"
    r"(?:(?:southern|northern|eastern|western|central|city of|town of|province of)\s+)*",
    re.I,
)
_QUOTED = re.compile(r"“[^”]{3,}”|\"[^\"]{3,}\"")
_WINDOW_AFTER, _WINDOW_BEFORE = 4, 2
# Capitalised words that open or structure a sentence without naming anyone or anywhere.
_NOT_NAMES = frozenset(
    "the a an in on at by for from of to with as after before during while when where what which who "
    "this that these those it its he she they we his her their our but and or so yet however also "
    "most many some several both all each every one two three four five six seven eight nine ten "
    "mr mrs ms dr gen sen rep".split()
)


_COUNTRY = re.compile(r"U\.S\.(?:A\.)?|US|USA|U\.K\.|UK|U\.N\.|UN|EU|United States|United Kingdom")
_ALIASES = re.compile(r"\bU\.S\.(?:A\.)?|\bUnited States(?: of America)?\b|\bU\.K\.|\bU\.N\.", re.I)
_ALIAS_OF = {
    "u.s.": "US",
    "u.s.a.": "US",
    "united states": "US",
    "united states of america": "US",
    "u.k.": "UK",
    "u.n.": "UN",
}


def _stems(text: str) -> list[str]:
    """Stems of a text's words, a hyphenated word also by its parts ("anti-government": anti, government)."""
    text = _ALIASES.sub(lambda m: _ALIAS_OF.get(m.group().lower(), m.group()), text)
    out = []
    for w in _WORD_OR_NUMBER.findall(text):
        low = w.lower().replace("’", "'").removesuffix("'s").replace(",", "")
        out.append(word_stem(low))
        if "-" in low:
            out.extend(stem(part) for part in low.split("-") if part)
    return out


def _other_noun_after(after: str) -> bool:
    """'three were wounded' counts what came before; 'three soldiers were' counts soldiers."""
    first = _WORD.match(after.lstrip())
    return first is not None and first.group().lower() not in STOPWORDS | {"more", "people"}


def _elided(before: str, after: str, counted: list[str], verbs: set[str]) -> bool:
    """A count whose noun was said before it in full, with the question's verb beside it.

    "... anti-government protester was killed and three were wounded" (the verb follows), and
    "... bringing the population at the facility down to 39" (the verb leads, then "to").
    """
    said_before = set(_stems(before))
    if not counted or not all(matches(t, said_before) for t in counted) or _other_noun_after(after):
        return False
    following = set(_stems(" ".join(after.split()[:3])))
    leading = set(_stems(" ".join(before.split()[-6:])))
    return any(matches(t, following) for t in verbs) or (
        before.rstrip().endswith(" to") and any(matches(t, leading) for t in verbs)
    )


def _number_span(sentence: str, focus: QuestionFocus) -> tuple[int, int] | None:
    counted = [t for t in focus.counted if t not in GENERIC_COUNTED]
    # The question's other words, mostly its verb ("wounded", "attended").
    verbs = set(focus.focus - set(focus.counted)) - {stem(w.lower()) for n in focus.names for w in n.split()}
    # "at least one anti-government protester": qa.figures leaves a lone "one" out (mostly a pronoun);
    # here it counts, through the same window check as any other number.
    ones = [
        Number(m.group(), m.start(), m.end(), 1.0, "number")
        for m in re.finditer(r"\b(?:one|a single)\b", sentence, re.I)
    ]
    passing: list[tuple[bool, int, int]] = []
    for n in sorted([*numbers(sentence), *ones], key=lambda x: x.start):
        if n.kind in ("year", "ordinal") or n.value in focus.given:
            continue  # "how many of the building's 136 units": 136 is the question's, not its answer
        after, before = sentence[n.end :], sentence[: n.start]
        window = set(
            _stems(" ".join(after.split()[:_WINDOW_AFTER]))
            + _stems(" ".join(before.split()[-_WINDOW_BEFORE:]))
        )
        elided = _elided(before, after, counted, verbs)
        if counted and not all(matches(t, window) for t in counted) and not elided:
            continue  # a number about something else: "168 lawmakers" is not "how many Kurdish lawmakers"
        end = n.end
        if counted and not elided:  # the answer runs to the counted noun: "5,000 US troops"
            head = counted[-1]
            for m in _WORD.finditer(after[:60]):
                if matches(stem(m.group().lower()), {head}):
                    end = n.end + m.end()
                    break
        # Of several counts of the same noun, the one by the question's verb: "three were wounded",
        # not "one protester was killed", for "how many protesters were wounded".
        by_verb = any(matches(t, window) for t in verbs)
        passing.append((not by_verb, n.start, end))
    return min(passing)[1:] if passing else None


def _date_span(sentence: str, kind: str) -> tuple[int, int] | None:
    if kind == "time":
        m = _TIME.search(sentence)
        return (m.start(), m.end()) if m else None
    words = calendar(sentence)
    if kind in ("weekday", "month"):
        hit = next((w for w in words if w.is_weekday == (kind == "weekday")), None)
        return (hit.start, hit.end) if hit else None
    years = [n for n in numbers(sentence) if n.kind == "year"]
    if kind == "year":
        return (years[0].start, years[0].end) if years else None
    found = [(w.start, w.end) for w in words] + [(y.start, y.end) for y in years]
    relative = _DAYS.search(sentence)
    if relative:
        found.append((relative.start(), relative.end()))
    return min(found) if found else None


_TITLES = frozenset(
    "prime minister president supreme leader speaker secretary general senator governor mayor spokesman "
    "spokesperson spokeswoman chief director king queen prince sheikh ayatollah cleric commander".split()
)
_PERSON_NOUN = re.compile(
    r"\b(?:lawmaker|legislator|official|minister|spokes(?:man|woman|person)|leader|cleric|commander|"
    r"lawyer|senator|president|diplomat|officer|analyst|expert|member|protester|witness|source)s?\b",
    re.I,
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _new_names(sentence: str, focus: QuestionFocus) -> list[tuple[int, int]]:
    """Runs of capitalised words that name someone or somewhere the question does not already name."""
    given = {stem(w.lower()) for name in (*focus.names, *focus.avoid) for w in re.split(r"[\s-]+", name)}
    out = []
    for m in _CAPITAL_RUN.finditer(sentence):
        start, raw = m.start(), m.group()
        while raw and raw.split()[0].lower().strip(".'’") in _NOT_NAMES:  # "In Basra": the name is "Basra"
            first = raw.split()[0]
            rest = raw[len(first) :]
            start += len(first) + len(rest) - len(rest.lstrip())
            raw = rest.lstrip()
        if not raw or (start == 0 and len(raw.split()) == 1):
            continue  # nothing left, or a capital that only opens the sentence
        words = [
            w
            for w in re.split(r"[\s-]+", raw)
            if w and w.lower() not in ("al", "bin", "of", "the", "de") and w.lower() not in _TITLES
        ]
        if not words or any(w.lower() in _WEEKDAYS for w in words):
            continue
        if all(stem(w.lower().strip(".'’").removesuffix("'s")) in given for w in words):
            continue  # the question's own name is not its answer
        out.append((start, start + len(raw)))
    return out


_NEAR = 6  # words


def _near_focus(sentence: str, span: tuple[int, int], focus: QuestionFocus) -> bool:
    """Whether a focus word of the question stands within a few words of the span."""
    before = " ".join(sentence[: span[0]].split()[-_NEAR:])
    after = " ".join(sentence[span[1] :].split()[:_NEAR])
    near = set(_stems(before) + _stems(sentence[span[0] : span[1]]) + _stems(after))
    names = {s for n in focus.names for s in _stems(n)}
    wanted = focus.focus - names
    found = sum(matches(t, near) for t in wanted)
    # A short focus ("the governor", "prime minister") must be there whole; a long one in part.
    return found >= (len(wanted) if len(wanted) <= 2 else 1) if wanted else True


def _covers(text: str, focus: QuestionFocus) -> bool:
    """Whether a text holds at least half the question's focus words."""
    found = content_stems(text)
    return bool(focus.focus) and 2 * sum(matches(t, found) for t in focus.focus) >= len(focus.focus)


def _beside(sentence: str, span: tuple[int, int], other: tuple[int, int]) -> bool:
    """Whether a span stands within a few words of another, on either side."""
    if span[0] >= other[1]:
        return len(sentence[other[1] : span[0]].split()) <= _NEAR
    return span[1] <= other[0] and len(sentence[span[1] : other[0]].split()) <= _NEAR


def _place_span(sentence: str, focus: QuestionFocus) -> tuple[int, int] | None:
    names = _new_names(sentence, focus)
    for m in _PLACE.finditer(sentence):
        hit = next(((s, e) for s, e in names if s == m.end()), None)
        if hit:
            return hit
    # "Which country's forces ...": a country named as an adjective ("The Canadian Forces") answers too.
    return names[0] if names and focus.asks_country else None


def _role_span(sentence: str, focus: QuestionFocus) -> tuple[int, int] | None:
    low = sentence.lower()
    for name in focus.names:
        at = low.find(name.lower())
        if at == -1:
            continue
        # The title right before the name ("Defence Minister Harjit Sajjan") or in apposition after it.
        title = re.search(r"((?:[A-Z][\w'’-]*\s+){1,3})$", sentence[:at])
        if title and title.group(1).split()[0].lower() not in _NOT_NAMES:
            return title.start(1), title.end(1) - 1
        after = re.match(
            r",\s+(?:the\s+|a\s+|an\s+)?([^,;]{3,90}?)(?:,|;|\s+(?:who|said|says))",
            sentence[at + len(name) :],
        )
        if after:
            base = at + len(name)
            return base + after.start(1), base + after.end(1)
    return None


def answer_span(sentence: str, focus: QuestionFocus) -> tuple[int, int] | None:
    """The answering phrase's offsets in ``sentence``, or None when it holds no answer of the asked kind.

    For "other" questions (what / why / how, with no frame for the answer) the whole sentence is the
    answer: (0, len(sentence)).
    """
    kind = focus.kind
    if kind == "number":
        return _number_span(sentence, focus)
    if kind in ("time", "weekday", "month", "year", "date"):
        return _date_span(sentence, kind)
    if kind == "person":
        # The name must stand by what the question is about ("the governor, X"), not anywhere in it.
        # A name inside quoted words is the speaker's subject, not the person asked about; a country
        # ("U.S.") is not a person. Beside quoted words the question asks about, a name is their speaker.
        quoted = [m.span() for m in _QUOTED.finditer(sentence)]
        asked = [(s, e) for s, e in quoted if _covers(sentence[s:e], focus)]
        names = [
            span
            for span in _new_names(sentence, focus)
            if (_near_focus(sentence, span, focus) or any(_beside(sentence, span, q) for q in asked))
            and not any(s <= span[0] < e for s, e in quoted)
            and not _COUNTRY.fullmatch(sentence[span[0] : span[1]])
        ]
        if names:
            return names[0]
        if focus.wants_name:
            return None
        role = _PERSON_NOUN.search(sentence)  # "one Sunni Muslim lawmaker said": who, without a name
        return (role.start(), role.end()) if role and not focus.focus & {stem(role.group().lower())} else None
    if kind == "place":
        return _place_span(sentence, focus)
    if kind == "quote":
        m = _QUOTED.search(sentence)
        return (m.start(), m.end()) if m else None
    if kind == "role":
        return _role_span(sentence, focus)
    return 0, len(sentence)


def content_stems(text: str) -> set[str]:
    """The content stems of a text, compared with a question's focus."""
    return {s for s in _stems(text) if s not in STOPWORDS}
