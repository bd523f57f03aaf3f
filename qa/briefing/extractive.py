"""The offline briefing: central, attributed, low-charge sentences from across outlets, quoted exactly.

No model writes anything: every sentence of the briefing is an article's own sentence,
cited to its exact span. Which sentences, in what order, is decided by a score:

* **story** — similarity to the story's anchor (the articles' titles and first two
  reporting sentences) and, with ``--topic``, to the topic, weighted above everything else;
* **centrality** — similarity to the centroid of all articles (each article weighs the same);
* **support** — similarity to the closest sentence of *another* outlet (corroboration);
* **salience** — shares words that several outlets and the headlines/leads use;
* **lead** — earlier in its article is better (news is written top-down);
* **register** — a penalty for sounding emotive rather than like wire copy (similarity to
  emotive minus neutral anchor phrases, qa/data/affect_anchors.txt);
* a bonus for a figure ("5,000 troops"), and penalties for charged words in the outlet's own
  voice (the lexicon of :mod:`qa.briefing.loaded_language`), for direct quotes (by the share of the
  sentence in quotation marks), for openers that need the previous sentence ("He added …")
  and for quotes without a named speaker.

Sentences are then picked greedily within the word budget, skipping near-duplicates (they
become corroborating citations instead) and spreading picks across outlets.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np

from qa.briefing.loaded_language import find_terms, quoted_spans
from qa.briefing.neutrality import DANGLING, NOT_THE_STORY, opinion, stands_alone
from qa.briefing.pool import Pool, PoolSentence, content_terms, unit
from qa.figures import figures
from qa.text import terms

# W_LEAD, MMR_LAMBDA and OUTLET_DECAY were set on the tune half of bench item 12 (bench/briefings.py).
W_STORY, W_CENTRAL, W_SUPPORT, W_SALIENCE, W_LEAD = 0.25, 0.1, 0.15, 0.35, 0.8
NEW_FIGURE_BONUS = 0.2  # for a sentence giving a figure ("168 lawmakers") no picked sentence gives yet
# Times the sentence's register (MiniLM: emotive minus neutral anchor phrases, see
# qa/data/affect_anchors.txt); chosen on the AllSides benchmark (bench/arousal.py).
W_AFFECT = 0.5
W_TOPIC = 1.5  # with --topic: similarity to the topic, added on top; large, so the topic steers the picks
FLOOR = 0.35  # the second pass picks no sentence scoring under this share of the best sentence's score
OUTLET_FLOOR = 0.5  # an outlet's best sentence is picked first if it reaches this share of FLOOR
OVER_BUDGET = 0.1  # the last pass may go this share over the budget ("about N words")
# The last pass also takes a sentence close to a pick when this share of its content words is new.
NOVEL_SHARE = 0.4  # set on the tune half (0.3-0.6 tried, bench item 12)
OWN_VOICE_PENALTY = 0.25  # per charged term not attributed
QUOTED_CHARGE_PENALTY = 0.03  # per charged term inside a quote or a reporting clause
DANGLING_PENALTY = 0.15
# Times the share of the sentence inside quotation marks: a briefing reports first and quotes
# second, and direct quotes are where a speaker's emotion lives.
QUOTE_PENALTY = 0.15
LONG_PENALTY, LONG_WORDS = 0.05, 40
MMR_LAMBDA = 0.0  # weight of similarity to what is already picked, above the topical baseline
TOPICAL = 0.45  # cosine that any two sentences about the same story tend to reach
OUTLET_DECAY = 0.0  # subtracted per sentence already picked from the same outlet

_DANGLING = re.compile(
    r"^(?:He|She|It|They|This|That|These|Those|His|Her|Their|"
    r"Its|Then|But|And|Also|So|The cleric|The general)\b"
    r"|[,”\"]\s*(?:he|she|they|it)\s+(?:said|says|told|added|wrote)\b"
)
_OPENS_WITH_QUOTE = re.compile(r"^[“\"‘']")
_SPEAKER_VERB = re.compile(r"\b(?:said|says|told|added|wrote|according to|announced|stated)\b", re.IGNORECASE)


def sentence_scores(pool: Pool, story: np.ndarray) -> np.ndarray:
    """One score per pool sentence (see the module docstring); ``story`` is a unit vector."""
    n = len(pool.sentences)
    if n == 0:
        return np.zeros(0)
    sims = pool.similarity()
    vectors = pool.vectors
    centroid = _article_centroid(pool)
    outlets = np.array([s.outlet for s in pool.sentences])
    support = np.zeros(n)
    if len(set(outlets)) > 1:
        for i in range(n):
            other = outlets != outlets[i]
            support[i] = float(sims[i][other].max())
    salience = _salience(pool)
    scores = np.zeros(n)
    for i, s in enumerate(pool.sentences):
        lead = 1.0 / (1.0 + s.position / 4.0)
        score = (
            W_STORY * float(vectors[i] @ story)
            + W_CENTRAL * float(vectors[i] @ centroid)
            + W_SUPPORT * support[i]
            + W_SALIENCE * salience[i]
            + W_LEAD * lead
            + (W_TOPIC * float(vectors[i] @ pool.topic_vector) if pool.topic_vector is not None else 0.0)
        )
        affect = float(pool.affect[i]) if pool.affect is not None else 0.0
        scores[i] = score - penalty(s.text) - W_AFFECT * affect
    return scores


def penalty(text: str) -> float:
    """What a sentence loses for charge, dangling reference, an unnamed speaker and length."""
    found = find_terms(text)
    cost = sum(OWN_VOICE_PENALTY if not t.attributed else QUOTED_CHARGE_PENALTY for t in found)
    if _DANGLING.search(text):
        cost += DANGLING_PENALTY
    if _OPENS_WITH_QUOTE.match(text) and not _SPEAKER_VERB.search(text):
        cost += DANGLING_PENALTY  # a quote whose speaker is in another sentence
    if len(text.split()) > LONG_WORDS:
        cost += LONG_PENALTY
    quoted = sum(b - a for a, b in quoted_spans(text))
    return cost + QUOTE_PENALTY * min(1.0, quoted / max(len(text), 1))


def _article_centroid(pool: Pool) -> np.ndarray:
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(pool.sentences):
        by_doc[s.doc_id].append(i)
    means = [pool.vectors[idx].mean(axis=0) for idx in by_doc.values()]
    return unit(np.mean(means, axis=0))


def _salience(pool: Pool) -> np.ndarray:
    """Words several outlets use, weighted by their use in titles and leads; scaled to 0..1."""
    by_outlet: dict[str, set[str]] = defaultdict(set)
    for s in pool.sentences:
        by_outlet[s.outlet] |= terms(s.text)
    spread = Counter(t for found in by_outlet.values() for t in found)
    headline = Counter(t for s in pool.sentences if s.position < 3 for t in terms(s.text))
    for article in pool.articles:
        headline.update(terms(article.title))
    outlets = max(len(by_outlet), 1)
    raw = []
    for s in pool.sentences:
        found = terms(s.text)
        weight = sum(spread[t] / outlets * math.log1p(headline[t]) for t in found)
        raw.append(weight / math.sqrt(len(found)) if found else 0.0)
    top = max(raw, default=0.0)
    return np.array([r / top if top > 0 else 0.0 for r in raw])


def story_vector(pool: Pool) -> np.ndarray:
    """The story's anchor: the titles and first two reporting sentences of each article."""
    leads = [pool.vectors[i] for i, s in enumerate(pool.sentences) if s.position < 2]
    titles = list(pool.title_vectors) if pool.title_vectors is not None else []
    parts = titles + leads
    anchor = unit(np.mean(parts, axis=0)) if parts else np.zeros(pool.vectors.shape[1])
    return anchor


def reports(sentence: PoolSentence, published: str = "") -> bool:
    """Whether a sentence may stand in the body: it reports, stands alone, and is about the story.

    ``published``: its article's date, which resolves its relative time words ("today").
    """
    text = sentence.text
    return not opinion(text) and stands_alone(text, published) and not NOT_THE_STORY.search(text)


def antecedent(pool: Pool, i: int) -> int | None:
    """For a sentence that points back ("It was the first …"), the reporting sentence before it in its
    article, which a statement then quotes with it; None when it needs none or has none."""
    sentence = pool.sentences[i]
    text = sentence.text
    published = pool.published(sentence.doc_id)
    if not DANGLING.match(text) or opinion(text) or NOT_THE_STORY.search(text):
        return None
    if not stands_alone(DANGLING.sub("X", text, count=1), published):
        return None  # it has a relative time word its article's date cannot resolve
    before = i - 1
    if before < 0 or pool.sentences[before].doc_id != sentence.doc_id:
        return None
    if pool.sentences[before].position != sentence.position - 1:
        return None
    return before if reports(pool.sentences[before], published) else None


def pick(pool: Pool, scores: np.ndarray, words: int) -> list[tuple[int, ...]]:
    """Greedy, diverse pick of reporting sentences whose lengths add up to about ``words``.

    Each pick is a statement: one sentence, or a sentence that points back together with the one before
    it. Three passes: first each outlet's best sentence, so that every outlet reporting on the story is
    cited; then the best sentences above FLOOR; then, while the budget has room, the rest (a briefing
    uses the length asked for, up to OVER_BUDGET more, as long as there is reporting that says
    something new).
    """
    joined = {i: j for i in range(len(pool.sentences)) if (j := antecedent(pool, i)) is not None}
    eligible = [
        i
        for i, sentence in enumerate(pool.sentences)
        if reports(sentence, pool.published(sentence.doc_id)) or i in joined
    ]
    state = _Picking(pool, scores, words, joined)
    floor = FLOOR * float(scores.max()) if len(scores) else 0.0
    by_outlet: dict[str, list[int]] = defaultdict(list)
    for i in sorted(eligible, key=lambda i: -scores[i]):
        by_outlet[pool.sentences[i].outlet].append(i)
    for outlet in sorted(by_outlet, key=lambda o: -scores[by_outlet[o][0]]):
        best = next((i for i in by_outlet[outlet] if scores[i] >= OUTLET_FLOOR * floor), None)
        if best is not None and state.fits(best):
            state.take(best)
    bonus = {i: NEW_FIGURE_BONUS if _figures_of(pool.sentences[i]) else 0.0 for i in eligible}
    state.fill([i for i in eligible if scores[i] + bonus[i] >= floor])
    state.fill(eligible)
    state.fill(eligible, strict=False)
    state.fill(eligible, strict=False, novel=True)
    if not state.chosen and len(scores):  # every sentence is longer than the budget: still say something
        state.chosen.append(int(np.argmax(scores)))
    # A statement per pick: a sentence taken with its antecedent is quoted with it, once.
    leads = {joined[i] for i in state.chosen if i in joined}
    return [(joined[i], i) if i in joined else (i,) for i in state.chosen if i not in leads]


class _Picking:
    """The greedy pick's state: what is chosen, the words used, the figures given, per-outlet counts."""

    def __init__(self, pool: Pool, scores: np.ndarray, words: int, joined: dict[int, int]) -> None:
        self.pool, self.scores, self.words = pool, scores, words
        self.joined = joined  # sentence -> the antecedent it is quoted with
        self.chosen: list[int] = []
        self.per_outlet: Counter[str] = Counter()
        self.used = 0
        self.covered: set[tuple[str, float]] = set()
        self.said: set[str] = set()  # the content words of the picks, for the novel pass

    def _members(self, i: int) -> list[int]:
        return [self.joined[i], i] if i in self.joined else [i]

    def fits(self, i: int, strict: bool = True, novel: bool = False) -> bool:
        """Not picked, within the budget, and not reporting what a picked sentence reports (strict:
        nor anything close to it in meaning that shares a rare word; novel: unless most of its
        content words are new to the picks)."""
        same = self.pool.related if strict else self.pool.same_fact
        own = self._members(i)
        members = [m for m in own if m not in self.chosen]
        budget = self.words if strict else self.words * (1 + OVER_BUDGET)
        if i in self.chosen or self.used + sum(_words(self.pool.sentences[m]) for m in members) > budget:
            return False
        if not any(same(m, j) for m in members for j in self.chosen if j not in own):
            return True
        return novel and self._novelty(members) >= NOVEL_SHARE

    def _novelty(self, members: list[int]) -> float:
        """The share of the members' content words that no picked sentence has."""
        own = set().union(*(content_terms(self.pool.sentences[m].text) for m in members))
        return len(own - self.said) / len(own) if own else 0.0

    def take(self, i: int) -> None:
        for m in self._members(i):
            if m in self.chosen:
                continue
            self.chosen.append(m)
            self.per_outlet[self.pool.sentences[m].outlet] += 1
            self.covered |= _figures_of(self.pool.sentences[m])
            self.said |= content_terms(self.pool.sentences[m].text)
            self.used += _words(self.pool.sentences[m])

    def fill(self, candidates: list[int], strict: bool = True, novel: bool = False) -> None:
        """Take the best remaining candidate (MMR against the picks, spread across outlets) while any fits."""
        sims = self.pool.similarity()
        remaining = set(candidates)
        while remaining:
            best, best_value = None, -math.inf
            for i in list(remaining):
                if not self.fits(i, strict, novel):
                    remaining.discard(i)
                    continue
                closest = max((float(sims[i][j]) for j in self.chosen), default=0.0)
                value = (
                    self.scores[i]
                    - MMR_LAMBDA * max(0.0, closest - TOPICAL)
                    - OUTLET_DECAY * self.per_outlet[self.pool.sentences[i].outlet]
                )
                if _figures_of(self.pool.sentences[i]) - self.covered:
                    value += NEW_FIGURE_BONUS
                if value > best_value:
                    best, best_value = i, value
            if best is None:
                return
            self.take(best)
            remaining.discard(best)


def _figures_of(sentence: PoolSentence) -> set[tuple[str, float]]:
    return {(f.unit, f.value) for f in figures(sentence.text) if f.unit}


def _words(sentence: PoolSentence) -> int:
    return len(sentence.text.split())
