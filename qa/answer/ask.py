"""Asking: retrieve passages, choose a reader, and return an Answer whose citations are resolved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from qa.answer.extractive import ExtractiveReader
from qa.answer.judge import Judge
from qa.answer.llm import LLMReader
from qa.errors import ConfigError
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


def make_judge(corpus: Corpus) -> Judge:
    """The model judge of ``qa ask --judge``; it needs an LLM endpoint."""
    if not corpus.settings.llm_configured:
        raise ConfigError("--judge needs an LLM endpoint: set OPENAI_API_KEY or OPENAI_BASE_URL.")
    return Judge(corpus.settings)


def ask(corpus: Corpus, question: str, reader: Reader, k: int, judge: Judge | None = None) -> Answer:
    """Answer ``question`` from the k best passages of the index; the judge, if given, reads every claim."""
    hits = search(corpus, question, k)
    answer = reader.answer(question, hits, corpus.article_text)
    return judge.judge(answer, corpus.article_text) if judge is not None else answer
