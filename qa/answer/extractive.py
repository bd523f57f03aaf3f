"""The extractive reader: no model, answers with the retrieved sentences that best fit the question."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from qa.answer.answers import answer_span, content_stems
from qa.answer.citations import resolve
from qa.answer.claims import check_claims
from qa.answer.question import QuestionFocus, analyse, matches
from qa.index.embedding import Embedder
from qa.prompts import NOT_FOUND_ANSWER
from qa.text import split_sentences, terms
from qa.types import Answer, Hit

# Weights of the sentence ranking, set on eval/questions.jsonl (see eval/README.md).
W_DENSE, W_LEXICAL, W_RANK = 0.5, 0.4, 0.05
SECOND_SENTENCE_WITHIN = 0.93
DENSE_SHORTLIST = 8


@dataclass(frozen=True)
class Candidate:
    """A sentence inside a retrieved passage, scored against the question."""

    hit_index: int
    start: int
    end: int
    text: str
    score: float


def candidates(hits: Sequence[Hit], article_text: Callable[[str], str]) -> list[tuple[int, int, int, str]]:
    """(hit index, start, end, text) for each distinct sentence inside the retrieved passages."""
    seen: set[tuple[str, int]] = set()
    out: list[tuple[int, int, int, str]] = []
    for i, hit in enumerate(hits):
        text = article_text(hit.doc_id)
        for start, end in split_sentences(text, hit.start, hit.end):
            if (hit.doc_id, start) in seen or len(text[start:end].split()) < 4:
                continue
            seen.add((hit.doc_id, start))
            out.append((i, start, end, text[start:end]))
    return out


def score_sentences(
    question: str,
    sentences: Sequence[tuple[int, int, int, str]],
    embedder: Embedder,
    only: set[int] | None = None,
) -> list[Candidate]:
    """Score sentences by meaning, shared rare words and passage rank.

    With ``only``, just those sentences are ranked (word rarity is still counted over all of them).
    """
    if not sentences:
        return []
    q_terms = terms(question)
    sentence_terms = [terms(s[3]) for s in sentences]
    df = {t: sum(t in st for st in sentence_terms) for t in q_terms}
    idf = {t: math.log(1 + len(sentences) / (1 + df[t])) for t in q_terms}
    total = sum(idf.values()) or 1.0
    cheap = []
    for (hit_index, _, _, _), st in zip(sentences, sentence_terms, strict=True):
        lexical = sum(idf[t] for t in q_terms & st) / total
        cheap.append(W_LEXICAL * lexical + W_RANK / (1 + hit_index))
    # Embedding is the reader's only real cost: only a shortlist by the cheap signals pays for it.
    pool = range(len(sentences)) if only is None else sorted(only)
    shortlist = sorted(pool, key=lambda i: -cheap[i])[:DENSE_SHORTLIST]
    if not shortlist:
        return []
    vectors = embedder.embed([question, *(sentences[i][3] for i in shortlist)])
    scored = []
    for i, similarity in zip(shortlist, vectors[1:] @ vectors[0], strict=True):
        hit_index, start, end, text = sentences[i]
        scored.append(Candidate(hit_index, start, end, text, cheap[i] + W_DENSE * float(similarity)))
    return sorted(scored, key=lambda c: -c.score)


# Share of the question's focus (idf-weighted stems) a sentence and its neighbours must cover to answer.
# Set on the dev half of the question sets (eval/REPORT.md); not fitted per question.
COVER_AT = 0.8
# Below COVER_AT but at least COVER_LOW, a sentence still answers when its meaning is this close
# (MiniLM cosine): a paraphrase shares fewer words.
COVER_LOW, SIMILAR_AT = 0.5, 0.6
# A question naming this many names may have one of them missing from the answering sentence's context.
NAMES_SPARED_FROM = 3


@dataclass(frozen=True)
class Answering:
    """A candidate sentence that answers: where its answering phrase is, and how much focus it covers."""

    index: int  # into the candidates
    span: tuple[int, int] | None  # the answering phrase, offsets in the sentence (None: the whole of it)
    coverage: float


def answering(
    question: str,
    focus: QuestionFocus,
    sentences: Sequence[tuple[int, int, int, str]],
    hits: Sequence[Hit],
    embedder: Embedder | None = None,
) -> list[Answering]:
    """The candidates that cover the question's focus and hold an answer of the asked kind."""
    stems = [content_stems(s[3]) for s in sentences]
    titles = [content_stems(h.title) for h in hits]
    # The outlet's own name can say where the story is ("The South African").
    passage_stems = [content_stems(f"{h.text} {h.outlet}") | t for h, t in zip(hits, titles, strict=True)]
    # A sentence's immediate context: its neighbours in the same passage ("He said ...") and the title.
    context = [
        stems[i]
        | titles[sentences[i][0]]
        | (stems[i - 1] if i > 0 and sentences[i - 1][0] == sentences[i][0] else set())
        | (stems[i + 1] if i + 1 < len(sentences) and sentences[i + 1][0] == sentences[i][0] else set())
        for i in range(len(sentences))
    ]
    focus_terms = sorted(focus.focus)
    df = {t: sum(matches(t, c) for c in stems) for t in focus_terms}
    idf = {t: math.log(1 + len(sentences) / (1 + df[t])) for t in focus_terms}
    total = sum(idf.values())
    # A name in the question must be there: its last word at least ("Sajjan" for "Harjit Sajjan").
    # "Islamic State (Daesh)": either name will do.
    names = [
        [stem_ for alt in name.split(" / ") for stem_ in sorted(content_stems(alt.split()[-1]))[:1]]
        for name in focus.names
    ]
    names = [group for group in names if group]
    hint = focus.outlet_hint.lower()
    wanted_hits = {i for i, h in enumerate(hits) if hint and hint in h.outlet.lower()} or set(
        range(len(hits))
    )
    absent = {t for t in focus_terms if not any(matches(t, p) for p in passage_stems)}
    out: list[Answering] = []
    maybe: list[Answering] = []  # covering less of the focus in words: kept only if close in meaning (below)
    for i, (hit_index, _, _, text) in enumerate(sentences):
        if hit_index not in wanted_hits:
            continue
        covered = sum(idf[t] for t in focus_terms if matches(t, context[i]))
        coverage = covered / total if total else 0.0
        # Names are the story's, so the whole passage (and its title) may hold them, not only the sentence.
        named = sum(any(matches(t, passage_stems[hit_index]) for t in group) for group in names)
        # Every name of the question, or all but one of three or more ("... envoy, in Tokyo").
        if named < len(names) - (len(names) >= NAMES_SPARED_FROM):
            continue
        if not any(matches(t, stems[i]) for t in focus_terms):
            continue  # its neighbours cover the focus, but the sentence itself says nothing of it
        span = answer_span(text, focus)
        if span is None:
            continue
        if focus.counted and absent and _counts_the_noun(text, span, focus):
            # "168 lawmakers present" for "how many lawmakers attended": the counted noun stands by the
            # number, and a verb that no retrieved passage uses is likely paraphrased: not held against it.
            spared = total - sum(idf[t] for t in absent)
            coverage = covered / spared if spared else coverage
        if coverage < COVER_LOW:
            continue
        found = Answering(i, None if span == (0, len(text)) else span, coverage)
        (out if coverage >= COVER_AT else maybe).append(found)
    if maybe and embedder is not None:
        # A paraphrase ("attendance" for "lawmakers present") shares fewer words but keeps the meaning.
        vectors = embedder.embed([question, *(sentences[a.index][3] for a in maybe)])
        out += [a for a, sim in zip(maybe, vectors[1:] @ vectors[0], strict=True) if float(sim) >= SIMILAR_AT]
    return out


def _counts_the_noun(text: str, span: tuple[int, int], focus: QuestionFocus) -> bool:
    """Whether an answering span is a count with the question's counted noun in it ("168 lawmakers")."""
    return matches(focus.counted[-1], content_stems(text[span[0] : span[1]]))


class ExtractiveReader:
    """Answers with the retrieved sentence that answers the question, quoted exactly, or says not_found."""

    backend = "extractive"

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def answer(self, question: str, hits: Sequence[Hit], article_text: Callable[[str], str]) -> Answer:
        """The best sentence that covers the question's focus with an answer of the asked kind, plus one
        from another article that answers too; not_found when none does."""
        hits = tuple(hits)
        focus = analyse(question)
        sentences = candidates(hits, article_text)
        found = {a.index: a for a in answering(question, focus, sentences, hits, self.embedder)}
        ranked = score_sentences(question, sentences, self.embedder, set(found))
        if not ranked:
            return Answer(question, "not_found", NOT_FOUND_ANSWER, (), self.backend, hits)
        by_start = {(sentences[i][0], sentences[i][1]): i for i in found}
        chosen = [ranked[0]]
        first_doc = hits[ranked[0].hit_index].doc_id
        for other in ranked[1:]:
            if other.score < SECOND_SENTENCE_WITHIN * ranked[0].score:
                break
            if hits[other.hit_index].doc_id != first_doc:
                chosen.append(other)  # corroboration from a second article
                break
        citations = []
        for c in chosen:
            citation = resolve(c.text, hits, f"P{c.hit_index + 1}", article_text)
            span = found[by_start[(c.hit_index, c.start)]].span
            if span is not None and citation.verified and citation.start is not None:
                citation = replace(citation, answer_span=(citation.start + span[0], citation.start + span[1]))
            citations.append(citation)
        text = " ".join(f"{c.text} [{n}]" for n, c in enumerate(chosen, start=1))
        # Its claims are its quotes: the same check as a model's answer, which they must pass.
        claims = check_claims(text, citations, article_text)
        return Answer(question, "answered", text, tuple(citations), self.backend, hits, claims)
