"""Property tests (hypothesis) that extend tests/test_citations.py and tests/test_chunking.py.

* Any span of an ingested article (the real committed chunks of the seeds' index) resolves
  to a verified citation of exactly that text, at exactly that place when the text is unique.
* Chunking any text (every Unicode line separator, control characters, front matter, page
  furniture) keeps ``text[start:end] == chunk`` AND loses no reporting: every visible character
  outside furniture lines is inside some chunk.
* resolve() never verifies a quote whose span differs beyond whitespace/typography, and a
  one-character change to a real quote never verifies.
* Whatever a model replies, the reader ends in an Answer or one LLMError; nothing else escapes.
* Any search text is safe for the FTS5 query, and terminal output never carries control characters.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qa.answer.citations import _fold, normalise, resolve
from qa.answer.llm import LLMReader
from qa.errors import LLMError
from qa.index.corpus import Corpus
from qa.ingest.chunking import chunk_article
from qa.ingest.furniture import furniture_lines
from qa.ingest.loaders import content_hash
from qa.render.terminal import terminal_safe
from qa.types import Article, Hit
from tests.helpers.fake_llm import FakeLLM
from tests.helpers.seeds import settings_for

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def seed_chunks(seed_index_dir: Path) -> tuple[dict[str, str], list[Hit]]:
    """The seeds' article texts and every committed chunk as a Hit, read from the real index."""
    with Corpus(settings_for(seed_index_dir)) as corpus:
        chunks = corpus.store.doc_chunks()
        texts = {doc_id: corpus.article_text(doc_id) for doc_id in {c.doc_id for c in chunks}}
        hits = [
            Hit(c.chunk_id, c.doc_id, f"{c.doc_id}.txt", "t", "o", c.start, c.end, c.text, 1.0)
            for c in chunks
        ]
    return texts, hits


@PROPERTY
@given(data=st.data())
def test_any_span_of_an_ingested_article_resolves_to_itself(seed_chunks, data: st.DataObject) -> None:
    texts, hits = seed_chunks
    hit = data.draw(st.sampled_from(hits))
    a = data.draw(st.integers(0, len(hit.text) - 1))
    b = data.draw(st.integers(a + 1, min(len(hit.text), a + 400)))
    start, end = hit.start + a, hit.start + b
    text = texts[hit.doc_id]
    assume(not text[start].isspace() and not text[end - 1].isspace())
    quote = text[start:end]
    shown = data.draw(st.permutations(hits))[:8]
    if hit not in shown:
        shown = [*shown[:7], hit]
    hint = data.draw(st.sampled_from([None, "P1", "P3", "P8", "nonsense"]))
    c = resolve(quote, shown, hint, texts.__getitem__)
    assert c.verified
    assert normalise(texts[c.doc_id][c.start : c.end]) == normalise(quote)
    if sum(normalise(t).count(normalise(quote)) for t in texts.values()) == 1:
        assert (c.doc_id, c.start, c.end) == (hit.doc_id, start, end)


# Lines of every shape chunking meets, joined by every line break str.splitlines() knows.
_LINES = st.sampled_from(
    [
        "Parliament voted on Sunday to end the foreign troop presence.",
        "READ MORE: a link headline",
        "Short headline",
        "Story continues below advertisement",
        "Sadr spoke at length; “we will respond,” he said — and left.",
        "tab\tand\u00a0nbsp and zero\u200bwidth and soft\u00adhyphen text here.",
        "control \x07 bell \x1b[2J escape and \x7f delete, still reporting.",
        "مجلس بغداد صوّت على الميزانية يوم الأحد.",
        "x" * 150,
        " ".join(["word"] * 60) + ".",
        "",
        "   ",
    ]
)
_BREAKS = st.sampled_from(
    ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\n\n"]
)


@PROPERTY
@given(
    st.lists(st.tuples(_LINES, _BREAKS), min_size=1, max_size=25),
    st.booleans(),
    st.sampled_from([(80, 10), (200, 50), (700, 100)]),
)
def test_chunks_keep_offsets_and_lose_no_reporting(lines, front_matter: bool, size: tuple[int, int]) -> None:
    front = "---\ntitle: T\n---\n" if front_matter else ""
    text = front + "".join(line + brk for line, brk in lines)
    article = Article("doc", "mem", "T", "", "", "", text, content_hash(text, {}), len(front))
    chunks = chunk_article(article, *size)
    covered = [False] * len(text)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text and chunk.start >= len(front)
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    furniture = [False] * len(text)
    for s, e in furniture_lines(article):
        for i in range(s, e):
            furniture[i] = True
    lost = [
        i
        for i in range(len(front), len(text))
        if not text[i].isspace() and not furniture[i] and not covered[i]
    ]
    assert not lost, f"reporting left out of every chunk: {text[lost[0] : lost[0] + 40]!r}"


def test_repeated_text_is_chunked_at_its_own_position() -> None:
    """Found by the property above.

    A repeat within one chunk's reach used to be placed at the earlier copy.
    """
    sentence = "Parliament voted on Sunday to end the foreign troop presence."
    text = f"{sentence}\r{sentence}\n"
    chunks = chunk_article(Article("doc", "mem", "", "", "", "", text, "h", 0), 80, 10)
    covered = {i for c in chunks for i in range(c.start, c.end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


_QUOTE_ALPHABET = st.sampled_from(
    list("abAB .,'\"\u2018\u2019\u201c\u201d\u2013\u2014-\u2026\u00a0\n\u200bİi")
)


@PROPERTY
@given(st.text(_QUOTE_ALPHABET, max_size=50), st.text(_QUOTE_ALPHABET, max_size=12), st.data())
def test_resolve_never_verifies_a_different_text(article: str, quote: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(article)), min_size=2, max_size=6)))
    hits = [
        Hit(f"c{i}", "d", "d.txt", "t", "o", s, e, article[s:e], 1.0)
        for i, (s, e) in enumerate(pairwise(cuts))
        if e > s
    ]
    assume(hits)
    c = resolve(quote, hits, data.draw(st.sampled_from([None, "P1", "P2"])), {"d": article}.__getitem__)
    wanted = {normalise(quote)}
    inner = normalise(quote)
    if len(inner) > 2 and inner[0] == inner[-1] and inner[0] in "\"'":
        wanted.add(normalise(quote.strip()[1:-1]))  # the model's own quotation marks may be dropped
    if c.verified:
        assert normalise(article[c.start : c.end]) in wanted
    elif c.start is not None:  # pointed at but not verified: only a difference in case
        assert _fold(normalise(article[c.start : c.end])) in {_fold(w) for w in wanted}


@PROPERTY
@given(st.data())
def test_a_one_character_change_never_verifies(seed_chunks, data: st.DataObject) -> None:
    texts, hits = seed_chunks
    hit = data.draw(st.sampled_from(hits))
    a = data.draw(st.integers(0, max(0, len(hit.text) - 30)))
    quote = hit.text[a : a + 30]
    i = data.draw(st.integers(0, len(quote) - 1))
    assume(quote[i].isalnum())
    replacement = data.draw(st.sampled_from([c for c in "qxz0379" if c.lower() != quote[i].lower()]))
    changed = quote[:i] + replacement + quote[i + 1 :]
    assume(not any(_fold(normalise(changed)) in _fold(normalise(t)) for t in texts.values()))
    c = resolve(changed, hits, "P1", texts.__getitem__)
    assert not c.verified and c.start is None


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.sampled_from(["answered", "not_found", "P1", "P2", "x"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["status", "answer", "citations", "quote", "source", "text", "passage", "refusal", "other"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@PROPERTY
@given(reply=st.one_of(_JSON.map(json.dumps), st.text(max_size=80)), data=st.data())
def test_any_model_reply_ends_in_an_answer_or_one_llm_error(
    seed_chunks, reply: str, data: st.DataObject
) -> None:
    texts, hits = seed_chunks
    shown = hits[:4]
    if data.draw(st.booleans()):  # sometimes the reply also quotes a real passage
        try:
            extra = json.loads(reply)
        except ValueError:
            extra = reply
        reply = json.dumps(
            {
                "status": "answered",
                "answer": "x",
                "citations": [{"source": "P2", "quote": shown[1].text[5:60]}, extra],
            }
        )
    fake = FakeLLM().reply(reply).reply(reply)  # the second is for the repair round trip, if any
    settings_ = fake.settings(max_retries=0)
    try:
        answer = LLMReader(settings_, client=fake.client(settings_)).answer(
            "How many lawmakers attended?", shown, texts.__getitem__
        )
    except LLMError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    finally:
        fake.http_client.close()
    assert answer.status in ("answered", "not_found")
    for c in answer.citations:
        if c.verified:
            assert normalise(texts[c.doc_id][c.start : c.end]) == normalise(c.quote) or c.start is not None


@PROPERTY
@given(st.text(max_size=60))
def test_any_search_text_is_a_safe_fts_query(seed_index_dir: Path, query: str) -> None:
    with Corpus(settings_for(seed_index_dir)) as corpus:
        for chunk_id, score in corpus.store.bm25(query, 5):
            assert isinstance(chunk_id, str) and isinstance(score, float)


@PROPERTY
@given(st.text(max_size=80))
def test_terminal_output_never_carries_control_characters(text: str) -> None:
    shown = terminal_safe(text)
    assert not any((ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in shown)
    if not any((ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in text):
        assert shown == text
