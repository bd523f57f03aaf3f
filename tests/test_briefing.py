"""qa summarize: neutral briefings, every citation verified, differences cited on both sides."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.briefing import llm as briefing_llm
from qa.briefing.loaded_language import charged_share, find_terms, lexicon, parse_lexicon, unattributed
from qa.briefing.model import Briefing
from qa.briefing.pool import build_pool, usable
from qa.briefing.summarize import summarize
from qa.figures import figures
from qa.index.corpus import Corpus
from qa.index.notices import NOTICES_FILE
from qa.render.json import briefing_json
from qa.render.markdown import briefing_markdown
from qa.render.terminal import briefing_text
from tests.helpers.seeds import CITATION_KEYS, GLOBAL_NEWS, ROOT, SEEDS, UNNAMED, settings_for


def _article(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")


def _all_citations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for key in ("sentences", "differences") for item in doc[key] for c in item["citations"]]


def _check_spans(doc: dict[str, Any]) -> None:
    for c in _all_citations(doc):
        assert c["verified"] is True, c
        assert _article(c["doc_id"])[c["start"] : c["end"]] == c["quote"]


class CachedEmbedder:
    """The real embedder, remembering every text it embedded (the tests brief the seeds often)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.cache = inner, inner.name, {}

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed(missing), strict=True))
        return np.array([self.cache[t] for t in texts], dtype=np.float32)


@pytest.fixture(scope="module")
def corpus(seed_index_dir: Path) -> Iterator[Corpus]:
    """The seeds' index, read-only, with an embedder cache shared by this module's tests."""
    from qa.index.embedding import load_embedder

    settings = settings_for(seed_index_dir)
    with Corpus(settings, embedder=CachedEmbedder(load_embedder(settings))) as opened:
        yield opened


# -- offline (extractive) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def offline_doc(corpus: Corpus) -> dict[str, Any]:
    return briefing_json(summarize(corpus, offline=True))


def test_offline_seed_briefing_reports_the_key_facts(offline_doc: dict[str, Any]) -> None:
    body = " ".join(s["text"] for s in offline_doc["sentences"])
    everything = body + " " + " ".join(d["text"] for d in offline_doc["differences"])
    assert "parliament" in body and "passed a resolution" in body  # the vote
    assert "5,000" in body  # roughly 5,000 US troops
    assert "non-binding" in body or "not binding" in body
    assert "168 lawmakers present" in everything
    assert offline_doc["backend"] == "extractive"


def test_offline_every_sentence_and_difference_is_verified_and_exact(offline_doc: dict[str, Any]) -> None:
    assert offline_doc["sentences"] and offline_doc["differences"]
    for item in offline_doc["sentences"] + offline_doc["differences"]:
        assert item["citations"], item
    _check_spans(offline_doc)
    assert offline_doc["dropped"] == []


def test_offline_briefing_draws_on_both_outlets_and_marks_single_outlet_facts(
    offline_doc: dict[str, Any],
) -> None:
    cited = {o["outlet"]: o["cited"] for o in offline_doc["outlets"]}
    assert cited["Global News"] > 0 and cited["Outlet not named"] > 0
    troops = next(s for s in offline_doc["sentences"] if "5,000" in s["text"])
    assert {c["doc_id"] for c in troops["citations"]} == {GLOBAL_NEWS, UNNAMED}  # corroborated
    assert troops["single_outlet"] is False
    for s in offline_doc["sentences"]:
        if s["single_outlet"]:
            assert len({c["doc_id"] for c in s["citations"]}) == 1
    assert {s["section"] for s in offline_doc["sentences"]} <= {"What happened", "Who said what"}


def test_offline_briefing_differences_cite_what_they_compare(offline_doc: dict[str, Any]) -> None:
    attendance = next(d for d in offline_doc["differences"] if "168" in d["text"])
    assert attendance["kind"] == "only_one_figure" and "Only Global News" in attendance["text"]
    # A figure one outlet alone gives has no other side to cite: no unrelated sentence stands in for one.
    assert [c["doc_id"] for c in attendance["citations"]] == [GLOBAL_NEWS]
    for d in offline_doc["differences"]:
        sides = {c["doc_id"] for c in d["citations"]}
        assert len(sides) == (2 if d["kind"] == "figures" else len(d["citations"]))
        assert len(sides) == 1 or d["kind"] in ("figures", "wording")


def test_offline_briefing_keeps_furniture_and_charge_out(offline_doc: dict[str, Any]) -> None:
    body = " ".join(s["text"] for s in offline_doc["sentences"])
    for furniture in ("Opinion:", "READ MORE", "Click to play", "This page was updated", "Story continues"):
        assert furniture not in body
    assert offline_doc["loaded_terms"] == []  # no charged word in the briefing's own voice


def test_offline_topic_steers_the_briefing_to_it(corpus: Corpus, offline_doc: dict[str, Any]) -> None:
    topical = briefing_json(summarize(corpus, topic="Moqtada al-Sadr's response", offline=True))
    mentions = lambda doc: sum("Sadr" in s["text"] for s in doc["sentences"])  # noqa: E731
    assert mentions(topical) >= 3 and mentions(topical) > mentions(offline_doc)
    assert all(c["verified"] for s in topical["sentences"] for c in s["citations"])


def test_cli_summarize_json_contract(run_cli, seed_index_dir: Path) -> None:
    code, out, err = run_cli("summarize", "--offline", "--json", "--index", str(seed_index_dir))
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {
        *("topic", "backend", "sentences", "differences", "loaded_terms", "outlets", "dropped"),
        "selection",
    }
    # The seeds are one story: every article is briefed, and the selection says so.
    assert doc["selection"]["how"] == "all" and doc["selection"]["left_out"] == []
    assert {c["doc_id"] for c in doc["selection"]["kept"]} == {GLOBAL_NEWS, UNNAMED}
    assert set(doc["sentences"][0]) == {
        "text",
        "citations",
        "single_outlet",
        "section",
        "supported",
        "problems",
        "times",
    }
    assert all(s["supported"] and s["problems"] == [] for s in doc["sentences"])
    assert set(doc["differences"][0]) == {"text", "citations", "kind"}
    assert set(doc["outlets"][0]) == {"outlet", "doc_ids", "cited"}
    assert all(set(c) == CITATION_KEYS for c in _all_citations(doc))
    assert "No LLM is configured" not in err  # --offline was asked for: nothing to announce


def test_cli_summarize_text_by_default_markdown_asked_and_notice(run_cli, writable_index: Path) -> None:
    (writable_index / NOTICES_FILE).unlink(missing_ok=True)  # an earlier test may have shown it
    code, out, err = run_cli("summarize", "--words", "120", "--format", "md", "--index", str(writable_index))
    assert code == 0
    assert "No LLM is configured" in err and "extractive briefing" in err
    assert "## What happened" in out and "## Where the sources differ" in out and "## Citations" in out
    code, out, err = run_cli("summarize", "--words", "120", "--index", str(writable_index))
    assert code == 0 and "No LLM is configured" not in err  # once per index
    assert out.startswith("Briefing\n") and "\nWhat happened\n" in out and "##" not in out
    code, _, err = run_cli("summarize", "--format", "pdf", "--index", str(writable_index))
    assert code == 2 and "text or md or json or html" in " ".join(err.replace("│", " ").split())  # rich's box


def test_text_format(corpus: Corpus) -> None:
    text = briefing_text(summarize(corpus, offline=True))
    assert "What happened" in text and "Where the sources differ" in text and "##" not in text
    assert "(only Global News)" in text


def test_topic_focuses_the_briefing(corpus: Corpus) -> None:
    briefing = summarize(corpus, topic="Canadian NATO training mission", offline=True)
    assert briefing.topic == "Canadian NATO training mission"
    assert any("training" in s.text for s in briefing.sentences)


def test_empty_index_is_one_clear_error(run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli("summarize", "--index", str(tmp_path / "none"))
    assert code == 1 and out == "" and err.startswith("error: ") and err.count("\n") == 1


def test_three_outlet_event_is_briefed_from_at_least_two_outlets(tmp_path: Path) -> None:
    from qa.ingest.pipeline import ingest

    lines = (ROOT / "eval" / "allsides_sample.jsonl").read_text(encoding="utf-8").splitlines()
    event = [line for line in lines if '"as-5608-' in line]
    assert len(event) == 3
    (tmp_path / "event.jsonl").write_text("\n".join(event) + "\n", encoding="utf-8")
    settings = settings_for(tmp_path / "idx")
    assert not ingest([tmp_path / "event.jsonl"], settings).failed
    with Corpus(settings) as corpus:
        doc = briefing_json(summarize(corpus, words=80, offline=True))
        text = {d: corpus.article_text(d) for d in {c["doc_id"] for c in _all_citations(doc)}}
    assert sum(o["cited"] > 0 for o in doc["outlets"]) >= 2
    for c in _all_citations(doc):
        assert c["verified"] and text[c["doc_id"]][c["start"] : c["end"]] == c["quote"]
    assert all(not s["text"].endswith("...") for s in doc["sentences"])  # truncated excerpts left out


def test_conflicting_figures_are_reported_with_both_sides(tmp_path: Path) -> None:
    from qa.ingest.pipeline import ingest

    one = (
        "Iraq's parliament voted on Sunday to end the foreign troop presence. "
        "About 5,000 U.S. troops remain in Iraq, officials said. The vote is not binding."
    )
    two = (
        "Iraq's parliament voted on Sunday to expel foreign troops. About 6,000 U.S. "
        "troops remain in Iraq, officials said. Sunni lawmakers stayed away."
    )
    rows = [
        {"id": "a", "outlet": "Wire A", "title": "Vote", "text": one},
        {"id": "b", "outlet": "Paper B", "title": "Vote", "text": two},
    ]
    (tmp_path / "two.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = settings_for(tmp_path / "idx")
    assert not ingest([tmp_path / "two.jsonl"], settings).failed
    with Corpus(settings) as corpus:
        briefing = summarize(corpus, offline=True)
    conflict = next(d for d in briefing.differences if d.kind == "figures")
    assert "5,000" in conflict.text and "6,000" in conflict.text
    assert {c.doc_id for c in conflict.citations} == {"a", "b"} and all(
        c.verified for c in conflict.citations
    )
    troops = [s for s in briefing.sentences if "troops remain" in s.text]
    assert all(len(s.citations) == 1 for s in troops)  # different figures are never "the same fact"


# -- the mocked model -------------------------------------------------------------------------

NOTES = {
    "notes": [
        {
            "source": "P1",
            "quote": "Parliament resolutions, unlike laws, are non-binding to the government.",
            "note": "The resolution is non-binding.",
            "importance": 3,
        },
        {
            "source": "P2",
            "quote": "Around 5,000 US troops remain in Iraq",
            "note": "About 5,000 US troops are in Iraq.",
            "importance": 3,
        },
        {
            "source": "P3",
            "quote": (
                "A resolution passed by a special session of parliament said the government "
                "should cancel its request for assistance from a US-led coalition."
            ),
            "note": "A special session passed a resolution.",
            "importance": 3,
        },
        {
            "source": "P5",
            "quote": "the 168 lawmakers present were just three more than the quorum",
            "note": "168 lawmakers attended; the quorum is 165.",
            "importance": 2,
        },
        {
            "source": "P6",
            "quote": "session was called after a U.S. drone strike on Friday at Baghdad airport",
            "note": "The session followed a US drone strike.",
            "importance": 2,
        },
        {
            "source": "P6",
            "quote": "its troops expelled in a “humiliating” manner",
            "note": "Sadr wants the troops expelled in a humiliating manner.",
            "importance": 1,
        },
        {
            "source": "P2",
            "quote": "Parliament voted 170-0 to expel every foreign soldier.",
            "note": "A fabricated vote count.",
            "importance": 3,
        },
    ]
}


def _reduce(*sentences: dict[str, Any], differences: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"sentences": list(sentences), "differences": differences or []}


def _sentence(text: str, *quotes: str, section: str = "What happened") -> dict[str, Any]:
    return {"section": section, "text": text, "citations": [{"source": "P1", "quote": q} for q in quotes]}


NON_BINDING = _sentence(
    (
        "Iraq's parliament passed a resolution asking the government to "
        "end the foreign troop presence; such resolutions are not binding."
    ),
    (
        "A resolution passed by a special session of parliament said the government "
        "should cancel its request for assistance from a US-led coalition."
    ),
    "Parliament resolutions, unlike laws, are non-binding to the government.",
)
TROOPS = _sentence(
    "About 5,000 US troops remain in Iraq.",
    "Around 5,000 US troops remain in Iraq, most of them in an advisory capacity.",
)


def _llm_briefing(corpus: Corpus, fake_llm, reduce: dict[str, Any]) -> tuple[Briefing, dict[str, Any]]:
    fake_llm.reply_json(NOTES).reply_json(reduce)
    briefing = summarize(corpus, client=fake_llm.client())
    assert len(fake_llm.requests) == 2  # one map call (both seeds fit the budget), one reduce call
    return briefing, briefing_json(briefing)


def test_mocked_model_briefing_citations_all_verify(corpus: Corpus, fake_llm) -> None:
    briefing, doc = _llm_briefing(corpus, fake_llm, _reduce(NON_BINDING, TROOPS))
    assert doc["backend"].startswith("llm:")
    assert [s["text"] for s in doc["sentences"]] == [NON_BINDING["text"], TROOPS["text"]]
    _check_spans(doc)
    troops = doc["sentences"][1]
    assert {c["doc_id"] for c in troops["citations"]} == {UNNAMED, GLOBAL_NEWS}  # corroborated from the pool
    # The map call saw article text only (no furniture); the reduce call saw the verified notes only.
    map_user = fake_llm.messages[0][-1]["content"]
    assert '<passage id="P1">' in map_user and "READ MORE" not in map_user and "Opinion:" not in map_user
    reduce_user = fake_llm.messages[1][-1]["content"]
    assert "168 lawmakers present" in reduce_user and "170-0" not in reduce_user
    assert "Where the sources differ" in briefing_markdown(briefing)


def test_mocked_model_fabricated_quote_is_dropped_not_shown_as_supported(corpus: Corpus, fake_llm) -> None:
    fabricated = _sentence(
        "Parliament voted unanimously.", "The vote was unanimous, with 170 lawmakers in favour."
    )
    _, doc = _llm_briefing(corpus, fake_llm, _reduce(NON_BINDING, fabricated))
    assert [s["text"] for s in doc["sentences"]] == [NON_BINDING["text"]]
    assert doc["dropped"] and doc["dropped"][0]["text"] == "Parliament voted unanimously."
    assert doc["dropped"][0]["citations"][0]["verified"] is False
    assert doc["dropped"][0]["citations"][0]["start"] is None
    _check_spans(doc)


def test_mocked_model_unattributed_charged_word_is_flagged(corpus: Corpus, fake_llm) -> None:
    charged = _sentence(
        "The assassination of Soleimani led to the session.",
        "session was called after a U.S. drone strike on Friday at Baghdad airport",
    )
    attributed = _sentence(
        "Sadr called for the troops to be expelled in a “humiliating” manner.",
        "its troops expelled in a “humiliating” manner",
        section="Who said what",
    )
    briefing, doc = _llm_briefing(corpus, fake_llm, _reduce(charged, attributed))
    assert [(f["term"], f["where"], f["index"]) for f in doc["loaded_terms"]] == [
        ("assassination", "sentences", 0)
    ]
    flag = doc["loaded_terms"][0]
    assert doc["sentences"][0]["text"][flag["start"] : flag["end"]] == "assassination"
    assert flag["category"] == "violence framing"
    assert "unattributed: “assassination”" in " ".join(briefing_text(briefing).split())  # across a wrap


def test_mocked_model_briefing_gives_every_outlet_room_and_flags_its_own_voice(
    corpus: Corpus, fake_llm
) -> None:
    attendance = _sentence(
        "Of course, the special session had 168 lawmakers present, three more than the quorum.",
        "the 168 lawmakers present were just three more than the quorum",
    )
    _, doc = _llm_briefing(corpus, fake_llm, _reduce(attendance))
    cited = {c["outlet"] for s in doc["sentences"] for c in s["citations"]}
    assert cited == {"Global News", "Outlet not named"}  # the model cited one; the other gets room
    assert doc["sentences"][0]["text"] == attendance["text"] and len(doc["sentences"]) == 2
    assert [(f["term"], f["category"]) for f in doc["loaded_terms"]] == [("Of course", "editorial marker")]
    _check_spans(doc)


def test_mocked_model_difference_between_the_seed_outlets_has_both_citations(
    corpus: Corpus, fake_llm
) -> None:
    difference = {
        "text": (
            "Only Global News gives attendance (168 lawmakers, "
            "three above the quorum); the other report of the session gives no figure."
        ),
        "citations": [
            {"source": "P4", "quote": "the 168 lawmakers present were just three more than the quorum"},
            {
                "source": "P3",
                "quote": (
                    "A resolution passed by a special session of parliament "
                    "said the government should cancel its request"
                ),
            },
        ],
    }
    one_sided = {
        "text": "Global News says the strike was at Baghdad airport.",
        "citations": [{"source": "P5", "quote": "at Baghdad airport"}],
    }
    _, doc = _llm_briefing(corpus, fake_llm, _reduce(TROOPS, differences=[difference, one_sided]))
    model = [d for d in doc["differences"] if d["kind"] == "model"]
    assert [d["text"] for d in model] == [difference["text"]]
    assert [c["doc_id"] for c in model[0]["citations"]] == [GLOBAL_NEWS, UNNAMED]
    assert all(c["verified"] for c in model[0]["citations"])
    assert any(d["text"] == one_sided["text"] for d in doc["dropped"])  # one side only: not a difference
    _check_spans(doc)


def test_map_reduce_stays_within_budget_over_many_calls(
    corpus: Corpus, fake_llm, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [corpus.store.article(d) for d in (UNNAMED, GLOBAL_NEWS)]
    batches = briefing_llm.map_batches(corpus, articles, budget_tokens=400)
    assert len(batches) >= 4
    assert all(sum(len(h.text) for h in batch) <= 400 * briefing_llm.CHARS_PER_TOKEN for batch in batches)
    spans = [(h.doc_id, h.start, h.end) for batch in batches for h in batch]
    pool = build_pool(corpus, articles)
    assert all(
        any(d == s.doc_id and a <= s.hit.start and s.hit.end <= b for d, a, b in spans)
        for s in pool.sentences
    )
    monkeypatch.setattr(briefing_llm, "MAP_TOKENS", 400)
    monkeypatch.setattr(briefing_llm, "REDUCE_TOKENS", 150)
    for _ in batches:
        fake_llm.reply_json(NOTES)
    fake_llm.reply_json(_reduce(TROOPS))
    briefing = summarize(corpus, client=fake_llm.client())
    assert len(fake_llm.requests) == len(batches) + 1
    reduce_user = fake_llm.messages[-1][-1]["content"]
    assert reduce_user.count("<passage id=") <= 3  # the reduce budget kept only the top notes
    assert [s.text for s in briefing.sentences] == [TROOPS["text"]]


def test_budget_notes_round_robin_across_articles() -> None:
    from qa.types import Citation, Hit

    def note(doc: str, n: int, importance: int) -> briefing_llm.Note:
        hit = Hit(f"{doc}:{n}", doc, "", "", doc, n * 100, n * 100 + 60, "x" * 60, 0.0)
        return briefing_llm.Note("note", importance, Citation(doc, n * 100, n * 100 + 60, "x", True), hit)

    notes = [note("a", n, 3) for n in range(10)] + [note("b", n, 3) for n in range(2)] + [note("c", 0, 1)]
    picked = briefing_llm.budget_notes(notes, budget_tokens=120)  # room for 4 notes of ~100 chars
    assert [n.hit.doc_id for n in picked] == ["a", "b", "a", "b"]


# -- pieces -------------------------------------------------------------------------------------


def test_lexicon_ships_parses_and_has_a_plainer_wording_for_every_term() -> None:
    entries = lexicon()
    assert len(entries) >= 80
    assert all(e.category and e.plain for e in entries)
    for word in ("assassination", "terrorist", "humiliating", "reckless"):
        assert find_terms(f"It was {word}.") and find_terms(f"It was {word}.")[0].attributed is False
    with pytest.raises(ValueError):
        parse_lexicon("broken line without separators")


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("The assassination of the general raised tensions.", ["assassination"]),
        ("“What happened on Friday is a political assassination,” Abdul Mahdi said.", []),
        ("Sadr said troops should be expelled in a “humiliating” manner.", []),
        ("The plan is reckless, the senator said.", []),
        (
            (
                "The cleric, a populist who says he opposes both, "
                "moved closer to Tehran, a dangerous escalation."
            ),
            ["dangerous"],
        ),
        ("Critics slammed the so-called reform.", ["slammed", "so-called"]),
        ("Islamic State militants grant a truce.", []),
    ],
)
def test_unattributed_charged_terms(text: str, flagged: list[str]) -> None:
    assert [t.term for t in unattributed(text)] == flagged


def test_charged_share() -> None:
    assert charged_share("") == 0.0
    assert charged_share("The reckless plan failed.") == pytest.approx(1 / 4)
    assert charged_share("He called it “reckless”.", only_unattributed=True) == 0.0


def test_figures_skip_years_times_and_dates() -> None:
    found = figures(
        "Around 5,000 U.S. troops and 168 lawmakers; the 2014-2017 war; "
        "15:13 GMT on 05/01/2020; $2.5 billion; 40% of voters"
    )
    assert [(f.text, f.unit) for f in found] == [
        ("5,000", "troop"),
        ("168", "lawmaker"),
        ("$2.5 billion", ""),
        ("40%", "percent"),
    ]
    assert found[2].value == 2.5e9


def test_usable_sentences() -> None:
    assert usable("Around 5,000 US troops remain in Iraq.")
    assert not usable("Iraqi lawmakers pass resolution to end foreign troop presence")  # a headline
    assert not usable(
        "Note: This page was updated at 15:13 GMT on 05/01/2020 with the result of the parliamentary vote."
    )
    assert not usable(
        "In the other case, two officers were sued by the estate of a man whom they shot and killed after..."
    )


def test_a_topic_nothing_is_about_is_a_clear_error(corpus: Corpus) -> None:
    from qa.errors import QAError

    with pytest.raises(QAError, match="No indexed article is about 'football world cup results'"):
        summarize(corpus, topic="football world cup results", offline=True)


WRONG_FIGURE = _sentence(
    "About 170 lawmakers attended the session.",
    "the 168 lawmakers present were just three more than the quorum",
)
RIGHT_FIGURE = _sentence(
    "168 lawmakers attended the session.", "the 168 lawmakers present were just three more than the quorum"
)


@pytest.mark.parametrize("corrected", [True, False])
def test_mocked_model_sentence_with_a_wrong_figure_is_repaired_once_or_dropped(
    corpus: Corpus, fake_llm, corrected: bool
) -> None:
    first = _reduce(WRONG_FIGURE, TROOPS)
    fake_llm.reply_json(NOTES).reply_json(first).reply_json(
        _reduce(RIGHT_FIGURE if corrected else WRONG_FIGURE, TROOPS)
    )
    notices: list[str] = []
    doc = briefing_json(summarize(corpus, client=fake_llm.client(), on_notice=notices.append))
    said, asked = fake_llm.requests[2]["messages"][-2:]
    assert json.loads(said["content"]) == first
    assert "'170' is not in the cited text (it has 168, three)" in asked["content"]
    texts = [s["text"] for s in doc["sentences"]]
    if corrected:
        assert texts == [RIGHT_FIGURE["text"], TROOPS["text"]] and not doc["dropped"]
        assert any("kept the corrected briefing" in n for n in notices)
    else:
        assert texts == [TROOPS["text"]]
        (dropped,) = doc["dropped"]
        assert dropped["text"] == WRONG_FIGURE["text"]
        assert (
            dropped["reason"]
            == "not supported by its citations: '170' is not in the cited text (it has 168, three)"
        )
        assert any("the reply was no better" in n for n in notices)
