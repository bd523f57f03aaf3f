"""Frozen value types passed between qa's layers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Status = Literal["answered", "not_found"]
# A model judge's reading of a claim against its cited text (qa ask --judge).
Verdict = Literal["entailed", "contradicted", "neutral"]


@dataclass(frozen=True)
class ArticleMeta:
    """What names an article wherever it is listed: its id, its source, and who published it."""

    doc_id: str
    source: str
    title: str
    outlet: str
    published: str
    url: str


@dataclass(frozen=True)
class Article(ArticleMeta):
    """One source document; every offset in qa refers to ``text``."""

    text: str
    sha256: str
    # Offset where the body starts: front matter is excluded by offset, never cut out.
    body_start: int = 0
    # Where the article came from: the resolved file path, plus ":LINE" for a JSONL line.
    # Two articles are from the same source when their files (or their URLs) are the same.
    origin: str = ""
    # True when the doc_id was given (front matter, sidecar or JSONL "id"), not derived from the path.
    id_given: bool = False
    authors: str = ""  # as the page or the metadata names them, comma-separated
    language: str = ""  # the primary language subtag the page declares ("en", "ja"), when it does
    # Spans of ``text`` that are page furniture, found from an HTML page's structure and left out of
    # the chunks by offset; None for plain text, whose furniture the line rules find.
    left_out: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True)
class Snapshot:
    """A fetched page as it was served, kept in the index so that it can be extracted again offline."""

    url: str  # as the user gave it
    final_url: str  # after redirects
    fetched_at: str  # ISO 8601, UTC
    status: int
    content_type: str
    charset: str
    etag: str
    last_modified: str
    body: bytes  # the bytes as served (after Content-Encoding), before any decoding


@dataclass(frozen=True)
class Chunk:
    """A retrievable span of an article: ``article.text[start:end] == text``."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A chunk returned by search, with the article metadata a reader needs."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    outlet: str
    start: int
    end: int
    text: str
    score: float

    @classmethod
    def span(cls, article: Article, start: int, end: int, score: float = 0.0, chunk_id: str = "") -> Hit:
        """A hit on ``article.text[start:end]``; its id is ``DOC_ID:START-END`` unless a chunk id is given."""
        return cls(
            chunk_id=chunk_id or f"{article.doc_id}:{start}-{end}",
            doc_id=article.doc_id,
            source=article.source,
            title=article.title,
            outlet=article.outlet,
            start=start,
            end=end,
            text=article.text[start:end],
            score=score,
        )

    def narrowed(self, article_text: str, start: int, end: int) -> Hit:
        """The same article's span ``article_text[start:end]`` instead of this hit's, unscored."""
        return replace(
            self,
            chunk_id=f"{self.doc_id}:{start}-{end}",
            start=start,
            end=end,
            text=article_text[start:end],
            score=0.0,
        )


@dataclass(frozen=True)
class Citation:
    """A quote tied to an article span; ``verified`` only if the span's text equals the quote."""

    doc_id: str
    start: int | None
    end: int | None
    quote: str
    verified: bool
    source: str = ""
    title: str = ""
    outlet: str = ""
    # The phrase inside the span that answers the question (offsets in the article), when a reader knows it.
    answer_span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Claim:
    """One claim of an answer (a sentence, or a clause joined by ";") and what its check found.

    ``supported`` is True when every figure, date, name, quoted word and speaker of the claim is in the
    text its citations point at (see :mod:`qa.answer.claims`); ``problems`` says, one plain line each,
    what is not.
    """

    text: str
    start: int  # offsets in the answer's text
    end: int
    citations: tuple[int, ...]  # the 1-based numbers of its [n] markers, into Answer.citations
    supported: bool
    problems: tuple[str, ...] = ()
    # Figures the claim works out from the cited text rather than quotes, with the arithmetic found.
    derived: tuple[str, ...] = ()
    # The cited numbers whose text, on its own, backs something the claim says.
    supporting: tuple[int, ...] = ()
    # False for a connecting sentence with nothing to check: no figure, name, date or quoted words.
    checked: bool = True
    judge: Verdict | None = None  # set only by the optional model judge


@dataclass(frozen=True)
class Answer:
    """A reader's answer to a question, with its citations, its checked claims and the passages it saw."""

    question: str
    status: Status
    text: str
    citations: tuple[Citation, ...]
    backend: str
    retrieved: tuple[Hit, ...] = field(default_factory=tuple)
    claims: tuple[Claim, ...] = field(default_factory=tuple)
    # (unsupported claims before, after) when the reader asked the model once to correct failed claims;
    # "after" is lower only when the corrected reply was kept.
    repair: tuple[int, int] | None = None

    @property
    def supported(self) -> bool:
        """True only when every claim of the answer is supported by what it cites."""
        return all(c.supported for c in self.claims)


@dataclass(frozen=True)
class SourceInfo(ArticleMeta):
    """What ``qa sources`` reports for one indexed article."""

    chunks: int
    chars: int
    sha256: str
