"""qa.answer.citations: normalisation, exact span location, and resolution against passages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from qa.answer.citations import hint_index, locate, normalise, resolve
from qa.types import Hit

SEED = Path(__file__).resolve().parents[1] / "seeds" / "001_459249e74de3275c.txt"
SUNNI = (
    "Most Sunni and Kurdish lawmakers boycotted the session, "
    "and the 168 lawmakers present were just three more than the quorum."
)

# Characters that exercise every rule of normalise(): whitespace kinds, typographic
# quotes, dashes, the ellipsis expansion, invisible characters and case.
_ALPHABET = st.sampled_from(
    list(
        "abcAB xyZ.,\n\t\u00a0\u2009-'\"\u2018\u2019\u201c\u201d\u201e\u2032\u2033"
        "\u2013\u2014\u2011\u2212\u2026\u200b\u00adİ"
    )
)
texts = st.text(alphabet=_ALPHABET, max_size=60)


def make_hit(
    doc_id: str, text: str, start: int, end: int, outlet: str = "Outlet", title: str = "Title"
) -> Hit:
    """A Hit for text[start:end] of an article."""
    return Hit(f"{doc_id}:{start}", doc_id, f"{doc_id}.txt", title, outlet, start, end, text[start:end], 1.0)


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


# -- normalise ------------------------------------------------------------------------


def test_normalise_rules() -> None:
    raw = (
        "  \u201cIt\u2019s\u00a0done\u201d \u2013 he "
        "said\u2026\n\n\u2018ok\u2019 \u2014 5\u20326\u2033 \u2212 \u201elow\u201d\t "
    )
    assert normalise(raw) == '"It\'s done" - he said... \'ok\' - 5\'6" - "low"'


@given(texts)
@example("\u2026 \u00a0")
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


# -- locate ---------------------------------------------------------------------------


def test_locate_exact_offsets(seed: str) -> None:
    start = seed.index(SUNNI)
    assert locate(SUNNI, seed) == (start, start + len(SUNNI))
    assert locate(f"  {SUNNI}\n", seed) == (start, start + len(SUNNI))


def test_locate_curly_versus_straight_quotes(seed: str) -> None:
    span = locate("the Shi'ite-led government, which is close to Iran", seed)
    assert span is not None
    assert seed[span[0] : span[1]] == "the Shi\u2019ite-led government, which is close to Iran"


def test_locate_across_collapsed_whitespace_and_dashes() -> None:
    text = "Intro.\n\nThe vote\u00a0\u2014  168\nto 0 \u2014 passed."
    span = locate("The vote - 168 to 0", text)
    assert span is not None and text[span[0] : span[1]] == "The vote\u00a0\u2014  168\nto 0"


def test_locate_case_insensitive_fallback_prefers_exact_case() -> None:
    text = "most sunni lawmakers left. Most Sunni lawmakers left."
    assert locate("Most Sunni lawmakers", text) == (27, 47)
    assert locate("MOST SUNNI", "x most sunni y") == (2, 12)


def test_locate_ellipsis_is_not_split() -> None:
    # "." must not match inside the three dots an ellipsis normalises to.
    assert locate(".", "a\u2026b.") == (3, 4)
    assert locate("a...b", "a\u2026b") == (0, 3)


def test_locate_nothing() -> None:
    assert locate("", "anything") is None
    assert locate("   \n", "anything") is None
    assert locate("not there", "anything") is None


@given(texts, st.data())
@example("a\u2026.", None)
def test_locate_finds_every_substring(text: str, data: st.DataObject | None) -> None:
    if data is None:
        s, e = 2, 3
    else:
        s = data.draw(st.integers(0, len(text)))
        e = data.draw(st.integers(s, len(text)))
    quote = text[s:e]
    span = locate(quote, text)
    if not normalise(quote):
        assert span is None
        return
    assert span is not None
    a, b = span
    assert normalise(text[a:b]) == normalise(quote)
    # Trimmed: the span starts and ends on visible characters.
    assert not text[a].isspace() and not text[b - 1].isspace()


@given(texts, texts)
def test_locate_never_returns_a_different_text(quote: str, text: str) -> None:
    span = locate(quote, text)
    if span is None:
        return
    found = normalise(text[span[0] : span[1]])
    if normalise(quote) in normalise(text):
        assert found == normalise(quote)
    else:  # only the case-insensitive fallback may differ, and only in case
        assert found.lower() == normalise(quote).lower() or found.casefold() == normalise(quote).casefold()


@given(st.text(max_size=40), st.text(max_size=8), st.text(max_size=40))
def test_locate_any_unicode_substring(before: str, middle: str, after: str) -> None:
    text = before + middle + after
    assume(normalise(middle))
    span = locate(middle, text)
    assert span is not None
    assert normalise(text[span[0] : span[1]]) == normalise(middle)


# -- hints ----------------------------------------------------------------------------


@pytest.mark.parametrize("hint", ["P2", "[P2]", "passage 2", "Passage P2", "2", " p2 ", 2])
def test_hint_forms(hint: object) -> None:
    assert hint_index(hint, 3) == 1


@pytest.mark.parametrize("hint", [None, "", "P0", "P9", "source", True])
def test_hint_out_of_range_or_absent(hint: object) -> None:
    assert hint_index(hint, 3) is None


# -- resolve --------------------------------------------------------------------------


@pytest.fixture
def seed_hits(seed: str) -> list[Hit]:
    other = "An unrelated passage about something else entirely."
    p1 = make_hit("other", other, 0, len(other))
    s = seed.index("However, one Sunni Muslim lawmaker")
    e = seed.index(SUNNI) + len(SUNNI)
    p2 = make_hit("001", seed, s, e, outlet="Seed outlet", title="Iraqi lawmakers pass resolution")
    s3 = seed.index("A special session of parliament")
    p3 = make_hit("001", seed, s3, seed.index("\n", s3))
    return [p1, p2, p3]


def articles(seed: str):  # type: ignore[no-untyped-def]
    texts = {"001": seed, "other": "An unrelated passage about something else entirely."}
    return texts.__getitem__


def test_resolve_verified_with_article_offsets(seed: str, seed_hits: list[Hit]) -> None:
    c = resolve(SUNNI, seed_hits, "P2", articles(seed))
    assert c.verified and c.doc_id == "001"
    assert (c.start, c.end) == (seed.index(SUNNI), seed.index(SUNNI) + len(SUNNI))
    assert seed[c.start : c.end] == SUNNI
    assert (c.source, c.title, c.outlet) == ("001.txt", "Iraqi lawmakers pass resolution", "Seed outlet")


def test_resolve_wrong_hint_finds_the_right_passage(seed: str, seed_hits: list[Hit]) -> None:
    c = resolve("the 168 lawmakers present", seed_hits, "P1", articles(seed))
    assert c.verified and c.doc_id == "001" and seed[c.start : c.end] == "the 168 lawmakers present"


def test_resolve_fabricated_quote_is_kept_unverified(seed: str, seed_hits: list[Hit]) -> None:
    c = resolve("All lawmakers attended the session.", seed_hits, "P2", articles(seed))
    assert (c.verified, c.start, c.end, c.doc_id) == (False, None, None, "001")
    assert c.quote == "All lawmakers attended the session."
    unhinted = resolve("All lawmakers attended the session.", seed_hits, None, articles(seed))
    assert (unhinted.doc_id, unhinted.start, unhinted.verified) == ("", None, False)


def test_resolve_near_miss_is_not_repointed(seed: str, seed_hits: list[Hit]) -> None:
    # One word changed: a fuzzy matcher would "fix" this; qa must not.
    c = resolve(SUNNI.replace("168", "186"), seed_hits, "P2", articles(seed))
    assert not c.verified and c.start is None and c.end is None


def test_resolve_empty_quote(seed: str, seed_hits: list[Hit]) -> None:
    c = resolve("  ", seed_hits, "P2", articles(seed))
    assert not c.verified and c.start is None


def test_resolve_curly_quote_verified(seed: str, seed_hits: list[Hit]) -> None:
    c = resolve("the Shi'ite-led government", seed_hits, "P3", articles(seed))
    assert c.verified and seed[c.start : c.end] == "the Shi\u2019ite-led government"


def test_resolve_strips_quotation_marks_the_model_added(seed: str, seed_hits: list[Hit]) -> None:
    c = resolve(f"\u201c{SUNNI}\u201d", seed_hits, "P2", articles(seed))
    assert c.verified and seed[c.start : c.end] == SUNNI and c.quote == SUNNI


def test_resolve_case_only_difference_points_but_does_not_verify(seed: str, seed_hits: list[Hit]) -> None:
    c = resolve("THE 168 LAWMAKERS", seed_hits, "P2", articles(seed))
    assert not c.verified and seed[c.start : c.end] == "the 168 lawmakers"


def test_resolve_rejects_stale_passage_text(seed: str) -> None:
    # hit.text no longer matches the article at its offsets: never cite it as verified.
    stale = Hit("x", "001", "001.txt", "t", "o", 0, 20, "Completely different", 1.0)
    c = resolve("Completely different", [stale], "P1", articles(seed))
    assert not c.verified and c.start is None


@settings(max_examples=50)
@given(st.data())
def test_resolve_every_sentence_of_a_hit_verifies(seed: str, data: st.DataObject) -> None:
    s = seed.index("However, one Sunni")
    e = seed.index(SUNNI) + len(SUNNI)
    hit = make_hit("001", seed, s, e)
    a = data.draw(st.integers(0, e - s - 1))
    b = data.draw(st.integers(a + 1, e - s))
    quote = hit.text[a:b]
    assume(normalise(quote))
    c = resolve(quote, [hit], "P1", articles(seed))
    assert c.verified
    assert normalise(seed[c.start : c.end]) == normalise(quote)
