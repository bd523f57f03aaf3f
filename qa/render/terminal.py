"""Plain terminal text for answers, hits, sources and briefings; untrusted text made safe to print."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from qa.briefing.model import Briefing
from qa.render.common import UNVERIFIED, briefing_lines, source_label, span_ref
from qa.types import Answer, Citation, Hit, SourceInfo

# Article text and file names are untrusted: control characters in them (terminal escape
# sequences, bells, carriage returns) are printed as visible \xNN, never sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
C1_CONTROL = re.compile(r"[\x7f-\x9f]")  # json.dumps escapes C0 controls itself, not these


def terminal_safe(text: str) -> str:
    """Show control characters as \\xNN (CRLF line ends become plain line ends)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\r\n", "\n"))


def citation_text(number: int, c: Citation) -> str:
    """One citation block: marker, outlet and title, span reference, and the quote."""
    head = f"[{number}] {source_label(c.outlet, c.title, c.doc_id)} ({span_ref(c)})"
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
        where = f"{h.doc_id}:{h.start}-{h.end}, score {h.score:.4f}"
        blocks.append(f"{n}. {source_label(h.outlet, h.title, h.doc_id)} ({where})\n   {snippet}")
    return "\n".join(blocks)


def sources_text(sources: Sequence[SourceInfo]) -> str:
    """One line per indexed article."""
    if not sources:
        return "The index is empty."
    rows = [
        f"{s.doc_id}  {s.outlet or '-'}  {s.published or '-'}  {s.chunks} chunks  {s.chars} chars  "
        f"{s.title or s.source}"
        for s in sources
    ]
    return "\n".join(rows) + f"\n{len(sources)} article(s)"


def briefing_text(b: Briefing) -> str:
    """The briefing as plain text, wrapped for a terminal."""
    out = []
    for line in briefing_lines(b, markdown=False, citation=citation_text):
        if line.startswith("  - "):
            out.append(textwrap.fill(line[4:], width=100, initial_indent="  - ", subsequent_indent="    "))
        else:
            out.append(line)
    return "\n".join(out).rstrip()
