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
must still verify those. When no sentence covers enough of the question it replies
``not_found``.

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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


def answer_request(body: dict[str, Any]) -> dict[str, Any]:
    """The model's reply (the JSON object of the answer contract) to one request body."""
    question, passages, not_found_text = parse_request(body)
    not_found = {"status": "not_found", "answer": not_found_text or "", "citations": []}
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
        return not_found
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
        return not_found
    scored.sort(key=lambda s: (-s[0], s[2]))
    best = scored[0]
    if best[1] < MIN_COVERAGE:
        return not_found
    chosen = [best]
    for other in scored[1:]:
        if other[0] < SECOND_WITHIN * best[0]:
            break
        if passages[other[2]].label != passages[best[2]].label:
            chosen.append(other)  # the same fact from a second passage
            break
    quotes = [" ".join(c[3].split()).translate(_STRAIGHTEN) for c in chosen]
    return {
        "status": "answered",
        "answer": " ".join(quotes),
        "citations": [
            {"source": passages[c[2]].label, "quote": q} for c, q in zip(chosen, quotes, strict=True)
        ],
    }


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
    """The mocked endpoint: answers every chat completion request with :func:`answer_request`."""

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
        content = json.dumps(answer_request(body), ensure_ascii=False)
        return httpx2.Response(200, json=completion(content, str(body.get("model") or SIMULATED_MODEL)))
