"""Turn results into the JSON documents of the CLI contract, and into plain terminal text."""

from __future__ import annotations

import re
import textwrap
from dataclasses import asdict
from typing import Any, Sequence

from qa.types import Answer, Citation, Hit, SourceInfo

# Article text and file names are untrusted: control characters in them (terminal escape
# sequences, bells, carriage returns) are printed as visible \xNN, never sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
C1_CONTROL = re.compile(r"[\x7f-\x9f]")  # json.dumps escapes C0 controls itself, not these


def terminal_safe(text: str) -> str:
    """Show control characters as \\xNN (CRLF line ends become plain line ends)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\r\n", "\n"))


UNVERIFIED = "UNVERIFIED: quote not found in the passages shown"


def hit_json(hit: Hit) -> dict[str, Any]:
    """A search hit as in the contract (no internal chunk id)."""
    data = asdict(hit)
    data.pop("chunk_id")
    return data


def citation_json(number: int, citation: Citation) -> dict[str, Any]:
    """A citation as in the contract, numbered like its [n] marker."""
    return {"id": number, **asdict(citation)}


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `qa ask --json` document."""
    return {
        "question": answer.question,
        "status": answer.status,
        "answer": answer.text,
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


def source_label(outlet: str, title: str, doc_id: str) -> str:
    """How a source is named to the reader: "Outlet — Title", or the doc_id when both are empty."""
    return " — ".join(p for p in (outlet, title) if p) or doc_id


def citation_text(number: int, c: Citation) -> str:
    """One citation block: marker, outlet and title, span reference, and the quote."""
    where = f"{c.doc_id}:{c.start}-{c.end}" if c.start is not None else (c.doc_id or "unknown passage")
    head = f"[{number}] {source_label(c.outlet, c.title, c.doc_id)} ({where})"
    flag = "" if c.verified else f"\n    {UNVERIFIED}"
    quote = textwrap.fill(f"“{c.quote}”", width=96, initial_indent="    ", subsequent_indent="    ")
    return f"{head}{flag}\n{quote}"


def answer_text(answer: Answer) -> str:
    """The answer with its [n] markers, then each citation underneath."""
    lines = [textwrap.fill(answer.text, width=100), ""]
    lines += [citation_text(n, c) for n, c in enumerate(answer.citations, start=1)]
    lines.append(f"\n(reader: {answer.backend}; {len(answer.retrieved)} passages retrieved)")
    return "\n".join(lines).rstrip()


def search_text(hits: Sequence[Hit]) -> str:
    """Ranked hits with their span references."""
    if not hits:
        return "No matching passages."
    blocks = []
    for n, h in enumerate(hits, start=1):
        snippet = textwrap.shorten(" ".join(h.text.split()), width=300, placeholder=" …")
        blocks.append(f"{n}. {source_label(h.outlet, h.title, h.doc_id)} ({h.doc_id}:{h.start}-{h.end}, score {h.score:.4f})\n   {snippet}")
    return "\n".join(blocks)


def sources_text(sources: Sequence[SourceInfo]) -> str:
    """One line per indexed article."""
    if not sources:
        return "The index is empty."
    rows = [f"{s.doc_id}  {s.outlet or '-'}  {s.published or '-'}  {s.chunks} chunks  {s.chars} chars  {s.title or s.source}" for s in sources]
    return "\n".join(rows) + f"\n{len(sources)} article(s)"
