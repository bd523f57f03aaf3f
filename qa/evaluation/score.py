"""Scoring ``qa eval`` answers, per question and overall.

* accuracy — answerable: answered and an accepted alias occurs in the answer text
  (:func:`qa.evaluation.questions.matches_alias`); unanswerable: ``not_found``. ``answerable_accuracy``
  is the same on the answerable questions alone.
* citation_validity — verified citations / all citations.
* citation_support — answered answerable questions with at least one verified citation
  overlapping a gold evidence span / answered answerable questions.
* recall_at_k, mrr — answerable questions with a gold evidence span lying wholly inside a
  retrieved chunk (reciprocal rank of the first such chunk for MRR).
* not_found_precision, not_found_recall — on ``not_found`` replies vs the unanswerable questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qa.evaluation.questions import Question, Span, matches_alias
from qa.types import Answer

# Metrics a threshold can gate on, in display order.
GATED = (
    "accuracy",
    "citation_validity",
    "citation_support",
    "recall_at_k",
    "mrr",
    "not_found_precision",
    "not_found_recall",
)
METRICS = ("accuracy", "answerable_accuracy", *GATED[1:])


@dataclass(frozen=True)
class QuestionResult:
    """How one reader did on one question."""

    id: str
    category: str
    answerable: bool
    question: str
    status: str  # answered, not_found, or error
    answer: str
    correct: bool
    citations: int
    verified: int
    supported: bool | None  # None unless an answerable question was answered
    rank: (
        int | None
    )  # 1-based rank of the first retrieved chunk holding gold evidence; 0 = none; None if unanswerable
    cited: tuple[dict[str, Any], ...] = ()


def score(question: Question, answer: Answer, spans: Sequence[Span]) -> QuestionResult:
    """Score one answer against the question's aliases and gold spans."""
    answered = answer.status == "answered"
    correct = (
        (answered and matches_alias(question.answers, answer.text))
        if question.answerable
        else answer.status == "not_found"
    )
    supported = None
    if question.answerable and answered:
        supported = any(
            c.verified
            and c.start is not None
            and c.end is not None
            and c.doc_id == d
            and c.start < e
            and s < c.end
            for c in answer.citations
            for d, s, e in spans
        )
    rank = None
    if question.answerable:
        rank = next(
            (
                n
                for n, h in enumerate(answer.retrieved, start=1)
                if any(h.doc_id == d and h.start <= s and e <= h.end for d, s, e in spans)
            ),
            0,
        )
    cited = tuple(
        {"doc_id": c.doc_id, "start": c.start, "end": c.end, "verified": c.verified, "quote": c.quote}
        for c in answer.citations
    )
    return QuestionResult(
        question.id,
        question.category,
        question.answerable,
        question.question,
        answer.status,
        answer.text,
        correct,
        len(answer.citations),
        sum(c.verified for c in answer.citations),
        supported,
        rank,
        cited,
    )


def error_result(question: Question, message: str) -> QuestionResult:
    """A question whose reader failed: an error, scored as wrong."""
    return QuestionResult(
        question.id,
        question.category,
        question.answerable,
        question.question,
        "error",
        message,
        False,
        0,
        0,
        False if question.answerable else None,
        None if not question.answerable else 0,
    )


@dataclass(frozen=True)
class Metric:
    """A ratio with its counts, so a reader of the report can see how many questions it rests on."""

    hits: float
    total: int

    @property
    def value(self) -> float | None:
        """hits / total, or None when nothing was counted."""
        return self.hits / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        value = self.value
        return {
            "value": None if value is None else round(value, 4),
            "hits": round(self.hits, 4),
            "total": self.total,
        }


def summarise(results: Sequence[QuestionResult]) -> dict[str, Metric]:
    """Overall metrics of one run."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    answered = [r for r in answerable if r.status == "answered"]
    said_not_found = [r for r in results if r.status == "not_found"]
    return {
        "accuracy": Metric(sum(r.correct for r in results), len(results)),
        "answerable_accuracy": Metric(sum(r.correct for r in answerable), len(answerable)),
        "citation_validity": Metric(sum(r.verified for r in results), sum(r.citations for r in results)),
        "citation_support": Metric(sum(bool(r.supported) for r in answered), len(answered)),
        "recall_at_k": Metric(sum(bool(r.rank) for r in answerable), len(answerable)),
        "mrr": Metric(sum(1 / r.rank for r in answerable if r.rank), len(answerable)),
        "not_found_precision": Metric(sum(not r.answerable for r in said_not_found), len(said_not_found)),
        "not_found_recall": Metric(sum(r.status == "not_found" for r in unanswerable), len(unanswerable)),
    }
