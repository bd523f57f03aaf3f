"""`qa show`: a cited span in the sentence(s) around it, so any citation can be checked by eye."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qa.errors import SpanError
from qa.index.corpus import Corpus
from qa.text import line_spans, split_sentences

_REF = re.compile(r"^(?P<doc>[^:\s]+):(?P<start>\d+)-(?P<end>\d+)$")


@dataclass(frozen=True)
class SpanView:
    """A span and the sentences that contain it.

    ``start``/``end`` count Unicode code points of the stored text (Python string indices);
    ``byte_start``/``byte_end`` are the same span in bytes of that text encoded as UTF-8.
    """

    doc_id: str
    start: int
    end: int
    text: str
    context_start: int
    context_end: int
    context: str
    title: str
    outlet: str
    source: str
    byte_start: int = 0
    byte_end: int = 0


def byte_offset(text: str, offset: int) -> int:
    """The UTF-8 byte offset of a code-point offset into ``text``."""
    # surrogatepass: a JSONL "\ud800" escape leaves a lone surrogate in the text, which still has a length.
    return len(text[:offset].encode("utf-8", "surrogatepass"))


def parse_ref(ref: str) -> tuple[str, int, int]:
    """Split `DOC_ID:START-END` into its parts."""
    match = _REF.match(ref.strip())
    if not match:
        raise SpanError(
            f"{ref!r} is not a span reference; expected DOC_ID:START-END, e.g. 001_459249e74de3275c:120-180."
        )
    return match["doc"], int(match["start"]), int(match["end"])


def show(corpus: Corpus, ref: str) -> SpanView:
    """Look up a span and widen it to whole sentences."""
    doc_id, start, end = parse_ref(ref)
    article = corpus.store.article(doc_id)
    if article is None:
        raise SpanError(f"No article {doc_id!r} in the index; `qa sources` lists them.")
    if start >= end:
        raise SpanError(f"Span {start}-{end} is empty: START must be below END.")
    if end > len(article.text):
        raise SpanError(
            f"Span {start}-{end} is outside {doc_id}, whose text has {len(article.text)} characters."
        )
    line_start = article.text.rfind("\n", 0, start) + 1
    line_end = article.text.find("\n", end)
    line_end = len(article.text) if line_end < 0 else line_end
    around = [(s, e) for s, e in split_sentences(article.text, line_start, line_end) if s < end and e > start]
    c_start = min([start, *(s for s, _ in around)])
    c_end = max([end, *(e for _, e in around)])
    return SpanView(
        doc_id,
        start,
        end,
        article.text[start:end],
        c_start,
        c_end,
        article.text[c_start:c_end],
        article.title,
        article.outlet,
        article.source,
        byte_offset(article.text, start),
        byte_offset(article.text, end),
    )


@dataclass(frozen=True)
class ArticleView:
    """A whole article as indexed: its text, the spans its chunks cover, and the lines they leave out."""

    doc_id: str
    source: str
    url: str
    title: str
    outlet: str
    published: str
    text: str
    chunks: tuple[tuple[int, int], ...]
    left_out: tuple[tuple[int, int], ...]  # lines with text that no chunk covers (front matter, furniture)


def show_article(corpus: Corpus, doc_id: str) -> ArticleView:
    """An article with what of it can be found and cited (its chunks) and what cannot."""
    article = corpus.store.article(doc_id)
    if article is None:
        raise SpanError(f"No article {doc_id!r} in the index; `qa sources` lists them.")
    spans = tuple(sorted((c.start, c.end) for c in corpus.store.doc_chunks([doc_id])))
    return ArticleView(
        article.doc_id,
        article.source,
        article.url,
        article.title,
        article.outlet,
        article.published,
        article.text,
        spans,
        tuple(uncovered_lines(article.text, spans)),
    )


def article_views(corpus: Corpus, doc_ids: Iterable[str]) -> dict[str, ArticleView]:
    """Each named article as :func:`show_article` gives it, once each (an id not in the index is left out)."""
    views = {}
    for doc_id in dict.fromkeys(doc_ids):
        try:
            views[doc_id] = show_article(corpus, doc_id)
        except SpanError:
            continue  # removed since it was cited, by another process: the page lists its quote only
    return views


def uncovered_lines(text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """The (start, end) of each line with text that is not wholly inside the union of ``spans``."""
    covered: list[tuple[int, int]] = []
    for start, end in spans:  # sorted: merge into a disjoint union
        if covered and start <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(covered[-1][1], end))
        else:
            covered.append((start, end))
    return [
        (start, end)
        for start, end in line_spans(text, strip=True)
        if start < end and not any(s <= start and end <= e for s, e in covered)
    ]
