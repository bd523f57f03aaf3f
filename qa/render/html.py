"""Answers and briefings as one self-contained HTML page (``--format html``): each citation marker
links to its span, highlighted inside the whole article, and the outlets stand side by side.

The page loads nothing: its style and script are inline and allowed by hash in a Content-Security-
Policy that forbids every other load. Everything from an article (text, title, outlet, URL) is
escaped, by Jinja's autoescape in the template and by :func:`qa.render.highlight.wrap` in the text.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from qa import __version__
from qa.answer.claims import MARKER, marker_numbers, without_markers
from qa.briefing.model import DIFFERENCES_TITLE, Briefing
from qa.render.common import UNVERIFIED, CitationNumbers, selection_lines, source_label, span_ref
from qa.render.highlight import Layer, wrap
from qa.render.terminal import CLOSEST_SHOWN, NOT_AN_ANSWER
from qa.types import Answer, Citation

if TYPE_CHECKING:
    from jinja2 import Template

    from qa.answer.spans import ArticleView

LEFT_OUT_TITLE = "In no chunk: qa can neither find nor cite this line."
DROPPED_TITLE = "Left out (citations did not verify or do not support it)"
# Only these schemes become links: an article's URL comes from the web, and a javascript: or data:
# URL in it must stay text.
_LINKABLE = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One line of the report: a claim or sentence (its HTML, markers linked), with notes and problems."""

    html: Markup
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    id: str = ""
    back: str = ""  # the id of what it explains, for a link back


@dataclass(frozen=True)
class Section:
    """A heading and its items."""

    title: str
    items: tuple[Item, ...]
    id: str


@dataclass(frozen=True)
class CitationEntry:
    """A citation in the page's list: where it points, its quote, and whether it verified."""

    number: int
    citation: Citation
    label: str
    ref: str
    target: str  # the id of its highlighted span, "" when it has none in the page
    back: str  # the id of its first marker, "" when nothing in the report cites it


@dataclass(frozen=True)
class ArticleEntry:
    """A whole article with its cited spans highlighted and its left-out lines dimmed."""

    id: str
    view: ArticleView
    text: Markup
    href: str  # its URL when that is an http(s) link, else ""
    marks: int
    source: str  # where qa read it: the URL, or the file's name alone


@dataclass(frozen=True)
class OutletColumn:
    """One outlet's articles, a column of the page on a wide screen."""

    name: str
    articles: tuple[ArticleEntry, ...]


@dataclass
class _Span:
    """One highlighted span of an article and the citation numbers that point at it."""

    id: str
    doc_id: str
    start: int
    end: int
    numbers: list[int]


@dataclass
class _Links:
    """Ids on the page: one mark per cited span, one entry per citation number, one id per marker."""

    articles: Mapping[str, ArticleView]
    citations: dict[int, Citation] = field(default_factory=dict)
    spans: dict[tuple[str, int, int], _Span] = field(default_factory=dict)  # by (doc_id, start, end)
    span_of: dict[int, _Span] = field(default_factory=dict)  # number -> its span, when it has one
    markers: dict[int, int] = field(default_factory=dict)  # number -> markers rendered so far

    def add(self, number: int, citation: Citation) -> None:
        """Give a citation its number and, when it verified inside an article of the page, its mark."""
        if number in self.citations:
            return
        self.citations[number] = citation
        key = _span_key(citation, self.articles)
        if key is not None:
            span = self.spans.setdefault(key, _Span(f"span-{len(self.spans) + 1}", *key, []))
            span.numbers.append(number)
            self.span_of[number] = span

    def target(self, number: int) -> str:
        """The id a marker of this number links to: its span in the article, else its list entry."""
        span = self.span_of.get(number)
        return span.id if span is not None else f"cite-{number}"

    def marker(self, start: int, end: int, number: int) -> Layer:
        """The link over one ``[n]`` marker's characters, with an id of its own for back links."""
        seen = self.markers.get(number, 0) + 1
        self.markers[number] = seen
        c = self.citations[number]
        label = f"Citation {number}: {source_label(c.outlet, c.title, c.doc_id)}"
        return Layer(
            start,
            end,
            "a",
            classes="cite" if c.verified else "cite unverified",
            id=f"ref-{number}" if seen == 1 else f"ref-{number}-{seen}",
            attrs=(
                ("href", f"#{self.target(number)}"),
                ("aria-label", label if c.verified else label + ", unverified"),
            ),
        )

    def back(self, number: int) -> str:
        """The id of the first marker of this number, or "" when the report shows none."""
        return f"ref-{number}" if self.markers.get(number) else ""


def _span_key(c: Citation, articles: Mapping[str, ArticleView]) -> tuple[str, int, int] | None:
    view = articles.get(c.doc_id)
    if not c.verified or c.start is None or c.end is None or view is None:
        return None
    if not 0 <= c.start < c.end <= len(view.text) or view.text[c.start : c.end] != c.quote:
        return None  # the article changed since it was cited: show the quote, highlight nothing
    return (c.doc_id, c.start, c.end)


def _markers(text: str, links: _Links, since: int = 0, quoted: Sequence[str] = ()) -> list[Layer]:
    """A link over every ``[n]`` in ``text[since:]`` (over the digits of each number in ``[1, 3]``),
    except inside any of the ``quoted`` passages: a "[1, 2]" there is the article's own text."""
    inside = [(m.start(), m.end()) for q in quoted if q for m in re.finditer(re.escape(q), text)]
    layers = []
    for m in MARKER.finditer(text, since):
        if any(a <= m.start() and m.end() <= b for a, b in inside):
            continue
        digits = re.finditer(r"\d+", m.group())
        for number, d in zip(marker_numbers(m), digits, strict=True):
            if number in links.citations:
                if m.group() == f"[{number}]":
                    layers.append(links.marker(m.start(), m.end(), number))
                else:
                    layers.append(links.marker(m.start() + d.start(), m.start() + d.end(), number))
    return layers


def _back_links(numbers: Sequence[int], links: _Links) -> Markup:
    """After a span: one ``↩n`` link per citation of it, to its first marker (else its list entry)."""
    return Markup("").join(
        Markup('<a class="back" href="#{}" data-n="{}" aria-label="Back to citation {}"></a>').format(
            links.back(n) or f"cite-{n}", n, n
        )
        for n in numbers
    )


def _article(index: int, view: ArticleView, links: _Links) -> ArticleEntry:
    layers = [
        Layer(s, e, "span", classes="left-out", attrs=(("title", LEFT_OUT_TITLE),)) for s, e in view.left_out
    ]
    spans = [span for span in links.spans.values() if span.doc_id == view.doc_id]
    for span in spans:
        attrs = (
            ("data-doc", span.doc_id),
            ("data-cites", " ".join(map(str, span.numbers))),
            ("tabindex", "-1"),
        )
        after = _back_links(span.numbers, links)
        layers.append(
            Layer(span.start, span.end, "mark", id=span.id, attrs=attrs, offsets=True, rank=1, after=after)
        )
        # The phrase that answers the question, as each citation of the span found it.
        phrases = {links.citations[n].answer_span for n in span.numbers} - {None}
        layers += [
            Layer(a, b, "strong", classes="phrase", rank=2)
            for a, b in sorted(p for p in phrases if p is not None)
            if span.start <= a < b <= span.end
        ]
    href = view.url if _LINKABLE.match(view.url) else ""
    # A file is named by its name alone: a page is mailed and archived, its local path is no one's business.
    source = view.source if "://" in view.source else PurePath(view.source).name
    return ArticleEntry(f"doc-{index}", view, wrap(view.text, layers), href, len(spans), source)


def _columns(views: Sequence[ArticleView], links: _Links) -> tuple[OutletColumn, ...]:
    by_outlet: dict[str, list[ArticleEntry]] = {}
    for i, view in enumerate(views, start=1):
        by_outlet.setdefault(view.outlet or "Outlet not named", []).append(_article(i, view, links))
    return tuple(OutletColumn(name, tuple(entries)) for name, entries in by_outlet.items())


def _entries(links: _Links) -> tuple[CitationEntry, ...]:
    return tuple(
        CitationEntry(
            number,
            c,
            source_label(c.outlet, c.title, c.doc_id),
            span_ref(c),
            links.target(number) if number in links.span_of else "",
            links.back(number),
        )
        for number, c in sorted(links.citations.items())
    )


@cache
def _asset(name: str) -> str:
    return (resources.files("qa.render") / "page" / name).read_text(encoding="utf-8")


@cache
def _template() -> Template:
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(_asset("page.html"))


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(style: str, script: str) -> str:
    """Nothing loaded from anywhere; only the page's own style and script, named by their hashes."""
    return (
        f"default-src 'none'; style-src {_hash(style)}; script-src {_hash(script)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _page(kind: str, title: str, made_at: dt.datetime | None, **parts: Any) -> str:
    style, script = _asset("page.css"), _asset("page.js")
    when = (made_at or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    return _template().render(
        kind=kind,
        title=title,
        made=f"Made by qa {__version__} on {when}.",
        generator=f"qa {__version__}",
        style=Markup(style),
        script=Markup(script),
        csp=content_security_policy(style, script),
        unverified=UNVERIFIED.split(": ", 1)[1],  # the badge says UNVERIFIED
        **parts,
    )


def _claim_text(answer: Answer, links: _Links) -> tuple[Markup, tuple[Item, ...]]:
    """The answer's text, its markers linked and each unsupported claim marked; and those claims' notes."""
    layers = _markers(answer.text, links, quoted=[c.quote for c in answer.citations])
    problems = []
    for k, claim in enumerate(answer.claims, start=1):
        if claim.supported or claim.start >= claim.end:
            continue
        why = f"why-{k}"
        flag = Markup('<a class="flag" href="#{}" aria-label="Claim not supported: why">[!]</a>').format(why)
        layers.append(
            Layer(
                claim.start,
                claim.end,
                "span",
                classes="unsupported",
                id=f"claim-{k}",
                attrs=(("aria-describedby", why), ("tabindex", "-1")),
                after=flag,
            )
        )
        problems.append(
            Item(escape(without_markers(claim.text)), problems=claim.problems, id=why, back=f"claim-{k}")
        )
    return wrap(answer.text, layers), tuple(problems)


def answer_html(
    answer: Answer, articles: Mapping[str, ArticleView], made_at: dt.datetime | None = None
) -> str:
    """The answer page: the question, the answer with linked markers, its citations, the cited articles."""
    links = _Links(articles)
    for number, c in enumerate(answer.citations, start=1):
        links.add(number, c)
    text, unsupported = _claim_text(answer, links)
    derived = tuple(
        f"{d} (in “{without_markers(claim.text)}”)" for claim in answer.claims for d in claim.derived
    )
    judged = tuple(
        f"{claim.judge}: “{without_markers(claim.text)}”"
        for claim in answer.claims
        if claim.judge not in (None, "entailed")
    )
    closest = answer.retrieved[:CLOSEST_SHOWN] if answer.status == "not_found" else ()
    cited = [articles[d] for d in dict.fromkeys(c.doc_id for c in answer.citations) if d in articles]
    return _page(
        "answer",
        answer.question,
        made_at,
        question=answer.question,
        answer=answer,
        answer_text=text,
        unsupported=unsupported,
        derived=derived,
        judged=judged,
        closest=closest,
        not_an_answer=NOT_AN_ANSWER,
        meta=(f"Reader: {answer.backend}; {len(answer.retrieved)} passages retrieved.",),
        citations=_entries(links),
        outlets=_columns(cited, links),
    )


def briefed_doc_ids(b: Briefing) -> list[str]:
    """The articles a briefing page shows in full: every article briefed, by outlet, then any other cited.

    Not only the cited ones: "only X gives the figure" is checked by reading the others.
    """
    cited = [c.doc_id for part in (b.sentences, b.differences, b.dropped) for s in part for c in s.citations]
    return list(dict.fromkeys([*(d for o in b.outlets for d in o.doc_ids), *cited]))


def briefing_html(
    b: Briefing, articles: Mapping[str, ArticleView], made_at: dt.datetime | None = None
) -> str:
    """The briefing page: its sections, differences, loaded-term notes and left-out lines, each marker
    linked to its span in the briefed articles, which stand side by side by outlet."""
    links = _Links(articles)
    numbers = CitationNumbers()

    def item(
        text: str, citations: tuple[Citation, ...], flags: Iterable[tuple[int, int, str]] = ()
    ) -> Markup:
        for c in citations:
            links.add(numbers(c), c)
        line = f"{text} {numbers.marks(citations)}" if citations else text
        # Only the markers qa appended: a "[3]" inside the sentence is the article's own text.
        layers = _markers(line, links, since=len(text))
        layers += [Layer(s, e, "span", classes="loaded", attrs=(("title", why),)) for s, e, why in flags]
        return wrap(line, layers)

    def flags(where: str, index: int, text: str) -> list[tuple[int, int, str]]:
        return [
            (f.start, f.end, f"Unattributed {f.category} term; plainer: {f.plain}")
            for f in b.loaded_terms
            if f.where == where and f.index == index and 0 <= f.start < f.end <= len(text)
        ]

    sections: dict[str, list[Item]] = {}
    for i, s in enumerate(b.sentences):
        notes = [f"(“{word}”: {means})" for word, means in s.times]
        if s.single_outlet:
            outlet = next((c.outlet or c.doc_id for c in s.citations if c.verified), "")
            notes.insert(0, f"(only {outlet})")
        html = item(s.text, s.citations, flags("sentences", i, s.text))
        sections.setdefault(s.section, []).append(Item(html, tuple(notes), s.problems))
    parts = [
        Section(title, tuple(items), f"section-{k}") for k, (title, items) in enumerate(sections.items(), 1)
    ]
    if b.differences:
        items = tuple(
            Item(item(d.text, d.citations, flags("differences", i, d.text)))
            for i, d in enumerate(b.differences)
        )
        parts.append(Section(DIFFERENCES_TITLE, items, "differences"))
    if b.dropped:
        items = tuple(Item(item(d.text, d.citations), problems=(d.reason,)) for d in b.dropped)
        parts.append(Section(DROPPED_TITLE, items, "dropped"))
    views = [articles[d] for d in briefed_doc_ids(b) if d in articles]
    meta = [f"Sources: {', '.join(o.outlet for o in b.outlets)}. Written by: {b.backend}."]
    if b.selection is not None:
        meta += selection_lines(b.selection)
    title = f"Briefing: {b.topic}" if b.topic else "Briefing"
    return _page(
        "briefing",
        title,
        made_at,
        heading=title,
        meta=tuple(meta),
        sections=tuple(parts),
        loaded=b.loaded_terms,
        citations=_entries(links),
        outlets=_columns(views, links),
    )
