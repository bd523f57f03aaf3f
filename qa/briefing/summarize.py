"""Neutral briefings (`qa summarize`): what happened and who said what, every sentence cited.

One path for both backends:

1. choose the articles: all of them, or those matching ``--topic`` (hybrid search);
2. build the sentence pool (:mod:`qa.briefing.pool`): every reporting sentence, embedded;
3. write the body: an LLM maps over the articles and reduces their notes within a token
   budget (:mod:`qa.briefing.llm`), or, offline, the best central, attributed, low-charge
   sentences are picked (:mod:`qa.briefing.extractive`);
4. check it: every citation goes through :func:`qa.answer.citations.resolve`; a sentence with no
   verified citation is dropped (and listed under ``dropped``); a sentence that another
   outlet's article also reports gets that outlet's span as a second citation, the others
   are marked ``single_outlet``;
5. add "Where the sources differ" (:mod:`qa.briefing.differences`) and flag charged words the
   briefing uses in its own voice (:mod:`qa.briefing.loaded_language`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from qa.answer.citations import resolve
from qa.answer.claims import check_statement
from qa.briefing.differences import find_differences
from qa.briefing.extractive import FLOOR, pick, reports, sentence_scores, story_vector
from qa.briefing.llm import llm_briefing
from qa.briefing.loaded_language import unattributed
from qa.briefing.model import (
    FRAMED,
    WHAT_HAPPENED,
    WHO_SAID_WHAT,
    Briefing,
    Considered,
    Difference,
    Dropped,
    Flag,
    OutletUse,
    Selection,
    Statement,
)
from qa.briefing.neutrality import opinion, own_voice_markers, resolve_times
from qa.briefing.pool import (
    RELATED_WITH_RARE,
    SAME_FACT_WITH_WORDS,
    Pool,
    build_pool,
    cite,
    compatible_calendar,
    compatible_figures,
    outlet_key,
    pool_index,
)
from qa.briefing.stories import find_stories
from qa.errors import QAError
from qa.index.corpus import Corpus
from qa.index.search import search
from qa.openai_client import make_client
from qa.types import Article

if TYPE_CHECKING:  # pragma: no cover
    import openai

DEFAULT_WORDS = 250
DIFFERENCES_SHARE = 0.6  # "Where the sources differ" gets up to this share of --words on top of the body
# "How outlets framed it" takes at most this share of the body's words, in at most FRAMING_ITEMS quotes.
FRAMING_SHARE, FRAMING_ITEMS = 0.25, 2
# With --topic: hybrid search proposes articles (those whose best passage scores TOPIC_PROPOSE of the
# best one, at most TOPIC_CANDIDATES), then an article stays if its sentence closest to the topic
# reaches TOPIC_RELATIVE of the best article's (MiniLM cosine). Proposing generously and deciding by
# sentences keeps an outlet whose one relevant line a whole-passage score undersells.
TOPIC_PROPOSE, TOPIC_CANDIDATES, TOPIC_RELATIVE = 0.2, 40, 0.7
# A topic whose closest sentence is less similar than this (MiniLM cosine) matches nothing here:
# unrelated topics measured 0.10-0.25 on the seeds, related ones (even one word: "Canada") 0.30+.
TOPIC_MIN_SIMILARITY = 0.27
NO_LLM_NOTICE = (
    "No LLM is configured (OPENAI_API_KEY / OPENAI_BASE_URL unset): writing an extractive briefing "
    "from the articles' own sentences."
)
_SPEECH = re.compile(
    r"[“”\"]|\b(?:said|says|told|tells|added|wrote|according to|"
    r"warned|vowed|accused|announced|described|insisted|argued)\b",
    re.IGNORECASE,
)


def summarize(
    corpus: Corpus,
    topic: str | None = None,
    words: int = DEFAULT_WORDS,
    offline: bool = False,
    client: openai.OpenAI | None = None,
    on_notice: Callable[[str], None] = lambda message: None,
    story: int | None = None,
) -> Briefing:
    """Write a briefing of one story of the index (or of the articles matching ``topic``), ``words`` long.

    Without a topic, the index's articles are grouped into stories (:mod:`qa.briefing.stories`):
    ``story`` picks one, else the largest is briefed and the others are named on ``on_notice``.
    The LLM writes it when ``client`` is given, or when one is configured and not ``offline``;
    otherwise the extractive briefing is written (said on ``on_notice`` unless ``offline``).
    """
    topic = topic.strip() if topic and topic.strip() else None
    if topic and story is not None:
        raise QAError("Choose the articles by --topic or by --story, not both.")
    if topic:
        pool, selection = _by_topic(corpus, topic)
    else:
        articles, selection = _by_story(corpus, story, on_notice)
        pool = build_pool(corpus, articles)
    if not pool.sentences:
        raise QAError(
            "The selected articles have no reporting sentences "
            "to brief from (only headlines or page furniture)."
        )
    scores = sentence_scores(pool, story_vector(pool))
    use_llm = client is not None or (not offline and corpus.settings.llm_configured)
    dropped: list[Dropped] = []
    model_differences: list[Difference] = []
    if use_llm:
        backend = f"llm:{corpus.settings.model}"
        draft = llm_briefing(
            client or make_client(corpus.settings),
            corpus.settings.model,
            corpus,
            pool,
            topic,
            words,
            on_notice,
        )
        statements, model_differences, dropped = draft.statements, draft.differences, draft.dropped
        if not statements:
            on_notice(
                "The model wrote no sentence whose citations verified; see `dropped`, or try --offline."
            )
    else:
        if not offline:
            on_notice(NO_LLM_NOTICE)
        backend = "extractive"
        framed = framing_statements(pool, scores, int(words * FRAMING_SHARE), corpus.article_text)
        budget = words - sum(len(f.text.split()) for f in framed)
        statements = extractive_statements(pool, scores, budget, corpus.article_text) + framed
    statements = [corroborate(pool, s, corpus.article_text) for s in statements]
    if use_llm:
        extra = outlets_left_out(pool, scores, statements, corpus.article_text)
        statements += [corroborate(pool, s, corpus.article_text) for s in extra]
    in_body = [c for s in statements for c in s.citations]
    differences = model_differences + find_differences(
        pool, scores, corpus.article_text, max(int(words * DIFFERENCES_SHARE), 80), model_differences, in_body
    )
    statements, unsupported = checked_statements(statements, corpus.article_text)
    differences, one_sided = checked_differences(differences, corpus.article_text, pool.outlets)
    dropped += unsupported + one_sided
    return Briefing(
        topic,
        backend,
        tuple(statements),
        tuple(differences),
        tuple(flag_loaded(statements, differences)),
        tuple(outlet_uses(pool, statements, differences)),
        tuple(dropped),
        selection,
    )


def checked_statements(
    statements: Sequence[Statement], article_text: Callable[[str], str]
) -> tuple[list[Statement], list[Dropped]]:
    """Each sentence through the claim check: the supported ones kept, the others dropped, with why."""
    kept: list[Statement] = []
    dropped: list[Dropped] = []
    for s in statements:
        claim = check_statement(s.text, s.citations, article_text)
        if claim.supported:
            kept.append(replace(s, supported=True, problems=()))
        else:
            dropped.append(Dropped(s.text, s.citations, _not_supported(claim.problems)))
    return kept, dropped


def checked_differences(
    differences: Sequence[Difference], article_text: Callable[[str], str], outlets: Sequence[str] = ()
) -> tuple[list[Difference], list[Dropped]]:
    """Differences whose figures and names are in what they cite (for compared figures, on both sides).

    A difference may name any of the briefing's ``outlets`` ("… Reuters's article does not state it").
    """
    kept: list[Difference] = []
    dropped: list[Dropped] = []
    for d in differences:
        claim = check_statement(d.text, d.citations, article_text, outlets)
        sides = {d.citations[n - 1].outlet or d.citations[n - 1].doc_id for n in claim.supporting}
        if not claim.supported:
            dropped.append(Dropped(d.text, d.citations, _not_supported(claim.problems)))
        elif d.kind == "figures" and len(sides) < 2:
            # Two outlets' figures compared: each side's citation must give its own figure.
            dropped.append(Dropped(d.text, d.citations, "only one side's citation gives its figure"))
        else:
            kept.append(d)
    return kept, dropped


def _not_supported(problems: Sequence[str]) -> str:
    return "not supported by its citations: " + "; ".join(problems)


def _considered(article: Article, relevance: float | None = None) -> Considered:
    return Considered(article.doc_id, outlet_key(article), article.title, relevance)


def _by_story(
    corpus: Corpus, story: int | None, on_notice: Callable[[str], None]
) -> tuple[list[Article], Selection]:
    """Every article when the index holds one story; else the chosen story's (or the largest's)."""
    corpus.require_articles()
    stories = find_stories(corpus)
    if story is not None and not 1 <= story <= len(stories):
        raise QAError(f"There is no story {story}: the index holds {len(stories)} (see `qa stories`).")
    if len(stories) <= 1:
        articles = _articles(corpus, [d for s in stories for d in s.doc_ids])
        return articles, Selection("all", tuple(_considered(a) for a in articles))
    chosen = stories[(story or 1) - 1]
    if story is None:
        on_notice(
            f"The index holds {len(stories)} stories; briefing the largest, “{chosen.title}” "
            f"({len(chosen.doc_ids)} articles). `qa stories` lists them; pick one with --story N."
        )
    articles = _articles(corpus, list(chosen.doc_ids))
    kept = tuple(_considered(a) for a in articles)
    return articles, Selection("story", kept, (), chosen.number, tuple(stories))


def _articles(corpus: Corpus, doc_ids: Sequence[str]) -> list[Article]:
    found = [corpus.store.article(d) for d in doc_ids]
    return [a for a in found if a is not None]


def _by_topic(corpus: Corpus, topic: str) -> tuple[Pool, Selection]:
    """The articles about ``topic``: search proposes them, their sentences' closeness to it decides.

    An article is kept when its sentence closest to the topic reaches TOPIC_MIN_SIMILARITY and
    TOPIC_RELATIVE of the best article's; the others search proposed are listed as left out.
    """
    corpus.require_articles()
    count = corpus.store.article_count()
    hits = search(corpus, topic, k=min(100, max(12, 3 * count)))
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.doc_id] = max(best.get(hit.doc_id, 0.0), hit.score)
    if not best:
        raise QAError(
            f"No indexed article matches the topic {topic!r}: try other words, or leave --topic out."
        )
    top = max(best.values())
    proposed = sorted((d for d in best if best[d] >= TOPIC_PROPOSE * top), key=lambda d: -best[d])
    articles = _articles(corpus, proposed[:TOPIC_CANDIDATES])
    pool = build_pool(corpus, articles, topic)
    relevance = pool.topic_relevance() if pool.sentences else {}
    closest = max(relevance.values(), default=0.0)
    # Search always returns something; an absolute bar tells "nothing about this" apart.
    if closest < TOPIC_MIN_SIMILARITY:
        raise QAError(f"No indexed article is about {topic!r}: try other words, or leave --topic out.")
    bar = max(TOPIC_MIN_SIMILARITY, TOPIC_RELATIVE * closest)
    kept = {d for d, r in relevance.items() if r >= bar}
    selection = Selection(
        "topic",
        tuple(_considered(a, relevance[a.doc_id]) for a in articles if a.doc_id in kept),
        tuple(_considered(a, relevance.get(a.doc_id)) for a in articles if a.doc_id not in kept),
    )
    return pool.subset(kept), selection


def section_of(text: str) -> str:
    """Reported speech goes under "Who said what", everything else under "What happened"."""
    return WHO_SAID_WHAT if _SPEECH.search(text) else WHAT_HAPPENED


def extractive_statements(
    pool: Pool, scores: np.ndarray, words: int, article_text: Callable[[str], str]
) -> list[Statement]:
    """The offline body: picked sentences, quoted exactly, grouped and in reading order.

    A sentence that points back ("It was the first …") is quoted with the one before it, as one span.
    """
    statements = []
    for unit in sorted(
        pick(pool, scores, words),
        key=lambda u: (section_of(_text(pool, u)) != WHAT_HAPPENED, _reading_order(pool, u[0])),
    ):
        first, last = pool.sentences[unit[0]].hit, pool.sentences[unit[-1]].hit
        text = article_text(first.doc_id)[first.start : last.end]
        citation = resolve(text, [replace(first, end=last.end, text=text)], "P1", article_text)
        times = resolve_times(text, pool.published(first.doc_id))
        statements.append(Statement(text, (citation,), False, section_of(text), times=times))
    return statements


def _text(pool: Pool, unit: tuple[int, ...]) -> str:
    return " ".join(pool.sentences[i].text for i in unit)


def outlets_left_out(
    pool: Pool, scores: np.ndarray, statements: Sequence[Statement], article_text: Callable[[str], str]
) -> list[Statement]:
    """For each outlet a model's briefing does not cite, that outlet's best reporting sentence (one
    that reports nothing a statement already does): every outlet reporting on the story gets room."""
    cited = {c.outlet or c.doc_id for s in statements for c in s.citations if c.verified}
    shown = [i for s in statements for c in s.citations if (i := pool_index(pool, c)) is not None]
    added: list[Statement] = []
    for outlet in pool.outlets:
        if outlet in cited:
            continue
        best = next(
            (
                i
                for i in sorted(range(len(pool.sentences)), key=lambda i: -scores[i])
                if pool.sentences[i].outlet == outlet
                and reports(pool.sentences[i], pool.published(pool.sentences[i].doc_id))
                and not any(pool.same_fact(i, j) for j in shown)
            ),
            None,
        )
        if best is not None:
            text = pool.sentences[best].text
            added.append(Statement(text, (cite(pool, best, article_text),), False, section_of(text)))
            shown.append(best)
    return added


def framing_statements(
    pool: Pool, scores: np.ndarray, words: int, article_text: Callable[[str], str]
) -> list[Statement]:
    """ "How outlets framed it": the best on-story sentences the body keeps out as an outlet's own
    opinion, quoted whole and attributed to it, one per outlet, at most FRAMING_ITEMS."""
    floor = FLOOR * float(scores.max()) if len(scores) else 0.0
    found: list[Statement] = []
    outlets: set[str] = set()
    used = 0
    for i in sorted(range(len(pool.sentences)), key=lambda i: -scores[i]):
        sentence = pool.sentences[i]
        if len(found) >= FRAMING_ITEMS or len(pool.outlets) < 2:
            break
        if scores[i] < floor or sentence.outlet in outlets or not opinion(sentence.text):
            continue
        text = f"{sentence.outlet} wrote: “{sentence.text}”"
        if used + len(text.split()) > words:
            continue
        found.append(Statement(text, (cite(pool, i, article_text),), False, FRAMED))
        outlets.add(sentence.outlet)
        used += len(text.split())
    return found


def _reading_order(pool: Pool, i: int) -> float:
    s = pool.sentences[i]
    return s.position / max(s.count, 1)


def corroborate(pool: Pool, statement: Statement, article_text: Callable[[str], str]) -> Statement:
    """Add one citation per other outlet that reports the same fact; mark it if no other does."""
    outlets = {c.outlet or c.doc_id for c in statement.citations if c.verified}
    citations = list(statement.citations)
    sims = pool.similarity()
    maybe_elsewhere = False
    for citation in statement.citations:
        i = pool_index(pool, citation)
        if i is None:
            maybe_elsewhere = True  # not in the pool: no basis to say no one else reports it
            continue
        for outlet, j in _same_fact_elsewhere(pool, i):
            if outlet in outlets:
                continue
            # A corroboration agrees with the statement itself, not only with the sentence it was found
            # from (a statement may quote two): no other figure or day for the same thing.
            if compatible_figures(statement.text, pool.sentences[j].text) and compatible_calendar(
                statement.text, pool.sentences[j].text
            ):
                citations.append(cite(pool, j, article_text))
                outlets.add(outlet)
        maybe_elsewhere = maybe_elsewhere or any(
            pool.related(i, j)
            for j, s in enumerate(pool.sentences)
            if s.outlet != pool.sentences[i].outlet and sims[i][j] >= RELATED_WITH_RARE
        )
    single = len(pool.outlets) > 1 and len(outlets) == 1 and not maybe_elsewhere
    return replace(statement, citations=tuple(citations), single_outlet=single)


def _same_fact_elsewhere(pool: Pool, i: int) -> list[tuple[str, int]]:
    sims = pool.similarity()[i]
    best: dict[str, int] = {}
    for j, other in enumerate(pool.sentences):
        if (
            sims[j] >= SAME_FACT_WITH_WORDS
            and other.outlet != pool.sentences[i].outlet
            and pool.same_fact(i, j)
            and (other.outlet not in best or sims[j] > sims[best[other.outlet]])
        ):
            best[other.outlet] = j
    return list(best.items())


def flag_loaded(statements: Sequence[Statement], differences: Sequence[Difference]) -> list[Flag]:
    """Charged language the briefing uses in its own voice: lexicon terms, first person, editorial
    markers ("so-called") and judgement openings, wherever they stand outside quotation marks."""
    flags = []
    texts = {"sentences": [s.text for s in statements], "differences": [d.text for d in differences]}
    for where, items in texts.items():
        for index, text in enumerate(items):
            terms = unattributed(text)
            for term in terms:
                flags.append(Flag(term.term, term.category, term.plain, where, index, term.start, term.end))
            for start, end, category in own_voice_markers(text):
                if any(t.start < end and start < t.end for t in terms):
                    continue  # the lexicon flagged it already ("so-called")
                plain = "attribute it or leave it out"
                flags.append(Flag(text[start:end], category, plain, where, index, start, end))
    return flags


def outlet_uses(
    pool: Pool, statements: Sequence[Statement], differences: Sequence[Difference]
) -> list[OutletUse]:
    """Each outlet of the selected articles with its count of verified citations in the briefing."""
    docs: dict[str, list[str]] = {}
    for article in pool.articles:
        docs.setdefault(outlet_key(article), []).append(article.doc_id)
    by_doc = {d: o for o, ds in docs.items() for d in ds}
    counts = dict.fromkeys(docs, 0)
    for citations in [*(s.citations for s in statements), *(d.citations for d in differences)]:
        for c in citations:
            if c.verified and c.doc_id in by_doc:
                counts[by_doc[c.doc_id]] += 1
    return [OutletUse(o, tuple(ds), counts[o]) for o, ds in docs.items()]
