"""A briefing as Markdown (`qa summarize --format md`)."""

from __future__ import annotations

from qa.briefing.model import Briefing
from qa.render.common import UNVERIFIED, briefing_lines, source_label, span_ref
from qa.types import Citation


def _citation_md(number: int, c: Citation) -> str:
    label = source_label(c.outlet, c.title, c.doc_id)
    where = f"`{span_ref(c)}`" if c.start is not None else span_ref(c)
    flag = "" if c.verified else f" **{UNVERIFIED}**"
    return f"{number}. {label} ({where}){flag}: “{c.quote}”"


def briefing_markdown(b: Briefing) -> str:
    """The briefing as Markdown: sections, [n] markers, then every citation with its span."""
    return "\n".join(briefing_lines(b, markdown=True, citation=_citation_md)).rstrip()
