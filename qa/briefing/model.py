"""The parts of a briefing, passed from its writers to the renderers."""

from __future__ import annotations

from dataclasses import dataclass

from qa.types import Citation

WHAT_HAPPENED, WHO_SAID_WHAT = "What happened", "Who said what"
FRAMED = "How outlets framed it"  # an outlet's own opinion, quoted and attributed, never stated as fact
DIFFERENCES_TITLE = "Where the sources differ"


@dataclass(frozen=True)
class Statement:
    """One sentence of the briefing body with its citations (at least one verified)."""

    text: str
    citations: tuple[Citation, ...]
    single_outlet: bool
    section: str
    # What the claim check (qa.answer.claims) found; an unsupported sentence is moved to `dropped`.
    supported: bool = True
    problems: tuple[str, ...] = ()
    # Its relative time words and what they mean on the article's date: (("yesterday", "2021-10-13"),).
    times: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Difference:
    """Something the outlets report differently, with a citation for each side."""

    text: str
    citations: tuple[Citation, ...]
    kind: str  # "figures", "only_one_figure", "wording", "only_one_fact", "model"


@dataclass(frozen=True)
class Dropped:
    """A sentence or difference left out because its citations did not verify."""

    text: str
    citations: tuple[Citation, ...]
    reason: str


@dataclass(frozen=True)
class Flag:
    """A charged word the briefing uses without attributing it."""

    term: str
    category: str
    plain: str
    where: str  # "sentences" or "differences"
    index: int  # position in that list
    start: int  # offsets in that item's text
    end: int


@dataclass(frozen=True)
class OutletUse:
    """One outlet of the briefing: its articles and how many verified citations point at it."""

    outlet: str
    doc_ids: tuple[str, ...]
    cited: int


@dataclass(frozen=True)
class Story:
    """A group of the index's articles reporting the same event (see :mod:`qa.briefing.stories`)."""

    number: int  # 1 = the largest
    doc_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    title: str  # the title of its most central article
    first: str  # earliest and latest publication dates ("" when none is known)
    last: str


@dataclass(frozen=True)
class Considered:
    """An article a briefing's selection looked at: kept, or left out and why."""

    doc_id: str
    outlet: str
    title: str
    relevance: float | None = None  # with --topic: its best sentence's cosine to the topic


@dataclass(frozen=True)
class Selection:
    """Which articles a briefing covers and how they were chosen, so that none is left out silently."""

    how: str  # "all", "topic" or "story"
    kept: tuple[Considered, ...]
    left_out: tuple[Considered, ...] = ()  # with --topic: proposed by search, but less about the topic
    story: int | None = None  # the story briefed, when the index holds several
    stories: tuple[Story, ...] = ()  # every story of the index, when it holds several


@dataclass(frozen=True)
class Briefing:
    """A neutral briefing: body, differences, loaded-language flags, outlets, and what was dropped."""

    topic: str | None
    backend: str
    sentences: tuple[Statement, ...]
    differences: tuple[Difference, ...]
    loaded_terms: tuple[Flag, ...]
    outlets: tuple[OutletUse, ...]
    dropped: tuple[Dropped, ...] = ()
    selection: Selection | None = None
