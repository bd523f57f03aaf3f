"""`qa show`: a cited span in the sentence(s) around it, so any citation can be checked by eye."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.errors import SpanError
from qa.index.corpus import Corpus
from qa.text import split_sentences

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
