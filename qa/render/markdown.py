"""A briefing as the `qa summarize --json` document, as Markdown, or as plain terminal text.

Citations are numbered once for the whole briefing: the same span cited twice keeps its number.
"""

from __future__ import annotations

import textwrap
from typing import Any

from qa.briefing.summarize import DIFFERENCES_TITLE, Briefing
from qa.render.terminal import UNVERIFIED, citation_json, citation_text, source_label
from qa.types import Citation


class _Numbers:
    def __init__(self) -> None:
        self.ids: dict[Citation, int] = {}

    def __call__(self, citation: Citation) -> int:
        return self.ids.setdefault(citation, len(self.ids) + 1)


def _marks(numbers: _Numbers, citations: tuple[Citation, ...]) -> str:
    return "".join(f"[{numbers(c)}]" for c in citations)


def _cited(numbers: _Numbers, citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
    return [citation_json(numbers(c), c) for c in citations]


def briefing_json(b: Briefing) -> dict[str, Any]:
    """The `qa summarize --json` document (shape documented in the README)."""
    numbers = _Numbers()
    return {
        "topic": b.topic,
        "backend": b.backend,
        "sentences": [
            {"text": s.text, "citations": _cited(numbers, s.citations), "single_outlet": s.single_outlet, "section": s.section}
            for s in b.sentences
        ],
        "differences": [{"text": d.text, "citations": _cited(numbers, d.citations), "kind": d.kind} for d in b.differences],
        "loaded_terms": [
            {"term": f.term, "category": f.category, "plain": f.plain, "where": f.where, "index": f.index, "start": f.start, "end": f.end}
            for f in b.loaded_terms
        ],
        "outlets": [{"outlet": o.outlet, "doc_ids": list(o.doc_ids), "cited": o.cited} for o in b.outlets],
        "dropped": [{"text": d.text, "citations": _cited(numbers, d.citations), "reason": d.reason} for d in b.dropped],
    }


def _sections(b: Briefing) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(b.sentences):
        groups.setdefault(s.section, []).append(i)
    return groups


def _only(b: Briefing, i: int) -> str:
    s = b.sentences[i]
    outlet = next((c.outlet or c.doc_id for c in s.citations if c.verified), "")
    return f" (only {outlet})" if s.single_outlet else ""


def _flag_note(b: Briefing, where: str, index: int) -> str:
    terms = [f"“{f.term}”" for f in b.loaded_terms if f.where == where and f.index == index]
    return f" [unattributed: {', '.join(terms)}]" if terms else ""


def _lines(b: Briefing, markdown: bool) -> list[str]:
    numbers = _Numbers()
    h1, h2, bullet = ("# ", "## ", "- ") if markdown else ("", "", "  - ")
    title = f"Briefing: {b.topic}" if b.topic else "Briefing"
    outlets = ", ".join(o.outlet for o in b.outlets)
    lines = [f"{h1}{title}", "", f"{'_' if markdown else ''}Sources: {outlets}. Written by: {b.backend}.{'_' if markdown else ''}"]
    for section, items in _sections(b).items():
        lines += ["", f"{h2}{section}", ""]
        for i in items:
            s = b.sentences[i]
            lines.append(f"{bullet}{s.text} {_marks(numbers, s.citations)}{_only(b, i)}{_flag_note(b, 'sentences', i)}")
    if b.differences:
        lines += ["", f"{h2}{DIFFERENCES_TITLE}", ""]
        for i, d in enumerate(b.differences):
            lines.append(f"{bullet}{d.text} {_marks(numbers, d.citations)}{_flag_note(b, 'differences', i)}")
    if b.dropped:
        lines += ["", f"{h2}Left out (citations did not verify)", ""]
        for d in b.dropped:
            lines.append(f"{bullet}{d.text} {_marks(numbers, d.citations)} — {d.reason}")
    lines += ["", f"{h2}Citations", ""]
    for citation, n in numbers.ids.items():
        lines.append(_citation_md(n, citation) if markdown else citation_text(n, citation))
    return lines


def _citation_md(number: int, c: Citation) -> str:
    where = f"`{c.doc_id}:{c.start}-{c.end}`" if c.start is not None else (c.doc_id or "unknown passage")
    label = source_label(c.outlet, c.title, c.doc_id)
    flag = "" if c.verified else f" **{UNVERIFIED}**"
    return f"{number}. {label} ({where}){flag}: “{c.quote}”"


def briefing_markdown(b: Briefing) -> str:
    """The briefing as Markdown: sections, [n] markers, then every citation with its span."""
    return "\n".join(_lines(b, markdown=True)).rstrip()


def briefing_text(b: Briefing) -> str:
    """The briefing as plain text, wrapped for a terminal."""
    out = []
    for line in _lines(b, markdown=False):
        if line.startswith("  - "):
            out.append(textwrap.fill(line[4:], width=100, initial_indent="  - ", subsequent_indent="    "))
        else:
            out.append(line)
    return "\n".join(out).rstrip()
