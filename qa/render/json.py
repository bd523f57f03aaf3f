"""The JSON documents of the CLI contract (`--json`), documented in the README."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from qa.briefing.model import Briefing, Selection, Story
from qa.config import Backend, SettingOrigin
from qa.render.common import CitationNumbers
from qa.types import Answer, Citation, Claim, Hit, SourceInfo

if TYPE_CHECKING:
    from qa.answer.spans import ArticleView


def hit_json(hit: Hit) -> dict[str, Any]:
    """A search hit as in the contract (no internal chunk id)."""
    data = asdict(hit)
    data.pop("chunk_id")
    return data


def citation_json(number: int, citation: Citation) -> dict[str, Any]:
    """A citation as in the contract, numbered like its [n] marker."""
    return {"id": number, **asdict(citation)}


def claim_json(claim: Claim) -> dict[str, Any]:
    """A claim as in the contract: offsets in the answer, the [n] it cites, and what its check found."""
    data: dict[str, Any] = {
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "citations": list(claim.citations),
        "supported": claim.supported,
        "problems": list(claim.problems),
        "derived": list(claim.derived),
        "checked": claim.checked,
    }
    if claim.judge is not None:
        data["judge"] = claim.judge
    return data


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `qa ask --json` document."""
    return {
        "question": answer.question,
        "status": answer.status,
        "answer": answer.text,
        "supported": answer.supported,
        "claims": [claim_json(c) for c in answer.claims],
        "citations": [citation_json(n, c) for n, c in enumerate(answer.citations, start=1)],
        "backend": answer.backend,
        "retrieved": [hit_json(h) for h in answer.retrieved],
    }


def search_json(query: str, hits: Sequence[Hit]) -> dict[str, Any]:
    """The `qa search --json` document."""
    return {"query": query, "hits": [hit_json(h) for h in hits]}


def sources_json(sources: Sequence[SourceInfo]) -> dict[str, Any]:
    """The `qa sources --json` document."""
    return {"sources": [asdict(s) for s in sources], "count": len(sources)}


def briefing_json(b: Briefing) -> dict[str, Any]:
    """The `qa summarize --json` document; citations are numbered once for the whole briefing."""
    numbers = CitationNumbers()

    def cited(citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
        return [citation_json(numbers(c), c) for c in citations]

    return {
        "topic": b.topic,
        "backend": b.backend,
        "sentences": [
            {
                "text": s.text,
                "citations": cited(s.citations),
                "single_outlet": s.single_outlet,
                "section": s.section,
                "supported": s.supported,
                "problems": list(s.problems),
                "times": [{"word": word, "means": means} for word, means in s.times],
            }
            for s in b.sentences
        ],
        "differences": [
            {"text": d.text, "citations": cited(d.citations), "kind": d.kind} for d in b.differences
        ],
        "loaded_terms": [
            {
                "term": f.term,
                "category": f.category,
                "plain": f.plain,
                "where": f.where,
                "index": f.index,
                "start": f.start,
                "end": f.end,
            }
            for f in b.loaded_terms
        ],
        "outlets": [{"outlet": o.outlet, "doc_ids": list(o.doc_ids), "cited": o.cited} for o in b.outlets],
        "dropped": [{"text": d.text, "citations": cited(d.citations), "reason": d.reason} for d in b.dropped],
        "selection": selection_json(b.selection) if b.selection is not None else None,
    }


def selection_json(selection: Selection) -> dict[str, Any]:
    """Which articles a briefing covers (``kept``), which it left out, and the index's stories."""
    return {
        "how": selection.how,
        "kept": [asdict(c) for c in selection.kept],
        "left_out": [asdict(c) for c in selection.left_out],
        "story": selection.story,
        "stories": stories_json(selection.stories),
    }


def stories_json(stories: Sequence[Story]) -> list[dict[str, Any]]:
    """The `qa stories --json` list."""
    return [{**asdict(s), "doc_ids": list(s.doc_ids), "outlets": list(s.outlets)} for s in stories]


def article_json(view: ArticleView) -> dict[str, Any]:
    """`qa show DOC_ID --json`: the article as indexed, with its chunks' spans and the lines left out."""
    return {
        "doc_id": view.doc_id,
        "source": view.source,
        "url": view.url,
        "title": view.title,
        "outlet": view.outlet,
        "published": view.published,
        "text": view.text,
        "chunks": [{"start": s, "end": e} for s, e in view.chunks],
        "left_out": [{"start": s, "end": e} for s, e in view.left_out],
    }


def config_json(origins: Sequence[SettingOrigin], chosen: Backend) -> dict[str, Any]:
    """``qa config --json``: every setting with its origin, and the backend they select."""
    settings = [{"name": o.env, "value": o.value, "origin": o.origin} for o in origins]
    return {"settings": settings, **asdict(chosen)}
