"""qa.answer.claims: each claim of an answer checked against the text its citations point at."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.answer.citations import locate
from qa.answer.claims import check_claims, check_statement, split_claims
from qa.jsonl import read_objects
from qa.text import split_sentences
from qa.types import Citation, Claim
from tests.helpers.seeds import GLOBAL_NEWS, ROOT, SEEDS, UNNAMED

TEXTS = {
    UNNAMED: (SEEDS / f"{UNNAMED}.txt").read_text(encoding="utf-8"),
    GLOBAL_NEWS: (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8"),
}
QUORUM = "the 168 lawmakers present were just three more than the quorum"
TROOPS = "Around 5,000 US troops remain in Iraq, most of them in an advisory capacity."
SHIBLI = "“We have our own armed forces which are capable of protecting the country,” he told Reuters."
ABDUL_MAHDI = (
    "“Despite the internal and external difficulties that we might face, it remains best for Iraq on "
    "principle and practically,” Abdul Mahdi told parliament in a speech."
)
SUNDAY = "Iraq‘s parliament on Sunday backed a recommendation by the prime minister"


def cite(doc_id: str, quote: str) -> Citation:
    span = locate(quote, TEXTS[doc_id])
    assert span is not None, quote
    return Citation(doc_id, span[0], span[1], quote, True)


def check(answer: str, *citations: Citation) -> tuple[Claim, ...]:
    return check_claims(answer, citations, TEXTS.__getitem__)


def only(answer: str, *citations: Citation) -> Claim:
    (claim,) = check(answer, *citations)
    return claim


# -- splitting ----------------------------------------------------------------------------------


def test_claims_are_sentences_and_semicolon_clauses_with_their_markers() -> None:
    text = "168 lawmakers attended [1]; the quorum was 165 [2]. Sadr called it weak. [3] It passed [1][2]."
    spans = split_claims(text)
    assert [text[s:e] for s, e, _ in spans] == [
        "168 lawmakers attended [1];",
        "the quorum was 165 [2].",
        "Sadr called it weak. [3]",  # a marker after the full stop belongs to the sentence before it
        "It passed [1][2].",
    ]
    assert [m for _, _, m in spans] == [(1,), (2,), (3,), (1, 2)]


# -- figures ------------------------------------------------------------------------------------


def test_a_misstated_figure_behind_a_verified_citation_is_unsupported() -> None:
    claim = only("About 170 lawmakers attended the session [1].", cite(GLOBAL_NEWS, QUORUM))
    assert not claim.supported
    assert claim.problems == ("'170' is not in the cited text (it has 168, three)",)


@pytest.mark.parametrize(
    "answer",
    [
        "Around five thousand US troops remain in Iraq [1].",
        "About 5000 American troops are still in Iraq [1].",
        "Roughly 5,000 U.S. troops remain, most in an advisory role [1].",
        "Some 5,000 troops from the United States remain in Iraq [1].",
    ],
)
def test_figures_compare_as_values_and_the_us_has_its_variants(answer: str) -> None:
    assert only(answer, cite(UNNAMED, TROOPS)).supported


def test_a_derived_figure_is_reported_with_its_arithmetic_not_passed_silently() -> None:
    claim = only("The quorum was 165 lawmakers [1].", cite(GLOBAL_NEWS, QUORUM))
    assert claim.supported and claim.derived == ("165 = 168 − three",)
    assert claim.supporting == (1,)


def test_scores_ranges_scales_and_vague_counts(tmp_path: Path) -> None:
    article = (
        "The panel voted 19-to-0 on Tuesday. It covers those 18 to 64 and costs $1.5 million. "
        "Dozens of people protested."
    )
    texts = {"x": article}

    def claim(answer: str, quote: str) -> Claim:
        span = locate(quote, article)
        assert span is not None
        (c,) = check_claims(answer, [Citation("x", span[0], span[1], quote, True)], texts.__getitem__)
        return c

    assert claim("The vote was 19-0 [1].", "The panel voted 19-to-0 on Tuesday.").supported
    assert not claim("The vote was 18-0 [1].", "The panel voted 19-to-0 on Tuesday.").supported
    assert claim("It covers ages 18-64 [1].", "It covers those 18 to 64").supported
    assert claim("It costs 1,500,000 dollars [1].", "costs $1.5 million").supported
    assert not claim("It costs $2.5 million [1].", "costs $1.5 million").supported
    assert claim("Dozens protested [1].", "Dozens of people protested.").supported
    assert not claim("36 people protested [1].", "Dozens of people protested.").supported


# -- dates, names, quotes, speakers -------------------------------------------------------------


def test_a_wrong_weekday_names_what_the_cited_text_has() -> None:
    claim = only("Parliament voted on Tuesday [1].", cite(GLOBAL_NEWS, SUNDAY))
    assert claim.problems == ("'Tuesday' is not in the cited text (it has Sunday)",)
    assert only("Iraq's parliament voted on Sunday [1].", cite(GLOBAL_NEWS, SUNDAY)).supported


def test_months_match_their_abbreviations() -> None:
    texts = {"x": "The vote was held on Jan. 5, 2020, in Baghdad."}
    citation = Citation("x", 0, len(texts["x"]), texts["x"], True)
    (ok,) = check_claims("It was held on January 5, 2020 [1].", [citation], texts.__getitem__)
    (bad,) = check_claims("It was held on February 5, 2020 [1].", [citation], texts.__getitem__)
    (year,) = check_claims("It was held on Jan. 5, 2019 [1].", [citation], texts.__getitem__)
    assert ok.supported
    assert bad.problems == ("'February' is not in the cited text (it has Jan.)",)
    assert year.problems == ("'2019' is not in the cited text (it has 2020)",)


def test_names_allow_surnames_possessives_and_demonyms_but_not_another_name() -> None:
    citation = cite(UNNAMED, ABDUL_MAHDI)
    assert only("Abdul Mahdi's speech told parliament it was best for Iraq [1].", citation).supported
    assert only("The Iraqi prime minister, Mahdi, told parliament so [1].", citation).supported
    wrong = only("Barham Salih told parliament it was best for Iraq [1].", citation)
    assert wrong.problems == ("'Barham' is not in the cited text", "'Salih' is not in the cited text")


def test_quoted_words_must_be_verbatim() -> None:
    citation = cite(UNNAMED, ABDUL_MAHDI)
    assert only(
        "Abdul Mahdi said it remains “best for Iraq on principle and practically” [1].", citation
    ).supported
    bad = only("Abdul Mahdi said it was “best for Iraq in every way” [1].", citation)
    assert bad.problems == ("the quoted words “best for Iraq in every way” are not in the cited text",)


def test_a_pronoun_speaker_is_found_in_the_sentence_before() -> None:
    citation = cite(UNNAMED, SHIBLI)  # "... he told Reuters"; the sentence before names Ammar al-Shibli
    assert only("Ammar al-Shibli said the country has its own armed forces [1].", citation).supported
    misattributed = only("Hadi al-Amiri said the country has its own armed forces [1].", citation)
    assert not misattributed.supported


def test_a_speaker_named_only_nearby_is_not_the_speaker() -> None:
    texts = {"x": "Sadr met Hakim on Monday. Hakim said the vote was “a first step” toward sovereignty."}
    quote = "Hakim said the vote was “a first step” toward sovereignty."
    start = texts["x"].index(quote)
    citation = Citation("x", start, start + len(quote), quote, True)
    (right,) = check_claims("Hakim called the vote “a first step” [1].", [citation], texts.__getitem__)
    (wrong,) = check_claims("Sadr said the vote was “a first step” [1].", [citation], texts.__getitem__)
    assert right.supported
    assert wrong.problems == ("the cited sentence does not name 'Sadr' as the speaker",)


# -- citations ----------------------------------------------------------------------------------


def test_an_uncited_factual_sentence_is_flagged_and_a_connecting_one_is_not() -> None:
    claims = check(
        "168 lawmakers attended the session [1]. The resolution passed with 97 votes in favour. "
        "The reports agree on this.",
        cite(GLOBAL_NEWS, QUORUM),
    )
    assert [c.supported for c in claims] == [True, False, True]
    assert claims[1].problems == ("it cites nothing",) and claims[1].citations == ()
    assert not claims[2].checked


def test_an_answer_without_markers_cites_everything_from_every_claim() -> None:
    claims = check(
        "168 lawmakers attended. Around 5,000 troops remain.",
        cite(GLOBAL_NEWS, QUORUM),
        cite(UNNAMED, TROOPS),
    )
    assert [c.citations for c in claims] == [(1, 2), (1, 2)] and all(c.supported for c in claims)
    assert [c.supporting for c in claims] == [(1,), (2,)]


def test_markers_that_point_nowhere_or_at_unverified_quotes_are_problems() -> None:
    unverified = Citation(GLOBAL_NEWS, None, None, "All 329 lawmakers attended.", False)
    nowhere, fabricated = check(
        "168 lawmakers attended [4]. All 329 attended [2].", cite(GLOBAL_NEWS, QUORUM), unverified
    )
    assert (
        nowhere.problems == ("[4] points at no citation", "it cites nothing")
        or "[4] points at no citation" in nowhere.problems
    )
    assert fabricated.problems == ("its citation [2] did not verify: the quote is not in the passages",)


def test_a_cited_connecting_sentence_must_share_a_word_with_its_citation() -> None:
    assert only("The lawmakers were present [1].", cite(GLOBAL_NEWS, QUORUM)).supported
    off = only("Everyone was happy about that outcome [1].", cite(GLOBAL_NEWS, QUORUM))
    assert off.problems == ("it shares no words with the cited text",)


def test_citation_precision_counts_only_citations_that_back_the_claim() -> None:
    claim = only("168 lawmakers attended [1][2].", cite(GLOBAL_NEWS, QUORUM), cite(UNNAMED, TROOPS))
    assert claim.supported and claim.citations == (1, 2) and claim.supporting == (1,)


def test_a_briefing_statement_is_checked_against_all_its_citations() -> None:
    citations = [cite(GLOBAL_NEWS, QUORUM), cite(UNNAMED, TROOPS)]
    assert check_statement(
        "168 lawmakers attended, and 5,000 US troops remain.", citations, TEXTS.__getitem__
    ).supported
    bad = check_statement("169 lawmakers attended.", citations, TEXTS.__getitem__)
    assert bad.problems == ("'169' is not in the cited text (it has 168, three, 5,000)",)


# -- a quote is always supported by itself --------------------------------------------------------


def _articles() -> dict[str, str]:
    texts = dict(TEXTS)
    for record in read_objects(ROOT / "eval" / "allsides_sample.jsonl"):
        texts[str(record["id"])] = str(record["text"])
    return texts


def test_every_sentence_of_the_articles_cited_by_itself_is_supported() -> None:
    """The extractive reader's claims are its quotes: the checker must pass every one of them."""
    texts = _articles()
    checked = failures = 0
    problems = []
    for doc_id, text in texts.items():
        for start, end in split_sentences(text):
            sentence = text[start:end]
            if len(sentence.split()) < 4:
                continue
            citation = Citation(doc_id, start, end, sentence, True)
            for claim in check_claims(f"{sentence} [1]", [citation], texts.__getitem__):
                checked += 1
                if not claim.supported:
                    failures += 1
                    problems.append((sentence[:80], claim.problems))
    assert checked > 100 and failures == 0, problems[:5]


def test_the_checker_is_pure_over_the_json_answer_shape(tmp_path: Path) -> None:
    # Same input, same claims: no state carried between answers (the caches are keyed by text).
    first = check("About 170 lawmakers attended [1].", cite(GLOBAL_NEWS, QUORUM))
    second = check("About 170 lawmakers attended [1].", cite(GLOBAL_NEWS, QUORUM))
    assert first == second
    shutil.rmtree(tmp_path)
    assert json.dumps([c.problems for c in first])


def test_a_claim_may_name_the_outlet_it_cites() -> None:
    citation = Citation(GLOBAL_NEWS, *locate(QUORUM, TEXTS[GLOBAL_NEWS]), QUORUM, True, outlet="Global News")  # type: ignore[misc]
    assert only("According to Global News, 168 lawmakers attended [1].", citation).supported
    assert not only("According to Reuters, 168 lawmakers attended [1].", citation).supported


def test_a_speaker_after_a_closing_quote_and_across_a_clause_is_checked() -> None:
    texts = {"x": 'Sadr met Hakim. "This is weak," Sadr, who leads the largest bloc, said in a letter.'}
    quote = '"This is weak," Sadr, who leads the largest bloc, said in a letter.'
    start = texts["x"].index(quote)
    citation = Citation("x", start, start + len(quote), quote, True)

    def claim(answer: str) -> Claim:
        (c,) = check_claims(answer, [citation], texts.__getitem__)
        return c

    assert claim('"This is weak," Sadr, who leads the largest bloc, said [1].').supported
    assert claim('"This is weak," Halvorsen, who leads the largest bloc, said [1].').problems == (
        "'Halvorsen' is not in the cited text",
    )
    assert claim('"This is weak," Hakim, who leads the largest bloc, said [1].').problems == (
        "the cited sentence does not name 'Hakim' as the speaker",
    )
