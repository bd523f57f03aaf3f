"""What every output format shares: how a source is named, citation numbers, a briefing's lines."""

from __future__ import annotations

from collections.abc import Callable

from qa.briefing.model import DIFFERENCES_TITLE, Briefing, Selection, Statement, Story
from qa.types import Citation

UNVERIFIED = "UNVERIFIED: quote not found in the passages shown"
UNSUPPORTED = "UNSUPPORTED"
# Marks an unsupported claim where it stands in the answer; the problems are listed underneath.
UNSUPPORTED_MARK = "[!]"


def source_label(outlet: str, title: str, doc_id: str) -> str:
    """How a source is named to the reader: "Outlet — Title", or the doc_id when both are empty."""
    return " — ".join(p for p in (outlet, title) if p) or doc_id


def span_ref(c: Citation) -> str:
    """``DOC_ID:START-END`` for a located citation, else what is known of its passage."""
    return f"{c.doc_id}:{c.start}-{c.end}" if c.start is not None else (c.doc_id or "unknown passage")


class CitationNumbers:
    """Numbers citations once for a whole document: the same span cited twice keeps its number."""

    def __init__(self) -> None:
        self.ids: dict[Citation, int] = {}

    def __call__(self, citation: Citation) -> int:
        return self.ids.setdefault(citation, len(self.ids) + 1)

    def marks(self, citations: tuple[Citation, ...]) -> str:
        """The ``[n][m]`` markers of some citations."""
        return "".join(f"[{self(c)}]" for c in citations)


def _only(b: Briefing, i: int) -> str:
    s = b.sentences[i]
    outlet = next((c.outlet or c.doc_id for c in s.citations if c.verified), "")
    return f" (only {outlet})" if s.single_outlet else ""


def _times(s: Statement) -> str:
    """What its relative time words mean: " (“yesterday”: 2021-10-13)"."""
    return "".join(f" (“{word}”: {means})" for word, means in s.times)


def _flag_note(b: Briefing, where: str, index: int) -> str:
    terms = [f"“{f.term}”" for f in b.loaded_terms if f.where == where and f.index == index]
    return f" [unattributed: {', '.join(terms)}]" if terms else ""


def briefing_lines(b: Briefing, markdown: bool, citation: Callable[[int, Citation], str]) -> list[str]:
    """The briefing's lines: title, sources, sections, differences, dropped, then each citation."""
    numbers = CitationNumbers()
    h1, h2, bullet = ("# ", "## ", "- ") if markdown else ("", "", "  - ")
    title = f"Briefing: {b.topic}" if b.topic else "Briefing"
    outlets = ", ".join(o.outlet for o in b.outlets)
    em = "_" if markdown else ""
    lines = [f"{h1}{title}", "", f"{em}Sources: {outlets}. Written by: {b.backend}.{em}"]
    if b.selection is not None:
        lines += [f"{em}{line}{em}" for line in selection_lines(b.selection)]
    sections: dict[str, list[int]] = {}
    for i, s in enumerate(b.sentences):
        sections.setdefault(s.section, []).append(i)
    for section, items in sections.items():
        lines += ["", f"{h2}{section}", ""]
        for i in items:
            s = b.sentences[i]
            note = _flag_note(b, "sentences", i)
            lines.append(f"{bullet}{s.text} {numbers.marks(s.citations)}{_only(b, i)}{_times(s)}{note}")
    if b.differences:
        lines += ["", f"{h2}{DIFFERENCES_TITLE}", ""]
        for i, d in enumerate(b.differences):
            lines.append(f"{bullet}{d.text} {numbers.marks(d.citations)}{_flag_note(b, 'differences', i)}")
    if b.dropped:
        lines += ["", f"{h2}Left out (citations did not verify or do not support it)", ""]
        for dropped in b.dropped:
            lines.append(f"{bullet}{dropped.text} {numbers.marks(dropped.citations)} — {dropped.reason}")
    lines += ["", f"{h2}Citations", ""]
    lines += [citation(n, c) for c, n in numbers.ids.items()]
    return lines


def story_line(story: Story) -> str:
    """One story in a line: number, title, size, outlets and dates."""
    dates = story.first if story.first == story.last else f"{story.first} to {story.last}"
    more = f" and {len(story.outlets) - 4} more" if len(story.outlets) > 4 else ""
    outlets = ", ".join(story.outlets[:4]) + more
    when = f", {dates}" if dates else ""
    return f"{story.number}. “{story.title}” — {len(story.doc_ids)} article(s): {outlets}{when}"


def selection_lines(selection: Selection, shown: int = 5) -> list[str]:
    """What a briefing covers and what it left out, so that nothing is dropped silently."""
    if selection.how == "topic":
        out = [f"Matched the topic: {len(selection.kept)} article(s)."]
        if selection.left_out:
            named = "; ".join(
                f"{c.outlet} — “{c.title}”" + (f" ({c.relevance:.2f})" if c.relevance is not None else "")
                for c in selection.left_out[:shown]
            )
            more = f" and {len(selection.left_out) - shown} more" if len(selection.left_out) > shown else ""
            out.append(f"Left out as less about the topic: {named}{more}.")
        return out
    if selection.how == "story" and selection.story is not None:
        others = [s for s in selection.stories if s.number != selection.story]
        listed = "; ".join(f"{s.number}. “{s.title}” ({len(s.doc_ids)})" for s in others[:shown])
        more = f" and {len(others) - shown} more" if len(others) > shown else ""
        return [
            f"Story {selection.story} of the {len(selection.stories)} in the index. Others: {listed}{more}"
            " (`qa stories`; `qa summarize --story N`)."
        ]
    return []
