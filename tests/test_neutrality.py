"""The briefing body reports in a neutral voice: opinion out, statements that stand alone, every outlet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.briefing.model import FRAMED
from qa.briefing.neutrality import label_end, opinion, stands_alone
from qa.briefing.summarize import summarize
from qa.index.corpus import Corpus
from qa.ingest.pipeline import ingest
from tests.helpers.seeds import settings_for

ZEROHEDGE = (
    "Never wanting to be outdone on the virtue-signaling scales of social justice, it would appear "
    "that LA County's infamous Public Health Director has reinstated the mask mandate."
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (ZEROHEDGE, "a judgement as its subject"),
        ("We have long warned that the mandate would fail.", "first person"),
        ("Who could have predicted that the mandate would return?", "rhetorical question or exclamation"),
        ("The so-called experts reinstated the rule on Thursday.", "editorial marker"),
        ("The reckless plan was approved by the council on Tuesday.", "charged words in its own voice"),
    ],
)
def test_opinion_is_told_from_reporting(text: str, reason: str) -> None:
    assert reason in opinion(text)


@pytest.mark.parametrize(
    "text",
    [
        "Los Angeles County will again require masks indoors from Saturday, health officials said.",
        "“We are not seeking a new Cold War,” Biden said.",  # first person inside a quote is the speaker's
        "Sadr called the resolution “a weak response”.",
        "The council asked: “Who pays for it?”",
    ],
)
def test_reporting_passes_the_gate(text: str) -> None:
    assert opinion(text) == ()


def test_a_statement_stands_alone_and_a_label_is_not_part_of_it() -> None:
    assert not stands_alone("It was the first vote since 2019.")
    assert not stands_alone("Neither did their rescheduled getaway last September.")
    assert not stands_alone("The council will vote today on the plan.")
    assert stands_alone("The council voted on Tuesday to approve the plan.")
    # "The former" points back only as a subject; with a noun it names someone.
    assert not stands_alone("The former said the plan would fail.")
    assert stands_alone("The former acting director of the CDC said second doses were being missed.")
    assert stands_alone("“It is over today,” the mayor said.")  # the words are the speaker's
    text = "Why it matters: The vote is the first since 2019."
    assert text[label_end(text) :] == "The vote is the first since 2019."
    assert label_end("Sadr: We will not leave Iraq.") == 0  # a speaker, not a page label


def _brief(tmp_path: Path, rows: list[dict[str, str]], words: int) -> dict[str, object]:
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = settings_for(tmp_path / "idx")
    assert not ingest([tmp_path / "a.jsonl"], config).failed
    with Corpus(config) as corpus:
        briefing = summarize(corpus, offline=True, words=words)
    return {"briefing": briefing, "body": [s for s in briefing.sentences if s.section != FRAMED]}


ARTICLES = [
    {
        "id": "wire",
        "outlet": "Wire",
        "title": "County brings back indoor masks",
        "text": (
            "Los Angeles County will again require masks indoors from Saturday, health officials said on "
            "Thursday. The order applies to everyone, vaccinated or not. Cases have risen sevenfold since "
            "mid-June, the county said. It is the first big county to bring the rule back."
        ),
    },
    {
        "id": "paper",
        "outlet": "Paper",
        "title": "Masks return in Los Angeles",
        "text": (
            "Masks will be required again in indoor public places across Los Angeles County starting "
            "Saturday night. The county reported 1,537 new cases on Thursday. Business groups said the "
            "order would hurt restaurants that had just reopened."
        ),
    },
    {
        "id": "blog",
        "outlet": "Blog",
        "title": "LA County reinstates mask mandate",
        "text": (
            f"{ZEROHEDGE} Who could have predicted this? The county's health director said the order "
            "takes effect on Saturday at 11:59 p.m."
        ),
    },
]


def test_the_body_cites_every_outlet_and_keeps_opinion_out(tmp_path: Path) -> None:
    result = _brief(tmp_path, ARTICLES, words=120)
    briefing, body = result["briefing"], result["body"]
    cited = {c.outlet for s in body for c in s.citations if c.verified}  # type: ignore[attr-defined]
    assert cited == {"Wire", "Paper", "Blog"}
    texts = [s.text for s in body]  # type: ignore[attr-defined]
    assert all(opinion(t) == () and stands_alone(t) for t in texts)
    assert not any("virtue-signaling" in t or "Who could have predicted" in t for t in texts)
    framed = [s for s in briefing.sentences if s.section == FRAMED]  # type: ignore[attr-defined]
    for s in framed:
        assert s.text.startswith("Blog wrote: “") and s.citations[0].outlet == "Blog"
    assert not briefing.loaded_terms  # type: ignore[attr-defined]


def test_the_body_uses_its_budget_when_there_is_reporting_left(tmp_path: Path) -> None:
    body = _brief(tmp_path, ARTICLES, words=80)["body"]
    used = sum(len(s.text.split()) for s in body)  # type: ignore[attr-defined]
    assert 0.75 * 80 <= used <= 80


def test_a_close_sentence_with_mostly_new_detail_fills_a_short_body(tmp_path: Path) -> None:
    """Two outlets tell one fact; the second adds the figures and dates. Near-duplicates stay out, but
    a sentence whose content words are mostly new to the body is not one: with room left, it is taken."""
    rows = [
        {
            "id": "one",
            "outlet": "One",
            "title": "Millions skip second vaccine dose",
            "text": "Millions of Americans are skipping their second vaccine dose, federal data show.",
        },
        {
            "id": "two",
            "outlet": "Two",
            "title": "Second doses missed",
            "text": (
                "Millions of Americans skipped second vaccine doses: more than five million people, "
                "nearly 8 percent of those given a first Pfizer or Moderna shot through April 9, "
                "federal records compiled by the CDC show."
            ),
        },
    ]
    body = _brief(tmp_path, rows, words=60)["body"]
    texts = " ".join(s.text for s in body)  # type: ignore[attr-defined]
    assert "five million" in texts and "skipping their second" in texts
