"""The sentence pool a briefing is built from: every reporting sentence of the chosen articles.

Sentences come from the articles' committed chunks, so page furniture ("READ MORE: …",
"Opinion: …", video captions) that ingest left out never enters a briefing. Each sentence
keeps its exact offsets and is embedded once; the extractive briefing, the corroboration
check and the differences all work on this one pool.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from qa.answer.citations import resolve
from qa.briefing.neutrality import label_end
from qa.figures import calendar, figures
from qa.index.corpus import Corpus
from qa.text import split_sentences, terms
from qa.types import Article, Citation, Hit

# News is written top-down: past this many sentences an article rarely adds what a briefing
# needs, and the cap keeps embedding time flat for long articles (documented in the README).
MAX_SENTENCES_PER_ARTICLE = 40
# With many articles each keeps fewer (never under MIN_SENTENCES_PER_ARTICLE), so that pairwise
# comparisons stay fast: 300 articles give their first 5 reporting sentences each.
MAX_POOL_SENTENCES, MIN_SENTENCES_PER_ARTICLE = 1500, 5
AFFECT_FILE = "affect_anchors.txt"
MIN_WORDS, MAX_WORDS = 5, 70
# Two sentences report the same fact at this cosine (MiniLM), or at SAME_FACT_WITH_WORDS when
# they also share this share of content words (Jaccard). Set on the seeds' paired sentences.
SAME_FACT_AT, SAME_FACT_WITH_WORDS, SAME_FACT_OVERLAP = 0.75, 0.55, 0.3
# Close meaning plus a shared rare word: maybe the same fact (see Pool.related).
RELATED_WITH_RARE = 0.4

# Editorial furniture that ends like a sentence, so chunking keeps it: never a fact.
_EDITORIAL = re.compile(
    r"^\s*(?:note|editor'?s note|correction|update|updated|clarification)\s*:|"
    r"\b(?:this|the) (?:page|story|article|report) (?:was|has been) (?:updated|corrected)\b|"
    r"\bcontributed (?:to )?(?:this|the) (?:report|story)\b|"
    r"^\s*\(?(?:reporting|writing|editing|additional reporting) by\b|"
    r"\b(?:sign up|subscribe) (?:for|to)\b|\bclick here\b|\bfollow us\b",
    re.IGNORECASE,
)
_TRUNCATED = re.compile(r"(?:\.\.\.|…)[\"'”’)\]]*\s*$")
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*\s*$")
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class PoolSentence:
    """One reporting sentence of one article, as a Hit over its exact span."""

    hit: Hit
    outlet: str  # the outlet name, or the doc_id when the outlet is unknown
    position: int  # 0 for the article's first reporting sentence
    count: int  # reporting sentences in that article

    @property
    def text(self) -> str:
        return self.hit.text

    @property
    def doc_id(self) -> str:
        return self.hit.doc_id


@dataclass
class Pool:
    """Sentences of the chosen articles with unit vectors, plus per-outlet reporting text."""

    articles: list[Article]
    sentences: list[PoolSentence]
    vectors: np.ndarray
    doc_content: dict[str, str] = field(default_factory=dict)  # doc_id -> its reporting text
    topic_vector: np.ndarray | None = None
    title_vectors: np.ndarray | None = None
    affect: np.ndarray | None = None  # per sentence: closer to emotive (>0) or neutral (<0) register
    _sims: np.ndarray | None = field(default=None, repr=False)
    _terms: tuple[list[set[str]], Counter[str]] | None = field(default=None, repr=False)

    @property
    def outlets(self) -> list[str]:
        """Outlets in the order their first article appears."""
        return list(dict.fromkeys(outlet_key(a) for a in self.articles))

    @functools.cached_property
    def content(self) -> dict[str, str]:
        """Outlet -> all the reporting text of its articles (furniture left out)."""
        joined: dict[str, list[str]] = {}
        for a in self.articles:
            joined.setdefault(outlet_key(a), []).append(self.doc_content.get(a.doc_id, ""))
        return {o: "\n".join(parts) for o, parts in joined.items()}

    def published(self, doc_id: str) -> str:
        """An article's publication date as stored ("" when unknown)."""
        return next((a.published for a in self.articles if a.doc_id == doc_id), "")

    def topic_relevance(self) -> dict[str, float]:
        """doc_id -> the best similarity of any of its sentences to the topic (needs a topic)."""
        assert self.topic_vector is not None
        best: dict[str, float] = {}
        for s, sim in zip(self.sentences, self.vectors @ self.topic_vector, strict=True):
            best[s.doc_id] = max(best.get(s.doc_id, -1.0), float(sim))
        return best

    def subset(self, doc_ids: set[str]) -> Pool:
        """The same pool restricted to some articles (no re-embedding)."""
        keep = [i for i, s in enumerate(self.sentences) if s.doc_id in doc_ids]
        return Pool(
            [a for a in self.articles if a.doc_id in doc_ids],
            [self.sentences[i] for i in keep],
            self.vectors[keep],
            {d: t for d, t in self.doc_content.items() if d in doc_ids},
            self.topic_vector,
            self.title_vectors,
            None if self.affect is None else self.affect[keep],
        )

    def similarity(self) -> np.ndarray:
        """Cosine similarity of every pair of pool sentences (computed once)."""
        if self._sims is None:
            self._sims = (
                self.vectors @ self.vectors.T if len(self.sentences) else np.zeros((0, 0), dtype=np.float32)
            )
        return self._sims

    def same_fact(self, i: int, j: int) -> bool:
        """Whether sentences i and j report the same thing (see :func:`same_fact`)."""
        return same_fact(float(self.similarity()[i][j]), self.sentences[i].text, self.sentences[j].text)

    def related(self, i: int, j: int) -> bool:
        """Whether j may report what i reports: the same fact, or close in meaning and sharing a
        rare word (one hardly any other sentence uses, like "binding"). Too loose to cite as
        corroboration, but enough that i is never called "reported by one outlet only"."""
        similarity = float(self.similarity()[i][j])
        a, b = self.sentences[i].text, self.sentences[j].text
        if same_fact(similarity, a, b):
            return True
        if similarity < RELATED_WITH_RARE or not compatible_figures(a, b):
            return False
        terms_of, df = self._term_stats()
        rare = max(2, len(self.outlets))
        return any(df[t] <= rare for t in terms_of[i] & terms_of[j])

    def _term_stats(self) -> tuple[list[set[str]], Counter[str]]:
        if self._terms is None:
            found = [set(content_terms(s.text)) for s in self.sentences]
            self._terms = (found, Counter(t for f in found for t in f))
        return self._terms


def same_fact(similarity: float, a: str, b: str) -> bool:
    """Two sentences report the same thing: near-identical meaning, or close meaning with many
    shared content words; and never when they give different figures for the same thing."""
    if similarity < SAME_FACT_WITH_WORDS or not compatible_figures(a, b) or not compatible_calendar(a, b):
        return False
    if similarity >= SAME_FACT_AT:
        return True
    ta, tb = content_terms(a), content_terms(b)
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= SAME_FACT_OVERLAP


@functools.lru_cache(maxsize=65536)
def content_terms(text: str) -> frozenset[str]:
    """qa.answer.extractive.terms, cached: the pool compares the same sentences many times."""
    return frozenset(terms(text))


def compatible_figures(a: str, b: str) -> bool:
    """False when the two texts give different numbers for the same thing (unit): "6-3" and "7-2"."""
    fb = figures(b)
    for x in figures(a):
        same_unit = [y for y in fb if x.unit and y.unit == x.unit and y.period == x.period]
        if same_unit and not any(x.agrees(y) for y in same_unit):
            return False
    return True


def compatible_calendar(a: str, b: str) -> bool:
    """False when both texts name weekdays (or months) and none in common: "on Tuesday" / "on Friday"."""
    days_a, days_b = _calendar_names(a), _calendar_names(b)
    return all(not (x and y) or bool(x & y) for x, y in zip(days_a, days_b, strict=True))


def _calendar_names(text: str) -> tuple[set[str], set[str]]:
    words = calendar(text)
    return {w.name for w in words if w.is_weekday}, {w.name for w in words if not w.is_weekday}


def outlet_key(article: Article) -> str:
    """How a briefing names an article's outlet."""
    return article.outlet.strip() or article.doc_id


def content_spans(corpus: Corpus, doc_id: str) -> list[tuple[int, int]]:
    """The article's reporting text as merged chunk spans (furniture lines stay out)."""
    text = corpus.article_text(doc_id)
    spans: list[tuple[int, int]] = []
    for chunk in sorted(corpus.store.doc_chunks([doc_id]), key=lambda c: c.start):
        if spans and (chunk.start <= spans[-1][1] or not text[spans[-1][1] : chunk.start].strip()):
            spans[-1] = (spans[-1][0], max(spans[-1][1], chunk.end))
        else:
            spans.append((chunk.start, chunk.end))
    return spans


def usable(sentence: str) -> bool:
    """A sentence a briefing may quote: whole, reporting, neither a fragment nor furniture."""
    words = len(_WORDS.findall(sentence))
    return (
        MIN_WORDS <= words <= MAX_WORDS
        and bool(_ENDS_LIKE_SENTENCE.search(sentence))
        and not _TRUNCATED.search(sentence)
        and not _EDITORIAL.search(sentence)
    )


def build_pool(corpus: Corpus, articles: Sequence[Article], topic: str | None = None) -> Pool:
    """Split, filter and embed the reporting sentences of ``articles``."""
    sentences: list[PoolSentence] = []
    content: dict[str, list[str]] = {}  # doc_id -> its content spans' text
    per_article = max(
        MIN_SENTENCES_PER_ARTICLE, min(MAX_SENTENCES_PER_ARTICLE, MAX_POOL_SENTENCES // max(len(articles), 1))
    )
    for article in articles:
        outlet = outlet_key(article)
        text = article.text
        picked: list[tuple[int, int]] = []
        for start, end in content_spans(corpus, article.doc_id):
            content.setdefault(article.doc_id, []).append(text[start:end])
            for a, b in split_sentences(text, start, end):
                a += label_end(text[a:b])  # "Why it matters: ..." is quoted from after its label
                if usable(text[a:b]):
                    picked.append((a, b))
        picked = picked[:per_article]
        for position, (start, end) in enumerate(picked):
            hit = Hit.span(article, start, end)
            sentences.append(PoolSentence(hit, outlet, position, len(picked)))
    titles = [a.title for a in articles if a.title.strip()]
    emotive, neutral = affect_anchors()
    texts = [s.text for s in sentences] + titles + emotive + neutral + ([topic] if topic else [])
    vectors = corpus.embedder.embed(texts)
    n, t, e = len(sentences), len(titles), len(emotive)
    register = unit(vectors[n + t : n + t + e].mean(axis=0)) - unit(
        vectors[n + t + e : n + t + e + len(neutral)].mean(axis=0)
    )
    return Pool(
        list(articles),
        sentences,
        vectors[:n],
        {k: "\n".join(v) for k, v in content.items()},
        vectors[-1] if topic else None,
        vectors[n : n + t],
        vectors[:n] @ register,
    )


def unit(vector: np.ndarray) -> np.ndarray:
    """The vector scaled to length 1 (a zero vector is returned as is)."""
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


@functools.cache
def _anchors_text() -> str:
    return resources.files("qa").joinpath("data").joinpath(AFFECT_FILE).read_text(encoding="utf-8")


def affect_anchors() -> tuple[list[str], list[str]]:
    """The [emotive] and [neutral] register phrases of qa/data/affect_anchors.txt."""
    groups: dict[str, list[str]] = {"emotive": [], "neutral": []}
    current = None
    for raw in _anchors_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        if current in groups:
            groups[current].append(line)
    return groups["emotive"], groups["neutral"]


def cite(pool: Pool, index: int, article_text: Callable[[str], str], quote: str | None = None) -> Citation:
    """A citation of pool sentence ``index`` (or of ``quote`` inside it), resolved by qa.answer.citations."""
    hit = pool.sentences[index].hit
    return resolve(quote or hit.text, [hit], "P1", article_text)


def pool_index(pool: Pool, citation: Citation) -> int | None:
    """The pool sentence that best overlaps a verified citation's span, if any."""
    if not citation.verified or citation.start is None or citation.end is None:
        return None
    best, overlap = None, 0
    for i, s in enumerate(pool.sentences):
        if s.doc_id == citation.doc_id:
            shared = min(s.hit.end, citation.end) - max(s.hit.start, citation.start)
            if shared > overlap:
                best, overlap = i, shared
    return best
