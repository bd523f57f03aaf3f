"""A deterministic simulated chat model, served over a mocked HTTP transport for ``qa eval``.

It is NOT a language model. It stands in for one so that the whole LLM path runs offline:
the real ``openai`` client builds and sends the request, an ``httpx2.MockTransport`` hands
it to :class:`SimulatedModel`, and the reply goes back through the SDK's parsing, qa's JSON
handling and the citation resolver, exactly as a real model's would.

What it reads is only the request: the passages between ``<passage id="Pn">`` and
``</passage>`` (prompts/passage.md), the question between ``<question>`` tags and the
"not found" sentence in the system prompt (prompts/answer.md). It never sees the eval
set's answers. It picks the sentence whose words (and its passage's outlet) best cover the
question's rarer words, among those holding the kind of thing asked for (a number, a date,
a name, a place) when the question asks for one, answers with it, and quotes it the way
models usually do, with straight quotes and dashes instead of typographic ones; the resolver
must still verify those. Its answer carries an ``[n]`` marker after each sentence (before the full
stop: "... attended [1]."), as the prompt asks. When no sentence covers enough of the question it
replies ``not_found``.

With a ``fault`` (:data:`FAULT_KINDS`: ``qa eval --fault KIND`` or ``--faults``) it plants one
error in the answer text, never in the quotes, the way a careless model does: a changed figure,
day, month or year, a swapped name, invented quoted words, a misattribution, an added uncited
sentence with a figure, or a negation flip. The claim check must catch every one but the last.

It keeps its own stopwords, stemmer, number/date cues and quote straightening on purpose, rather
than qa.text's: the eval scores qa's readers, and a stand-in that shared the extractive reader's
word lists would be graded against itself. Only the sentence splitter is shared (the request's
passages must be cut where qa cuts them for its quotes to verify).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from qa.figures import MONTHS, WEEKDAYS
from qa.text import split_sentences

if TYPE_CHECKING:  # pragma: no cover
    import httpx2

SIMULATED_MODEL = "qa-simulated-reader"
SIMULATED_BASE_URL = "http://simulated.invalid/v1"
SIMULATED_KEY = "simulated-no-key"

# The model answers only when its best sentence covers this share of the question's
# idf-weighted content words; one round number, set before looking at per-question results.
MIN_COVERAGE = 0.5
TYPE_BONUS = 0.25
RANK_BONUS = 0.02
SECOND_WITHIN = 0.9

_PASSAGE = re.compile(r'<passage id="([^"]+)">\n(.*?)\n</passage>', re.DOTALL)
_QUESTION = re.compile(r"<question>\s*(.*?)\s*</question>", re.DOTALL)
_NOT_FOUND = re.compile(r"the answer\s+exactly\s+`([^`]+)`", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "during",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "about",
        "after",
        "before",
        "according",
        "articles",
        "article",
        "report",
        "say",
        "said",
        "says",
        "tell",
        "told",
        "many",
        "much",
    ]
)
# Nouns that only name the kind of answer wanted ("what day of the week", "which city"): they
# are rarely in the answering sentence, so they do not count towards its coverage.
_ASKED_KIND = frozenset(
    [
        "day",
        "week",
        "month",
        "year",
        "date",
        "time",
        "city",
        "country",
        "place",
        "town",
        "number",
        "share",
        "name",
        "kind",
        "type",
    ]
)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|"
    r"yesterday|today|tomorrow|last (?:week|month|year)|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# Who: a capitalised word after the sentence's first word, or a noun naming a person by role.
_PERSON = re.compile(
    r"(?<=\s)[A-Z][a-z]+|\b(?:spokes(?:person|man|woman)|lawmakers?|ministers?|officials?|police|leaders?)\b"
)
_PLACE = re.compile(r"\b(?:[Ii]n|[Aa]t|[Nn]ear|[Ff]rom|[Oo]utside|[Aa]cross)\s+(?:the\s+)?[A-Z][a-z]+")
_ASKS = {
    "number": (re.compile(r"\bhow (?:many|much|old)\b|\bwhat (?:number|share|percentage)\b", re.I), _NUMBER),
    "date": (
        re.compile(
            r"\bwhen\b|\bwhat (?:day|date|year|month|time)\b|\b(?:which|what) (?:day|date|year|month)\b", re.I
        ),
        _DATE,
    ),
    "person": (re.compile(r"\bwho\b|\bwhose\b", re.I), _PERSON),
    "place": (re.compile(r"\bwhere\b|\b(?:which|what) (?:city|country|place|town)\b", re.I), _PLACE),
}
_STRAIGHTEN = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


@dataclass(frozen=True)
class Passage:
    """One passage as the request shows it."""

    label: str
    text: str
    outlet: str = ""


def parse_request(body: dict[str, Any]) -> tuple[str, list[Passage], str | None]:
    """Return (question, passages, not-found sentence) from a chat completion request body."""
    messages = body.get("messages") or []
    system = next((m.get("content") or "" for m in messages if m.get("role") == "system"), "")
    user = next((m.get("content") or "" for m in messages if m.get("role") == "user"), "")
    question_match = _QUESTION.search(user)
    question = question_match.group(1) if question_match else ""
    passages = []
    for label, block in _PASSAGE.findall(user):
        # Header lines (outlet:, title:) end at the first blank line; the article text follows.
        header, _, text = block.partition("\n\n")
        outlet = next(
            (line[len("outlet:") :].strip() for line in header.splitlines() if line.startswith("outlet:")), ""
        )
        passages.append(Passage(label, text, outlet))
    not_found = _NOT_FOUND.search(system)
    return question, passages, (not_found.group(1) if not_found else None)


def _stem(word: str) -> str:
    word = word.replace(",", "")
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _terms(text: str, skip: frozenset[str] = _STOP) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower().translate(_STRAIGHTEN)) if w not in skip}


def _choose(question: str, passages: Sequence[Passage]) -> list[tuple[str, str]]:
    """The (passage label, straightened sentence) pairs to answer with; empty for not_found."""
    # A sentence is (passage rank, text); the outlet is part of what the model sees, so
    # "according to the BBC" is matched by the passage's outlet line.
    sentences: list[tuple[int, str]] = []
    seen: set[str] = set()
    for rank, passage in enumerate(passages):
        for start, end in split_sentences(passage.text):
            text = passage.text[start:end]
            key = " ".join(text.translate(_STRAIGHTEN).split())
            if len(text.split()) >= 4 and key not in seen:
                seen.add(key)
                sentences.append((rank, text))
    wanted = _terms(question, _STOP | _ASKED_KIND)
    if not sentences or not wanted:
        return []
    sentence_terms = [_terms(text) | _terms(passages[rank].outlet) for rank, text in sentences]
    idf = {t: math.log(1 + len(sentences) / (1 + sum(t in st for st in sentence_terms))) for t in wanted}
    total = sum(idf.values())
    checks = [check for ask, check in _ASKS.values() if ask.search(question)]
    scored = []
    for (rank, text), st in zip(sentences, sentence_terms, strict=True):
        coverage = sum(idf[t] for t in wanted & st) / total
        typed = sum(1 for check in checks if check.search(text)) / len(checks) if checks else 0.0
        if checks and not typed:
            continue  # asked for a number, date, name or place: a sentence without one cannot answer
        scored.append((coverage + TYPE_BONUS * typed + RANK_BONUS / (1 + rank), coverage, rank, text))
    if not scored:
        return []
    scored.sort(key=lambda s: (-s[0], s[2]))
    best = scored[0]
    if best[1] < MIN_COVERAGE:
        return []
    chosen = [best]
    for other in scored[1:]:
        if other[0] < SECOND_WITHIN * best[0]:
            break
        if passages[other[2]].label != passages[best[2]].label:
            chosen.append(other)  # the same fact from a second passage
            break
    return [(passages[c[2]].label, " ".join(c[3].split()).translate(_STRAIGHTEN)) for c in chosen]


_JUDGED = re.compile(r"<cited>\n(.*?)\n</cited>.*?<claim>\n(.*?)\n</claim>", re.DOTALL)
_NEGATED = re.compile(r"\b(?:not|never|no|non-\w+|\w+n't)\b", re.IGNORECASE)


def judge_request(body: dict[str, Any]) -> dict[str, Any] | None:
    """The simulated judge's verdict on a ``prompts/judge.md`` request, or None for any other request.

    Not a model either: "contradicted" when the claim and its cited text disagree about a negation
    or swap "approved"/"rejected", "entailed" when the claim's content words are all in the cited
    text, "neutral" otherwise. Enough to show the judge's verdicts flowing through qa eval.
    """
    user = next((m.get("content") or "" for m in body.get("messages") or [] if m.get("role") == "user"), "")
    match = _JUDGED.search(user)
    if match is None:
        return None
    cited, claim = (t.translate(_STRAIGHTEN) for t in match.groups())
    added = {w.lower() for w in _NEGATED.findall(claim)} - {w.lower() for w in _NEGATED.findall(cited)}
    dropped = any(
        re.search(rf"(?<!non-)\b{word}\b", claim, re.I) and not re.search(rf"\bnon-{word}\b", claim, re.I)
        for word in re.findall(r"\bnon-(\w+)", cited, re.I)
    )
    swapped = any(
        re.search(rf"\b{a}\b", claim, re.I)
        and re.search(rf"\b{b}\b", cited, re.I)
        and not re.search(rf"\b{a}\b", cited, re.I)
        for a, b in (("approved", "rejected"), ("rejected", "approved"))
    )
    if added or dropped or swapped:
        return {"verdict": "contradicted", "reason": "the claim and the cited text differ in a negation"}
    if _terms(claim) <= _terms(cited):
        return {"verdict": "entailed", "reason": "every content word of the claim is in the cited text"}
    return {"verdict": "neutral", "reason": "some content words of the claim are not in the cited text"}


def respond(body: dict[str, Any], fault: str = "") -> tuple[dict[str, Any], Planted | None]:
    """The reply to one request body, and the fault planted in it (None: honest, or not applicable)."""
    judged = judge_request(body)
    if judged is not None:
        return judged, None
    question, passages, not_found_text = parse_request(body)
    chosen = _choose(question, passages)
    if not chosen:
        return {"status": "not_found", "answer": not_found_text or "", "citations": []}, None
    quotes = [quote for _, quote in chosen]
    sentences, extra, planted = list(quotes), "", None
    if fault:
        texts = {p.label: p.text.translate(_STRAIGHTEN) for p in passages}
        cited = [texts[label] for label in dict.fromkeys(label for label, _ in chosen)]
        sentences, extra, planted = plant(fault, sentences, cited, list(texts.values()))
    pieces = _with_markers(sentences) + ([extra] if extra else [])
    answer = " ".join(pieces)
    if planted is not None:
        planted = _located(planted, answer, sum(len(p) + 1 for p in pieces[: planted.sentence]))
    citations = [{"source": label, "quote": quote} for label, quote in chosen]
    return {"status": "answered", "answer": answer, "citations": citations}, planted


def answer_request(body: dict[str, Any], fault: str = "") -> dict[str, Any]:
    """The model's reply (the JSON object of the answer contract) to one request body."""
    return respond(body, fault)[0]


# ----------------------------------------------------------------------------- markers and faults


def _split_end(sentence: str) -> tuple[str, str]:
    """(body, final stop): where a marker or an added clause goes, before the full stop."""
    if sentence.endswith(('."', ".'")):
        # '... "we will leave."' -> body '... "we will leave"', stop '.': the quoted words stay verbatim.
        return sentence[:-2] + sentence[-1], "."
    if sentence.endswith((".", "!", "?")):
        return sentence[:-1], sentence[-1]
    return sentence, ""


def _with_markers(sentences: Sequence[str]) -> list[str]:
    """The answer's sentences, each with its [n] marker before its full stop, and before each ";"."""
    out = []
    for number, sentence in enumerate(sentences, start=1):
        marker = f" [{number}]"
        body, stop = _split_end(sentence)
        # A ";"-clause is a claim of its own: a careful model cites each one.
        body = body.replace("; ", f"{marker}; ")
        out.append(f"{body}{marker}{stop}")
    return out


FAULT_KINDS = ("figure", "date", "name", "quote", "attribution", "uncited", "negation")
# The kinds the deterministic support check is built to catch; a negation flip changes no
# figure, name, date or quoted word, so only the model judge (qa ask --judge) can see it.
LEXICAL_FAULTS = FAULT_KINDS[:-1]


@dataclass(frozen=True)
class Planted:
    """One fault the simulated model put in an answer: its kind, the wrong text, what it replaced.

    ``start``/``end`` locate ``wrong`` in the answer text (-1 until the answer is assembled).
    """

    kind: str
    wrong: str
    original: str = ""
    start: int = -1
    end: int = -1
    sentence: int = 0  # which answer sentence (0-based) holds it


def _located(planted: Planted, answer: str, sentence_start: int) -> Planted:
    # The wrong text's first occurrence from the start of its sentence is the planted one
    # (a marker never splits it).
    at = answer.find(planted.wrong, sentence_start)
    return replace(planted, start=at, end=at + len(planted.wrong)) if at >= 0 else planted


# Numbers as a model writes them: "168", "5,000", "1.5", "40%"; never part of a word ("F-35", "21st")
# or a range ("19-0"), whose parts a changed figure would not read as one number.
_FIGURE = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w/]|[.,-]\d)")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# As a model writes them, capitalised; the lists themselves are qa.figures'.
_WEEKDAYS = tuple(d.capitalize() for d in WEEKDAYS)
_MONTHS = tuple(m.capitalize() for m in MONTHS)
# "May" is a month only before a day number ("May 3"); otherwise it is the verb.
_DAY_OR_MONTH = re.compile(
    r"\b(?:" + "|".join(_WEEKDAYS) + "|" + "|".join(m for m in _MONTHS if m != "May") + r"|May(?= \d))\b"
)
# Names no seed or AllSides article holds; each fault takes the first one absent from the passages.
_FAKE_SURNAMES = ("Halvorsen", "Okonkwo", "Lindqvist", "Castellanos", "Brandvold", "Nakashima")
_FAKE_PLACES = ("Varkestan", "Oltenburg", "Maravia", "Port Selden")
_AFTER_PREPOSITION = re.compile(r"\b(?:in|at|from|to|near|of) $")
_FAKE_PEOPLE = ("Maria Lindqvist", "Tomas Halvorsen", "Ada Okonkwo", "Pieter Brandvold")
_FAKE_PHRASES = ("a historic turning point", "an unprecedented betrayal", "a dangerous new chapter")
_UNCITED_VOTES = (97, 83, 71, 59, 143)
# A capitalised word, possessive allowed ("Trump's") but not "Shi'ite".
_CAPITALISED = re.compile(r"(?<![\w.'-])[A-Z][a-z]{2,}(?![\w-]|'[a-rt-z])")
# Words of a title or an institution, not a name to swap: "Prime Minister", "Islamic State".
_TITLES = frozenset(
    "Prime Minister President Supreme Leader Defence Defense Foreign State Department General Secretary "
    "Senator Spokesman Spokesperson Army Navy Forces Party Council Ministry Government House Senate".split()
)
_NAME_RUN = re.compile(r"(?<![\w.'-])[A-Z][a-z]+(?: [A-Z][a-z]+)+(?![\w-])")
_QUOTED = re.compile(r'"[^"]*"')
_NEGATIONS = (
    (re.compile(r"\bnon-binding\b"), "binding"),
    (re.compile(r"(?<!-)\bbinding\b"), "non-binding"),
    (re.compile(r"\bapproved\b"), "rejected"),
    (re.compile(r"\brejected\b"), "approved"),
)
_AUXILIARY = re.compile(
    r"\b(?:is|are|was|were|will|would|could|can|has|have|had|did|does|should)\b(?! not\b)(?!n't)"
)


_WRITTEN = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_WRITTEN_FIGURE = re.compile(r"\b(?:" + "|".join(_WRITTEN) + r")\b", re.IGNORECASE)


def _values(text: str) -> set[float]:
    digits = {float(m.group(1).replace(",", "") + (m.group(2) or "")) for m in _FIGURE.finditer(text)}
    return digits | {float(_WRITTEN.index(w.lower()) + 1) for w in _WRITTEN_FIGURE.findall(text)}


def _changed_written(token: str, avoid: set[float]) -> str | None:
    """Another written number ("three" -> "four"), keeping the capital; None if all are in ``avoid``."""
    value = _WRITTEN.index(token.lower()) + 1
    wrong = next((w for n, w in enumerate(_WRITTEN, start=1) if n > value and n not in avoid), None)
    return wrong.capitalize() if wrong and token[0].isupper() else wrong


def _changed_figure(token: str, avoid: set[float]) -> str:
    """Another figure written alike: 168 -> 170, 5,000 -> 6,000, 1.5 -> 2.5 (never one in ``avoid``)."""
    whole, _, decimals = token.replace(",", "").partition(".")
    value = int(whole)
    while True:
        digits = len(str(value))
        if decimals:
            value += 1
        elif value >= 10 and value % 10 ** (digits - 1) == 0:
            value += 10 ** (digits - 1)  # a round figure stays round: 5,000 -> 6,000
        else:
            value += 2
        if float(f"{value}.{decimals}" if decimals else value) not in avoid:
            break
    shown = f"{value:,}" if "," in token else str(value)
    return f"{shown}.{decimals}" if decimals else shown


def _outside_quotes(sentence: str, start: int, end: int) -> bool:
    return not any(q.start() < end and start < q.end() for q in _QUOTED.finditer(sentence))


def _sentence_starts(sentence: str) -> set[int]:
    return {0} | {m.end() for m in re.finditer(r'[.!?]["\']?\s+', sentence)}


def _absent(candidates: Sequence[str], passages: Sequence[str]) -> str:
    haystack = " ".join(passages).lower()
    return next((c for c in candidates if c.lower() not in haystack), candidates[-1])


def plant(
    kind: str, sentences: list[str], cited_passages: Sequence[str], passages: Sequence[str]
) -> tuple[list[str], str, Planted | None]:
    """Plant one fault of ``kind`` in an answer's sentences: (sentences, added sentence, what was planted).

    Only the answer text changes; the quotes stay verbatim, as a real model's would. Nothing is
    planted where the kind does not apply (no figure in the answer: no figure fault). The wrong
    word is never one the cited passages hold anywhere, so it is wrong whatever context the check reads.
    """
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULT_KINDS)}")
    cited = " ".join(cited_passages)
    out = list(sentences)
    if kind == "uncited":
        votes = _absent([str(n) for n in _UNCITED_VOTES], passages)
        extra = f"The measure passed with {votes} votes in favour."
        return out, extra, Planted(kind, extra, sentence=len(out))
    for i, sentence in enumerate(out):
        found = _plant_in(kind, sentence, cited, passages)
        if found is not None:
            out[i], wrong, original = found
            return out, "", Planted(kind, wrong, original, sentence=i)
    return out, "", None


def _plant_in(kind: str, sentence: str, cited: str, passages: Sequence[str]) -> tuple[str, str, str] | None:
    """(changed sentence, wrong text, original) for one sentence, or None where the kind does not apply."""
    if kind == "figure":
        for m in _FIGURE.finditer(sentence):
            token = m.group(0)
            if _YEAR.match(token) or not _outside_quotes(sentence, m.start(), m.end()):
                continue  # a year is the date fault's
            wrong = _changed_figure(token, _values(cited))
            return sentence[: m.start()] + wrong + sentence[m.end() :], wrong, token
        for m in _WRITTEN_FIGURE.finditer(sentence):  # "at least one protester", "three were wounded"
            written = _changed_written(m.group(0), _values(cited))
            if written and _outside_quotes(sentence, m.start(), m.end()):
                return sentence[: m.start()] + written + sentence[m.end() :], written, m.group(0)
        return None
    if kind == "date":
        dates = list(_DAY_OR_MONTH.finditer(sentence))
        dates += [m for m in _FIGURE.finditer(sentence) if _YEAR.match(m.group(0))]
        dates = [m for m in dates if _outside_quotes(sentence, m.start(), m.end())]
        if not dates:
            return None
        m = min(dates, key=lambda d: d.start())
        token = m.group(0)
        if token.isdigit():
            wrong = str(int(token) + 1)
            while wrong in cited:
                wrong = str(int(wrong) + 1)
        else:
            cycle = _WEEKDAYS if token in _WEEKDAYS else _MONTHS
            at = cycle.index(token)
            wrong = next(
                (c for c in cycle[at + 1 :] + cycle[:at] if c.lower() not in cited.lower()), cycle[at - 1]
            )
        return sentence[: m.start()] + wrong + sentence[m.end() :], wrong, token
    if kind == "name":
        starts = _sentence_starts(sentence)
        days = set(_WEEKDAYS + _MONTHS)
        # The last name of a full name first ("Qassem Soleimani" -> "Qassem Halvorsen"), else any
        # capitalised word inside the sentence that is not a day, a month or a title.
        surnames = [
            [w for w in _CAPITALISED.finditer(sentence, r.start(), r.end()) if w.group(0) not in _TITLES][-1:]
            for r in _NAME_RUN.finditer(sentence)
        ]
        candidates = [w for found in surnames for w in found if w.group(0) not in days] + [
            w
            for w in _CAPITALISED.finditer(sentence)
            if w.start() not in starts and w.group(0) not in days | _TITLES
        ]
        candidates = [w for w in candidates if _outside_quotes(sentence, w.start(), w.end())]
        if not candidates:
            return None
        m = candidates[0]
        place = _AFTER_PREPOSITION.search(sentence, 0, m.start())
        wrong = _absent(_FAKE_PLACES if place else _FAKE_SURNAMES, passages)
        return sentence[: m.start()] + wrong + sentence[m.end() :], wrong, m.group(0)
    body, stop = _split_end(sentence)
    if kind == "quote":
        phrase = f'"{_absent(_FAKE_PHRASES, passages)}"'
        return f"{body}, in what was described as {phrase}{stop}", phrase, ""
    if kind == "attribution":
        speaker = _speaker(cited, passages)
        said = _NAMED_SPEAKER.search(body) or _PRONOUN_SPEAKER.search(body)
        if said and not set(next(g for g in said.groups() if g).split()) <= _TITLES:  # not "State Department"
            # The sentence already names who spoke: give the words to someone else.
            group = next(n for n, g in enumerate(said.groups(), start=1) if g)
            start, end = said.span(group)
            while body[start:end].split(" ", 1)[0] in _TITLES:  # keep "Defence Minister", swap the name
                start += len(body[start:end].split(" ", 1)[0]) + 1
            return body[:start] + speaker + body[end:] + stop, speaker, body[start:end]
        if body.endswith('"'):
            # '"We will leave," Smith said.' -- the news form, the quote closed by a comma.
            return f'{body[:-1]}," {speaker} said{stop}', speaker, ""
        return f"{body}, {speaker} said{stop}", speaker, ""
    for pattern, flipped in _NEGATIONS:
        flip = pattern.search(sentence)
        if flip and _outside_quotes(sentence, flip.start(), flip.end()):
            return sentence[: flip.start()] + flipped + sentence[flip.end() :], flipped, flip.group(0)
    for aux in _AUXILIARY.finditer(sentence):
        if _outside_quotes(sentence, aux.start(), aux.end()):
            return sentence[: aux.end()] + " not" + sentence[aux.end() :], "not", ""
    return None


# Where a passage names a person: "Adel Abdul Mahdi said", "said Ali Khamenei", "Mr. Abdul Mahdi".
_NAMED_SPEAKER = re.compile(
    r"\b([A-Z][a-z]+(?: [A-Z][a-z]+){1,2}),? (?:said|says|told|added|warned)\b"
    r"|\b(?:said|says|told) ([A-Z][a-z]+(?: [A-Z][a-z]+){1,2})\b"
    r"|\b(?:Mr|Mrs|Ms|Dr)\. ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b"
)


_PRONOUN_SPEAKER = re.compile(r"\b([Hh]e|[Ss]he|the (?:spokes(?:person|man|woman)|minister|official)) said\b")


def _speaker(cited: str, passages: Sequence[str]) -> str:
    """A person named in the passages but not in the cited text, else a made-up one: a misattribution."""
    for passage in passages:
        for m in _NAMED_SPEAKER.finditer(passage):
            name = next(g for g in m.groups() if g)
            words = name.split()
            while words and words[0] in _TITLES:
                words = words[1:]  # "Minister Harjit Sajjan said": the person is Harjit Sajjan
            if words and words[-1] not in cited and words[0] not in ("The", "He", "She", "It", "They"):
                return " ".join(words)
    return _absent(_FAKE_PEOPLE, passages)


def completion(content: str, model: str) -> dict[str, Any]:
    """A chat completion body, deterministic for a given content (so replays are stable)."""
    digest = hashlib.sha256(content.encode()).hexdigest()[:24]
    return {
        "id": f"chatcmpl-sim-{digest}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


class SimulatedModel:
    """The mocked endpoint: answers every chat completion request with :func:`respond`.

    ``fault`` (one of :data:`FAULT_KINDS`, or "" for honest replies) plants that fault in every
    answer it applies to; ``planted`` records, per question, what was planted, for the eval to count.
    A follow-up request (the reader's repair round) repeats the first user message, so it gets the
    same reply and the same fault: this model does not mend its answers.
    """

    def __init__(self, fault: str = "") -> None:
        if fault and fault not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULT_KINDS)}")
        self.fault = fault
        self.planted: dict[str, Planted] = {}

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        """The MockTransport handler."""
        import httpx2

        if not request.url.path.endswith("/chat/completions"):
            return httpx2.Response(
                404,
                json={
                    "error": {
                        "message": f"the simulated model serves only chat completions, not {request.url.path}"
                    }
                },
            )
        body = json.loads(request.content or b"{}")
        reply, planted = respond(body, self.fault)
        if planted is not None:
            self.planted[parse_request(body)[0]] = planted
        content = json.dumps(reply, ensure_ascii=False)
        return httpx2.Response(200, json=completion(content, str(body.get("model") or SIMULATED_MODEL)))
