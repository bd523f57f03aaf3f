"""Where the sources differ says only true things: each rule on real outlets' sentences.

The sentences are the AllSides articles' own (events 5616, 5621, 5625, 5646, 5654, 5972), where an
earlier briefing listed a false difference: a tally read as 0, a range mangled, a rounding or an
approximation called a disagreement, a headline's figure missed, a clock time against a duration.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.briefing.differences import states
from qa.briefing.model import Briefing
from qa.briefing.neutrality import NOT_THE_STORY
from qa.briefing.pool import compatible_calendar, compatible_figures
from qa.briefing.summarize import summarize
from qa.figures import figures, same_value
from qa.index.corpus import Corpus
from qa.ingest.pipeline import ingest
from tests.helpers.seeds import settings_for

FILLER = (
    "Officials gave no further details on Thursday. The agency is expected to publish its decision "
    "in the coming days, a spokesperson said. Reporters were briefed by phone."
)


def _brief(tmp_path: Path, *articles: tuple[str, str, str]) -> Briefing:
    """Index one article per (outlet, title, text) and brief them offline."""
    rows = [
        {"id": f"d{n}", "outlet": outlet, "title": title, "text": f"{text} {FILLER}"}
        for n, (outlet, title, text) in enumerate(articles)
    ]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = settings_for(tmp_path / "idx")
    assert not ingest([tmp_path / "a.jsonl"], config).failed
    with Corpus(config) as corpus:
        return summarize(corpus, offline=True, words=200)


def _only(briefing: Briefing) -> list[str]:
    return [d.text for d in briefing.differences if d.kind in ("only_one_figure", "only_one_fact")]


def test_a_tally_is_one_figure_and_its_other_spellings_state_it(tmp_path: Path) -> None:
    epoch = (
        "The Epoch Times",
        "FDA panel backs Moderna booster",
        "A Food and Drug Administration advisory panel voted unanimously on Thursday to recommend a "
        "booster of Moderna's COVID-19 vaccine. The 19–0 vote came after hours of discussions and "
        "presentations in a meeting of the panel.",
    )
    stat = (
        "STAT",
        "FDA advisers endorse Moderna booster",
        "After hours of deliberation, the Vaccines and Related Biological Products Advisory Committee "
        "voted 19-to-0 that the Moderna booster should be authorized for these groups.",
    )
    (vote,) = figures("The 19–0 vote came after hours of discussions")
    assert vote.tally == (19.0, 0.0) and vote.text == "19–0" and vote.unit == "tally"
    assert states(vote, [stat[2]]) and not states(vote, ["The panel voted 18-1 on Thursday."])
    briefing = _brief(tmp_path, epoch, stat)
    assert not [t for t in _only(briefing) if "19" in t or "figure 0" in t]
    assert not [d for d in briefing.differences if d.kind == "figures"]


def test_both_ends_of_a_range_are_figures_and_found_elsewhere() -> None:
    stat = "booster shots to people 65 and older, those 18 to 64 with risk factors for severe Covid-19"
    fox = "individuals 65 years and older, and individuals ages 18 to 64 who are at high risk"
    found = figures(stat)
    assert [f.value for f in found] == [65.0, 18.0, 64.0]
    assert all(states(f, [fox]) for f in found)


@pytest.mark.parametrize(
    ("one", "other", "agree"),
    [
        ("the $1.2 trillion bipartisan bill", "the $1 trillion bipartisan bill", True),
        ("soared by nearly a million in April", "rose by 1 million in April", True),
        ("the outage lasted nearly six hours", "the outage lasted 6 hours", True),
        ("the $1.2 trillion bill", "the $1.5 trillion bill", False),
        ("the $1 trillion bill", "the $1.6 trillion bill", False),
        ("4,020,005 doses", "4.02001 million doses", True),  # a tie, rounded up
        ("1,235,625 doses", "1.23562 million doses", True),  # a tie, rounded to even
        ("168 lawmakers attended", "170 lawmakers attended", False),
        ("About 5,000 U.S. troops remain", "About 6,000 U.S. troops remain", False),
    ],
)
def test_rounding_and_approximation_agree_and_nothing_else_does(one: str, other: str, agree: bool) -> None:
    (a,), (b,) = figures(one), figures(other)
    assert a.agrees(b) is agree and b.agrees(a) is agree


def test_a_headline_figure_is_stated_and_a_clock_time_is_no_figure(tmp_path: Path) -> None:
    assert figures("The services were down from about 16:00 GMT until around 22:00 on Monday.") == ()
    ap = (
        "AP",
        "Social Security checks to rise 5.9%",
        "Millions of retirees on Social Security will get a 5.9% boost in benefits for 2022. The biggest "
        "cost-of-living adjustment in 39 years follows a burst in inflation.",
    )
    fox = (
        "Fox Business",
        "Social Security payments to jump most in 39 years as inflation surges",
        "Millions of retirees and other Americans who receive Social Security will see the largest "
        "increase in their benefits in decades. The cost-of-living adjustment, or COLA, will be 5.9%.",
    )
    briefing = _brief(tmp_path, ap, fox)
    assert not [t for t in _only(briefing) if "39" in t or "5.9" in t]


def test_different_tallies_conflict_and_never_corroborate(tmp_path: Path) -> None:
    assert not compatible_figures("The council voted 6-3 to approve the plan.", "The council voted 7-2.")
    one = ("City Wire", "Council approves plan", "The city council voted 6-3 on Tuesday to approve the plan.")
    two = ("Metro Daily", "Plan approved", "The city council voted 7-2 on Tuesday to approve the plan.")
    briefing = _brief(tmp_path, one, two)
    (conflict,) = [d for d in briefing.differences if d.kind == "figures"]
    assert "6-3" in conflict.text and "7-2" in conflict.text and "for the vote" in conflict.text
    assert {c.doc_id for c in conflict.citations} == {"d0", "d1"}
    for statement in briefing.sentences:
        if "voted" in statement.text:
            assert len(statement.citations) == 1  # "6-3" is not corroborated by "7-2"


def test_a_corroboration_never_gives_another_day() -> None:
    assert not compatible_calendar("The council voted on Tuesday.", "The council voted on Friday.")
    assert compatible_calendar("The council voted on Tuesday.", "The council voted on Tuesday night.")
    assert compatible_calendar("The council voted on Tuesday.", "The council voted to approve it.")
    assert not compatible_calendar("The law took effect in September.", "The law took effect in May 2021.")


def test_figures_of_different_years_are_different_quantities(tmp_path: Path) -> None:
    cnbc = (
        "CNBC",
        "IMF cuts its global growth forecast",
        "The International Monetary Fund cut its 2021 growth forecast for the United States to 6% "
        "on Tuesday, citing supply disruptions.",
    )
    fox = (
        "Fox Business",
        "IMF sees slower growth",
        "The International Monetary Fund cut its 2022 growth forecast for the United States to 5.2% "
        "on Tuesday, citing supply disruptions.",
    )
    briefing = _brief(tmp_path, cnbc, fox)
    assert not [d for d in briefing.differences if d.kind == "figures"]


def test_trivia_about_the_reporting_is_never_a_difference() -> None:
    for text in (
        "The company did not respond to requests for comment.",
        "A spokesperson did not immediately return a request for comment on Friday.",
        "Reuters could not be reached for comment.",
    ):
        assert NOT_THE_STORY.search(text)
    assert not NOT_THE_STORY.search("The committee voted to comment on the rule by Friday.")


# -- the property: "only X" is never claimed for a figure another article states -------------------

FORMS = (
    lambda v: f"{v:,}",
    lambda v: f"nearly {v:,}",
    lambda v: f"about {round(v, -len(str(v)) + 1):,}" if v >= 1000 else f"about {v:,}",
    lambda v: f"{v / 1e6:g} million" if v >= 1e6 else f"{v:,}",
)


@settings(max_examples=200, deadline=None)
@given(
    value=st.integers(min_value=2, max_value=50_000_000),
    noun=st.sampled_from(["troops", "lawmakers", "jobs", "doses", "people"]),
    mine=st.sampled_from(FORMS),
    theirs=st.sampled_from(FORMS),
)
def test_a_figure_written_another_way_elsewhere_is_stated_there(value: int, noun: str, mine, theirs) -> None:  # type: ignore[no-untyped-def]
    one = f"Officials said {mine(value)} {noun} were counted on Monday."
    other = f"The agency reported {theirs(value)} {noun} in its count."
    (x,) = [f for f in figures(one) if f.unit]
    assert states(x, [other]), (one, other)
    assert same_value(float(value), float(value))
