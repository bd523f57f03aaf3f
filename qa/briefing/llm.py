"""The LLM briefing: map over the articles for notes, then reduce the notes to a briefing.

* **Map.** The articles' reporting text (chunks, so no page furniture) is cut into
  sentence-aligned passages and packed into calls of at most ``MAP_TOKENS``; an article
  never shares a call unless it fits whole. The model returns notes, each with a verbatim
  quote; a quote is resolved against that call's passages and a note whose quote does not
  verify is dropped before the reduce step ever sees it.
* **Reduce.** Notes are ranked by importance and taken round-robin across articles until
  ``REDUCE_TOKENS`` is spent, so 30 articles get the same fair hearing as 2. Each note is
  shown as the exact sentence(s) around its verified quote; the model writes sentences and
  differences quoting them, and every quote is resolved again by :func:`qa.answer.citations.resolve`.
  A sentence with no verified citation is dropped; a difference needs verified citations
  from two outlets, or, citing one, figures that no other outlet's article states.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qa.answer.citations import resolve
from qa.answer.claims import check_statement
from qa.answer.llm import render_passages
from qa.briefing.model import WHAT_HAPPENED, Difference, Dropped, Statement
from qa.briefing.pool import Pool, content_spans, outlet_key
from qa.errors import LLMError
from qa.index.corpus import Corpus
from qa.openai_client import complete_json
from qa.prompts import load_prompt
from qa.text import split_sentences
from qa.types import Article, Citation, Hit

if TYPE_CHECKING:  # pragma: no cover
    import openai

MAP_PROMPT, REDUCE_PROMPT = "briefing_map", "briefing_reduce"
BRIEFING_REPAIR_PROMPT = "briefing_repair"
CHARS_PER_TOKEN = 4  # rough, for English prose; keeps budgets model-agnostic
MAP_TOKENS = 3000  # passage text per map call
REDUCE_TOKENS = 3000  # note passages + notes in the reduce call
PASSAGE_CHARS = 1200
NOTES_PER_ARTICLE, MAX_NOTES = 8, 30
NO_TOPIC = "(none given: cover the whole story)"


_ONLY_ONE = "a figure only one outlet gives"


def _one_sided(text: str, sides: set[str], pool: Pool) -> str | None:
    """Why a difference citing one outlet stands (``_ONLY_ONE``) or not: its figures must be ones no
    other outlet's article states in any form (:func:`qa.briefing.differences.states`)."""
    from qa.briefing.differences import states
    from qa.figures import figures

    (outlet,) = sides
    given = [f for f in figures(text) if f.kind not in ("ordinal", "vague")]
    if not given:
        return None
    others = [f"{a.title}\n{a.text}" for a in pool.articles if outlet_key(a) != outlet]
    stated = [f.text for f in given if states(f, others)]
    return f"another outlet's article states {', '.join(stated)} too" if stated else _ONLY_ONE


@dataclass(frozen=True)
class Note:
    """A map note whose quote verified, shown to the reduce step as the sentences around it."""

    text: str
    importance: int
    citation: Citation
    hit: Hit


@dataclass
class Draft:
    """What the LLM path hands back to :func:`qa.briefing.summarize.summarize`."""

    statements: list[Statement] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    def unsupported(self) -> list[Statement]:
        """Sentences whose citations verified but do not back what they say."""
        return [s for s in self.statements if not s.supported]


def passages(corpus: Corpus, article: Article, max_chars: int = PASSAGE_CHARS) -> list[Hit]:
    """The article's reporting text as sentence-aligned passages of at most ``max_chars``."""
    text = article.text
    out: list[Hit] = []
    for lo, hi in content_spans(corpus, article.doc_id):
        start = end = None
        for s, e in split_sentences(text, lo, hi):
            if start is not None and e - start > max_chars:
                out.append(Hit.span(article, start, end))  # type: ignore[arg-type]
                start = None
            start = s if start is None else start
            end = e
        if start is not None:
            out.append(Hit.span(article, start, end))  # type: ignore[arg-type]
    return out


def map_batches(corpus: Corpus, articles: Sequence[Article], budget_tokens: int) -> list[list[Hit]]:
    """Pack the articles' passages into map calls of at most ``budget_tokens`` each."""
    budget = budget_tokens * CHARS_PER_TOKEN
    batches: list[list[Hit]] = []
    current: list[Hit] = []
    size = 0
    for article in articles:
        parts = passages(corpus, article, min(PASSAGE_CHARS, budget))
        whole = sum(len(h.text) for h in parts)
        if current and size + whole > budget:  # start the article in a fresh call
            batches.append(current)
            current, size = [], 0
        for hit in parts:
            if current and size + len(hit.text) > budget:
                batches.append(current)
                current, size = [], 0
            current.append(hit)
            size += len(hit.text)
    if current:
        batches.append(current)
    return batches


def map_notes(
    client: openai.OpenAI,
    model: str,
    hits: Sequence[Hit],
    topic: str | None,
    article_text: Callable[[str], str],
) -> tuple[list[Note], int]:
    """One map call: notes with verified quotes, and the count of notes dropped as unverified."""
    articles = len({h.doc_id for h in hits})
    system, user = load_prompt(MAP_PROMPT).render_messages(
        passages=render_passages(hits),
        topic=topic or NO_TOPIC,
        max_notes=min(MAX_NOTES, NOTES_PER_ARTICLE * articles),
    )
    reply = complete_json(client, model, system, user)
    notes: list[Note] = []
    unverified = 0
    for item in _items(reply.get("notes")):
        quote, note = item.get("quote"), item.get("note")
        if not isinstance(quote, str) or not quote.strip():
            continue
        citation = resolve(quote, hits, _str(item.get("source")), article_text)
        if not citation.verified:
            unverified += 1
            continue
        text = note.strip() if isinstance(note, str) and note.strip() else quote.strip()
        notes.append(
            Note(text, _importance(item.get("importance")), citation, _around(citation, hits, article_text))
        )
    return notes, unverified


def _items(raw: object) -> list[dict[str, Any]]:
    return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _importance(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return 2
    try:
        return max(1, min(3, int(float(value))))
    except ValueError:
        return 2


def _around(citation: Citation, hits: Sequence[Hit], article_text: Callable[[str], str]) -> Hit:
    """The whole sentence(s) of the passage that contain the cited span (a located citation)."""
    assert citation.start is not None and citation.end is not None
    cited_start, cited_end = citation.start, citation.end
    hit = next(h for h in hits if h.doc_id == citation.doc_id and h.start <= cited_start < h.end)
    text = article_text(hit.doc_id)
    spans = [
        (s, e) for s, e in split_sentences(text, hit.start, hit.end) if s < cited_end and e > cited_start
    ]
    start, end = (spans[0][0], spans[-1][1]) if spans else (cited_start, cited_end)
    return hit.narrowed(text, start, end)


def budget_notes(notes: Sequence[Note], budget_tokens: int) -> list[Note]:
    """Most important notes first, round-robin across articles, until the budget is spent."""
    unique: dict[tuple[str, int, int], Note] = {}
    for note in sorted(notes, key=lambda n: -n.importance):
        unique.setdefault((note.hit.doc_id, note.hit.start, note.hit.end), note)
    queues: dict[str, list[Note]] = {}
    for note in unique.values():
        queues.setdefault(note.hit.doc_id, []).append(note)
    budget = budget_tokens * CHARS_PER_TOKEN
    picked: list[Note] = []
    size = 0
    for level in (3, 2, 1):
        rounds = [[n for n in q if n.importance == level] for q in queues.values()]
        for turn in range(max((len(r) for r in rounds), default=0)):
            for queue in rounds:
                if turn < len(queue):
                    cost = len(queue[turn].hit.text) + len(queue[turn].text) + 40
                    if size + cost <= budget:
                        picked.append(queue[turn])
                        size += cost
    return picked


def llm_briefing(
    client: openai.OpenAI,
    model: str,
    corpus: Corpus,
    pool: Pool,
    topic: str | None,
    words: int,
    on_notice: Callable[[str], None],
    map_tokens: int | None = None,
    reduce_tokens: int | None = None,
) -> Draft:
    """Map over the pool's articles, reduce within the budget, and verify every citation."""
    notes: list[Note] = []
    unverified = 0
    batches = map_batches(corpus, pool.articles, map_tokens or MAP_TOKENS)
    for n, batch in enumerate(batches, start=1):
        if len(batches) > 1:
            on_notice(f"Reading articles: part {n} of {len(batches)}…")
        found, bad = map_notes(client, model, batch, topic, corpus.article_text)
        notes += found
        unverified += bad
    if unverified:
        on_notice(f"{unverified} note(s) left out: their quotes were not found in the articles.")
    kept = budget_notes(notes, reduce_tokens or REDUCE_TOKENS)
    if not kept:
        return Draft()
    hits = [n.hit for n in kept]
    system, user = load_prompt(REDUCE_PROMPT).render_messages(
        passages=render_passages(hits),
        notes="\n".join(
            f"P{i} (importance {n.importance}): {' '.join(n.text.split())}"
            for i, n in enumerate(kept, start=1)
        ),
        topic=topic or NO_TOPIC,
        outlets=", ".join(pool.outlets),
        words=words,
    )
    reply = complete_json(client, model, system, user)
    outlets = {outlet_key(a) for a in pool.articles}
    draft = _verify(reply, hits, corpus.article_text, words, outlets, pool)
    failed = draft.unsupported()
    if not failed or not corpus.settings.repair:
        return draft
    # One repair round, as for answers: the model sees its reply and each failed sentence's problems.
    asked = load_prompt(BRIEFING_REPAIR_PROMPT).render(
        problems="\n".join(f'- "{s.text}": {"; ".join(s.problems)}' for s in failed)
    )
    try:
        second_reply = complete_json(
            client, model, system, user, [(json.dumps(reply, ensure_ascii=False), asked)]
        )
    except LLMError:
        on_notice(
            f"{len(failed)} briefing sentence(s) not supported by their citations; the repair request failed."
        )
        return draft
    second = _verify(second_reply, hits, corpus.article_text, words, outlets, pool)
    better = second.statements and len(second.unsupported()) < len(failed)
    on_notice(
        f"{len(failed)} briefing sentence(s) not supported by their citations; asked the model once to "
        + (
            "correct them: kept the corrected briefing."
            if better
            else "correct them: the reply was no better."
        )
    )
    return second if better else draft


def _citations(raw: object, hits: Sequence[Hit], article_text: Callable[[str], str]) -> tuple[Citation, ...]:
    found: list[Citation] = []
    for item in _items(raw):
        quote = item.get("quote", item.get("text"))
        if isinstance(quote, str):
            citation = resolve(quote, hits, _str(item.get("source", item.get("passage"))), article_text)
            if citation not in found:
                found.append(citation)
    return tuple(found)


def _verify(
    reply: dict[str, Any],
    hits: Sequence[Hit],
    article_text: Callable[[str], str],
    words: int,
    outlets: set[str],
    pool: Pool,
) -> Draft:
    draft = Draft()
    used = 0
    for item in _items(reply.get("sentences")):
        text = " ".join(str(item.get("text") or "").split())
        if not text:
            continue
        citations = _citations(item.get("citations"), hits, article_text)
        if not any(c.verified for c in citations):
            draft.dropped.append(Dropped(text, citations, "no citation verified"))
            continue
        if used + len(text.split()) > words * 1.25:  # the model overshot the length asked for
            break
        section = " ".join(str(item.get("section") or "").split()) or WHAT_HAPPENED
        claim = check_statement(text, citations, article_text)
        draft.statements.append(Statement(text, citations, False, section, claim.supported, claim.problems))
        used += len(text.split())
    for item in _items(reply.get("differences")):
        text = " ".join(str(item.get("text") or "").split())
        if not text:
            continue
        citations = _citations(item.get("citations"), hits, article_text)
        sides = {c.outlet or c.doc_id for c in citations if c.verified}
        why = _one_sided(text, sides, pool) if len(sides) == 1 and len(outlets) > 1 else None
        if why is None and (len(sides) < 2 or len(outlets) < 2):
            why = "a difference needs verified citations from two outlets"
        if why and why != _ONLY_ONE:
            draft.dropped.append(Dropped(text, citations, why))
            continue
        draft.differences.append(Difference(text, citations, "model"))
    return draft
