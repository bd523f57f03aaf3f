"""The extractive reader answers the seeds' simple factual questions with exact, verified quotes."""

from __future__ import annotations

import pytest

from qa.answer.ask import ask
from qa.answer.extractive import ExtractiveReader
from qa.index.corpus import Corpus
from qa.prompts import NOT_FOUND_ANSWER


@pytest.mark.parametrize(
    "question, expected",
    [
        ("How many lawmakers attended the session?", "168"),
        ("How many US troops remain in Iraq?", "5,000"),
        ("Who called the resolution a weak response?", "Sadr"),
        ("Which militia announced its readiness to join the alliance Sadr called for?", "Nujaba"),
        ("Who is Canada's defence minister?", "Harjit Sajjan"),
        ("Is the resolution binding on the government?", "non-binding"),
    ],
)
def test_answers_seed_questions_with_verified_citations(seed_corpus: Corpus, question: str, expected: str):
    answer = ask(seed_corpus, question, ExtractiveReader(seed_corpus.embedder), k=6)
    assert answer.status == "answered"
    assert expected in answer.text
    assert answer.citations and all(c.verified for c in answer.citations)
    for citation in answer.citations:
        assert seed_corpus.article_text(citation.doc_id)[citation.start : citation.end] == citation.quote
        assert f"{citation.quote} [" in answer.text


def test_question_with_nothing_relevant_is_not_found(seed_corpus: Corpus):
    answer = ask(
        seed_corpus,
        "What is the name of the speaker of the Iraqi parliament?",
        ExtractiveReader(seed_corpus.embedder),
        k=6,
    )
    assert answer.status == "not_found" and answer.text == NOT_FOUND_ANSWER and answer.citations == ()
