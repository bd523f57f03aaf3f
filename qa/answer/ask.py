"""Asking: retrieve passages, choose a reader, and return an Answer whose citations are resolved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from qa.answer.extractive import ExtractiveReader
from qa.answer.llm import LLMReader
from qa.index.corpus import Corpus
from qa.index.search import search
from qa.types import Answer, Hit

NO_LLM_NOTICE = (
    "No LLM is configured (OPENAI_API_KEY / OPENAI_BASE_URL unset): answering with the extractive reader, "
    "which quotes the best-matching sentences."
)


class Reader(Protocol):
    """Anything that turns a question and retrieved passages into an Answer."""

    backend: str

    def answer(self, question: str, hits: Sequence[Hit], article_text: Callable[[str], str]) -> Answer:
        """Answer from the passages only."""
        ...


def make_reader(corpus: Corpus, offline: bool, on_notice: Callable[[str], None]) -> Reader:
    """The LLM reader when one is configured and not ``offline``, else the extractive reader (said aloud)."""
    if not offline and corpus.settings.llm_configured:
        return LLMReader(corpus.settings)
    if not offline:
        on_notice(NO_LLM_NOTICE)
    return ExtractiveReader(corpus.embedder)


def ask(corpus: Corpus, question: str, reader: Reader, k: int) -> Answer:
    """Answer ``question`` from the k best passages of the index."""
    hits = search(corpus, question, k)
    return reader.answer(question, hits, corpus.article_text)
