"""Which articles a briefing covers: stories in an index, --story, and what --topic keeps and leaves out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.briefing.stories import find_stories, group
from qa.briefing.summarize import summarize
from qa.errors import QAError
from qa.index.corpus import Corpus
from qa.ingest.pipeline import ingest
from qa.types import Article
from tests.helpers.seeds import ROOT, settings_for

SAMPLE = ROOT / "eval" / "allsides_sample.jsonl"  # 4 AllSides events, 3 outlets each
COLA = ROOT / "tests" / "data" / "allsides_cola.jsonl"  # events 5621 (COLA) and 5618 (jobless claims)


def _article(doc_id: str, published: str = "") -> Article:
    return Article(doc_id, doc_id, doc_id, "", published, "", "text", "h", 0)


def test_group_joins_close_articles_of_nearby_dates_and_keeps_others_apart() -> None:
    a, b = np.eye(4)[0], np.eye(4)[1]
    near_a = (a + 0.1 * b) / np.linalg.norm(a + 0.1 * b)
    vectors = np.stack([a, near_a, b, near_a]).astype(np.float32)
    articles = [
        _article("a1", "2021-10-13"),
        _article("a2", "2021-10-14"),
        _article("b1", "2021-10-13"),
        _article("a3", "2021-11-30"),  # the same words weeks later: another story
    ]
    assert group(articles, vectors) == [[0, 1], [2], [3]]
    undated = [_article(x.doc_id) for x in articles]  # with no dates, meaning alone decides
    assert group(undated, vectors) == [[0, 1, 3], [2]]


def test_an_article_left_alone_joins_the_closest_story_at_a_lower_bar() -> None:
    a, b = np.eye(3)[0], np.eye(3)[1]
    angle = (a + 0.8 * b) / np.linalg.norm(a + 0.8 * b)  # cosine 0.78 to a, 0.62 to b
    vectors = np.stack([a, a, angle]).astype(np.float32)
    articles = [_article(f"d{i}", "2021-10-13") for i in range(3)]
    assert group(articles, vectors) == [[0, 1, 2]]
    apart = np.stack([a, a, np.eye(3)[2]]).astype(np.float32)  # cosine 0 to the others
    assert group(articles, apart) == [[0, 1], [2]]


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("sample") / "idx"
    assert not ingest([SAMPLE], settings_for(index)).failed
    return index


def test_the_sample_index_holds_its_four_events_as_four_stories(sample_index: Path) -> None:
    with Corpus(settings_for(sample_index)) as corpus:
        stories = find_stories(corpus)
    assert len(stories) == 4
    for story in stories:
        events = {d.split("-")[1] for d in story.doc_ids}
        assert len(events) == 1 and len(story.doc_ids) == 3 and len(story.outlets) == 3
        assert story.first == story.last and story.first.startswith("2021-")
    assert [s.number for s in stories] == [1, 2, 3, 4]


def test_summarize_briefs_one_story_and_names_the_others(sample_index: Path) -> None:
    notices: list[str] = []
    with Corpus(settings_for(sample_index)) as corpus:
        first = summarize(corpus, offline=True, words=80, on_notice=notices.append)
        third = summarize(corpus, offline=True, words=80, story=3)
        with pytest.raises(QAError, match="no story 9: the index holds 4"):
            summarize(corpus, offline=True, story=9)
    assert any("4 stories" in n and "qa stories" in n for n in notices)
    for briefing, number in ((first, 1), (third, 3)):
        assert briefing.selection is not None and briefing.selection.story == number
        kept = {c.doc_id for c in briefing.selection.kept}
        assert len({d.split("-")[1] for d in kept}) == 1  # one event, never a mix
        cited = {c.doc_id for s in briefing.sentences for c in s.citations}
        assert cited <= kept
    assert {c.doc_id for c in first.selection.kept} != {c.doc_id for c in third.selection.kept}  # type: ignore[union-attr]


def test_topic_keeps_every_outlet_with_a_relevant_article_and_lists_what_it_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "idx"
    assert not ingest([COLA], settings_for(index)).failed
    topic = "Social Security cost-of-living adjustment"
    with Corpus(settings_for(index)) as corpus:
        briefing = summarize(corpus, topic, 120, offline=True)
        # Every article proposed by search: the jobless-claims ones are decided on, and listed.
        monkeypatch.setattr("qa.briefing.summarize.TOPIC_PROPOSE", 0.0)
        everything = summarize(corpus, topic, 120, offline=True)
    cola = {"as-5621-left", "as-5621-center", "as-5621-right"}
    for b in (briefing, everything):
        assert b.selection is not None and b.selection.how == "topic"
        assert {c.doc_id for c in b.selection.kept} == cola
        assert "Fox Business" in {o.outlet for o in b.outlets}  # its COLA article is not dropped
    left_out = everything.selection.left_out  # type: ignore[union-attr]
    assert {c.doc_id for c in left_out} == {"as-5618-left", "as-5618-center", "as-5618-right"}
    assert all(c.relevance is not None and c.outlet for c in left_out)


def test_qa_stories_and_summarize_story_on_the_command_line(run_cli, sample_index: Path) -> None:
    code, out, _ = run_cli("stories", "--index", str(sample_index), "--json")
    stories = json.loads(out)["stories"]
    assert code == 0 and len(stories) == 4 and all(len(s["doc_ids"]) == 3 for s in stories)
    code, out, _ = run_cli("stories", "--index", str(sample_index))
    assert code == 0 and out.startswith("1. “") and "4 story(ies)" in out
    code, out, err = run_cli("summarize", "--index", str(sample_index), "--offline", "--story", "2", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["selection"]["how"] == "story" and doc["selection"]["story"] == 2
    assert set(stories[1]["doc_ids"]) == {c["doc_id"] for c in doc["selection"]["kept"]}
    code, _, err = run_cli("summarize", "--index", str(sample_index), "--offline", "--story", "7")
    assert code == 1 and "no story 7" in err
