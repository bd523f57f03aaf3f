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

Per claim (:class:`qa.types.Claim`, from the support check), over the answered questions' checked
claims (a connecting sentence with nothing to check is left out):

* supported_claims — supported claims / claims.
* uncited_claims — claims with no ``[n]`` marker / claims (the count is the metric's hits).
* citation_recall (ALCE) — claims that cite something and are supported by what they cite / claims.
* citation_precision (ALCE) — (claim, citation) attachments whose citation on its own backs
  something in the claim (the number is in ``Claim.supporting``) / attachments.

With planted faults (``qa eval --faults``), a fault is caught when a claim overlapping the planted
words is unsupported; faults_caught is caught / planted over the lexical kinds
(:data:`qa.evaluation.simulated.LEXICAL_FAULTS`), since a negation flip is not a lexical fault.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qa.evaluation.questions import Question, Span, matches_alias
from qa.evaluation.simulated import LEXICAL_FAULTS, Planted
from qa.types import Answer, Claim

# The metrics of one run, in display order.
METRICS = (
    "accuracy",
    "answerable_accuracy",
    "citation_validity",
    "citation_support",
    "recall_at_k",
    "mrr",
    "not_found_precision",
    "not_found_recall",
    "supported_claims",
    "uncited_claims",
    "citation_recall",
    "citation_precision",
)
# Metrics a threshold can gate on: the run's (higher is better) and, with --faults, faults_caught.
GATED = (*(m for m in METRICS if m not in ("answerable_accuracy", "uncited_claims")), "faults_caught")
# An answer's [n] citation markers: not words of the answer, so never matched against an alias.
_MARKERS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


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
    # Counts over the answer's checked claims (all 0 unless answered): see the module docstring.
    claims: int = 0
    claims_supported: int = 0
    claims_uncited: int = 0
    claims_cited_supported: int = 0
    attachments: int = 0
    attachments_supporting: int = 0
    unsupported: tuple[dict[str, Any], ...] = ()  # {"text", "problems"} of each unsupported claim
    # The fault the simulated model planted in this answer ("" for none), its wrong words, and
    # whether the check caught it (None when nothing was planted).
    fault: str = ""
    fault_words: str = ""
    caught: bool | None = None

    @property
    def claims_ok(self) -> bool | None:
        """True when every checked claim is supported, False when one is not, None with no checked claim."""
        return None if not self.claims else self.claims_supported == self.claims


def _caught(answer: Answer, planted: Planted) -> bool:
    """True when a claim holding the planted words is unsupported."""
    start, end = planted.start, planted.end
    if answer.text[start:end] != planted.wrong or start < 0:
        start = answer.text.find(planted.wrong)  # the reader reshaped the text: find the words again
        end = start + len(planted.wrong)
    unsupported = [c for c in answer.claims if not c.supported]
    if start < 0:
        return bool(unsupported)
    return any(c.start < end and start < c.end for c in unsupported)


def _claim_counts(claims: Sequence[Claim]) -> dict[str, Any]:
    checked = [c for c in claims if c.checked]
    return {
        "claims": len(checked),
        "claims_supported": sum(c.supported for c in checked),
        "claims_uncited": sum(not c.citations for c in checked),
        "claims_cited_supported": sum(bool(c.citations) and c.supported for c in checked),
        "attachments": sum(len(c.citations) for c in checked),
        "attachments_supporting": sum(n in c.supporting for c in checked for n in c.citations),
        "unsupported": tuple(
            {"text": c.text, "problems": list(c.problems)} for c in claims if not c.supported
        ),
    }


def score(
    question: Question, answer: Answer, spans: Sequence[Span], planted: Planted | None = None
) -> QuestionResult:
    """Score one answer against the question's aliases and gold spans (and the fault planted in it)."""
    answered = answer.status == "answered"
    correct = (
        (answered and matches_alias(question.answers, _MARKERS.sub("", answer.text)))
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
        **(_claim_counts(answer.claims) if answered else {}),
        fault=planted.kind if planted else "",
        fault_words=planted.wrong if planted else "",
        caught=_caught(answer, planted) if planted else None,
    )


def failure_reasons(result: QuestionResult) -> tuple[str, ...]:
    """Why a question counts against a metric: the answer first, then its citations, retrieval, claims.

    Empty for a question that counts for every metric it enters.
    """
    if result.status == "error":
        return (f"the reader failed: {result.answer}",)  # nothing else was scored
    reasons = []
    if result.answerable and result.status == "not_found":
        reasons.append("said not found, but the articles answer it")
    elif result.answerable and not result.correct:
        reasons.append("wrong answer: none of the expected answers is in it")
    elif not result.answerable and result.status == "answered":
        reasons.append("answered a question the articles do not answer")
    if result.verified < result.citations:
        reasons.append(f"{result.citations - result.verified} of {result.citations} citation(s) not verified")
    if result.supported is False:
        reasons.append("no verified citation overlaps the gold evidence")
    if result.rank == 0:
        reasons.append("no retrieved passage holds the gold evidence")
    if result.claims_ok is False:
        problems = "; ".join(p for c in result.unsupported for p in c["problems"]) or "unsupported"
        reasons.append(f"{result.claims - result.claims_supported} claim(s) not supported: {problems}")
    return tuple(reasons)


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
    claims = sum(r.claims for r in results)
    return {
        "accuracy": Metric(sum(r.correct for r in results), len(results)),
        "answerable_accuracy": Metric(sum(r.correct for r in answerable), len(answerable)),
        "citation_validity": Metric(sum(r.verified for r in results), sum(r.citations for r in results)),
        "citation_support": Metric(sum(bool(r.supported) for r in answered), len(answered)),
        "recall_at_k": Metric(sum(bool(r.rank) for r in answerable), len(answerable)),
        "mrr": Metric(sum(1 / r.rank for r in answerable if r.rank), len(answerable)),
        "not_found_precision": Metric(sum(not r.answerable for r in said_not_found), len(said_not_found)),
        "not_found_recall": Metric(sum(r.status == "not_found" for r in unanswerable), len(unanswerable)),
        "supported_claims": Metric(sum(r.claims_supported for r in results), claims),
        "uncited_claims": Metric(sum(r.claims_uncited for r in results), claims),
        "citation_recall": Metric(sum(r.claims_cited_supported for r in results), claims),
        "citation_precision": Metric(
            sum(r.attachments_supporting for r in results), sum(r.attachments for r in results)
        ),
    }


@dataclass(frozen=True)
class FaultCount:
    """How the support check did on one kind of planted fault."""

    kind: str
    planted: int
    caught: int
    answered: int  # answered questions: the faults it could have been planted in
    missed: tuple[QuestionResult, ...] = ()

    @property
    def lexical(self) -> bool:
        """True for the kinds the lexical check is meant to catch (not a negation flip)."""
        return self.kind in LEXICAL_FAULTS


def count_faults(kind: str, results: Sequence[QuestionResult]) -> FaultCount:
    """Planted and caught faults of one kind, over one run of the faulty simulated model."""
    planted = [r for r in results if r.fault == kind]
    return FaultCount(
        kind,
        len(planted),
        sum(bool(r.caught) for r in planted),
        sum(r.status == "answered" for r in results),
        tuple(r for r in planted if not r.caught),
    )


def faults_caught(counts: Mapping[str, FaultCount]) -> Metric:
    """Caught / planted over the lexical kinds."""
    lexical = [c for kind, c in counts.items() if kind in LEXICAL_FAULTS]
    return Metric(sum(c.caught for c in lexical), sum(c.planted for c in lexical))
