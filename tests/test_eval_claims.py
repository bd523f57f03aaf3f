"""`qa eval`'s claim metrics and the simulated model's planted faults.

The metric arithmetic is tested on hand-built answers and claims, the fault planting on the
simulated model's reply to a hand-built request; neither needs the support check. The tests marked
``needs_checker`` run the real check (qa/answer/claims.py) end to end and are skipped until it is
implemented: every planted lexical fault must be caught, and no honest answer flagged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluation.questions import Evidence, Question
from qa.evaluation.runner import EvalReport, Run, SetReport, check_thresholds
from qa.evaluation.score import QuestionResult, count_faults, error_result, faults_caught, score, summarise
from qa.evaluation.simulated import FAULT_KINDS, LEXICAL_FAULTS, Planted, SimulatedModel, respond
from qa.types import Answer, Citation, Claim
from tests.helpers.seeds import ROOT as REPO
from tests.helpers.seeds import small_set

SEED_SET = REPO / "eval" / "questions.jsonl"


def _checker_implemented() -> bool:
    from qa.answer import claims

    try:
        claims.check_claims("Lawmakers met [1].", (), lambda doc_id: "")
    except NotImplementedError:
        return False
    except Exception:  # implemented; it merely dislikes this toy input
        return True
    return True


needs_checker = pytest.mark.skipif(
    not _checker_implemented(), reason="needs the claim support check (qa/answer/claims.py), not merged yet"
)


# ----------------------------------------------------------------------------- metric arithmetic


def _claim(
    cites: tuple[int, ...], supported: bool, supporting: tuple[int, ...] = (), checked: bool = True
) -> Claim:
    return Claim("c", 0, 1, cites, supported, supporting=supporting, checked=checked)


def _answer(status: str, claims: tuple[Claim, ...], text: str = "x") -> Answer:
    cited = (Citation("d", 0, 9, "the quote", True), Citation("d", 20, 29, "other one", True))
    return Answer("Q?", status, text, cited if status == "answered" else (), "x", (), claims)  # type: ignore[arg-type]


QUESTION = Question("q", "Q?", ("x",), (Evidence("d", "the quote"),), "number", True)


def test_claim_counts_and_the_four_claim_metrics():
    first = _answer(
        "answered",
        (
            _claim((1,), True, (1,)),
            _claim((1, 2), True, (1, 2)),
            _claim((), False),  # uncited
            _claim((), True, checked=False),  # a connecting sentence: left out of every count
            _claim((), True),  # uncited yet passed (a checker may exempt one): not a citation success
        ),
    )
    second = _answer("answered", (_claim((1,), False),))
    # A not_found reply's claims (none in practice) are never counted.
    third = _answer("not_found", (_claim((1,), False),))
    results = [score(QUESTION, a, [("d", 0, 9)]) for a in (first, second, third)]
    one = results[0]
    assert (one.claims, one.claims_supported, one.claims_uncited, one.claims_cited_supported) == (4, 3, 2, 2)
    assert (one.attachments, one.attachments_supporting) == (3, 3) and one.claims_ok is False
    assert one.unsupported == ({"text": "c", "problems": []},)
    assert results[2].claims == 0 and results[2].claims_ok is None
    m = summarise(results)
    # 5 checked claims: 3 supported, 2 uncited, 2 cited and supported; 4 attachments, 3 supporting.
    assert (m["supported_claims"].hits, m["supported_claims"].total) == (3, 5)
    assert (m["uncited_claims"].hits, m["uncited_claims"].total) == (2, 5)
    assert m["citation_recall"].value == 2 / 5
    assert (m["citation_precision"].hits, m["citation_precision"].total) == (3, 4)


def test_claim_metrics_are_undefined_without_claims_and_an_error_counts_nothing():
    results = [
        score(QUESTION, _answer("answered", ()), []),
        error_result(QUESTION, "boom"),
    ]
    m = summarise(results)
    for name in ("supported_claims", "uncited_claims", "citation_recall", "citation_precision"):
        assert m[name].value is None and m[name].as_dict() == {"value": None, "hits": 0, "total": 0}
    assert results[0].claims_ok is None and results[1].fault == "" and results[1].caught is None


def test_markers_never_match_an_alias():
    one = Question("q", "How many?", ("1",), (), "number", True)
    assert not score(one, _answer("answered", (), "Several lawmakers [1]."), []).correct
    assert score(one, _answer("answered", (), "Just 1 lawmaker [1]."), []).correct


def test_a_fault_is_caught_only_by_an_unsupported_claim_holding_the_planted_words():
    text = "About 170 lawmakers attended [1]. The vote was binding [1]."
    planted = Planted("figure", "170", "168", text.index("170"), text.index("170") + 3)

    def answer(first_ok: bool, second_ok: bool) -> Answer:
        claims = (
            Claim(text[:32], 0, 32, (1,), first_ok, supporting=(1,) if first_ok else ()),
            Claim(text[33:], 33, len(text), (1,), second_ok, supporting=(1,)),
        )
        return _answer("answered", claims, text)

    caught = score(QUESTION, answer(False, True), [], planted)
    assert caught.fault == "figure" and caught.fault_words == "170" and caught.caught is True
    assert score(QUESTION, answer(True, False), [], planted).caught is False
    # Offsets that no longer fit (a reader that reshaped the text) are found again by the words.
    moved = Planted("figure", "170", "168", 0, 3)
    assert score(QUESTION, answer(False, True), [], moved).caught is True


def test_fault_counts_and_faults_caught_leave_out_negation():
    def result(kind: str, caught: bool | None, status: str = "answered") -> QuestionResult:
        return QuestionResult(
            "q", "c", True, "Q?", status, "a", True, 1, 1, True, 1, fault=kind, caught=caught
        )

    figure = count_faults("figure", [result("figure", True), result("figure", False), result("", None)])
    assert (figure.planted, figure.caught, figure.answered, figure.lexical) == (2, 1, 3, True)
    assert [r.caught for r in figure.missed] == [False]
    negation = count_faults("negation", [result("negation", False)])
    assert not negation.lexical
    total = faults_caught({"figure": figure, "negation": negation})
    assert (total.hits, total.total) == (1, 2)
    assert set(LEXICAL_FAULTS) == set(FAULT_KINDS) - {"negation"}


# ----------------------------------------------------------------------------- reports and gates


def _report(fault_caught: bool = True, supported: int = 2) -> EvalReport:
    question = Question("q1", "How many?", ("168",), (), "number", True)

    def result(**kw: object) -> QuestionResult:
        base: dict[str, object] = {"claims": 2, "claims_supported": supported, "attachments": 2}
        base.update(claims_cited_supported=supported, attachments_supporting=supported, **kw)
        return QuestionResult("q1", "number", True, "How many?", "answered", "a", True, 1, 1, True, 1, **base)  # type: ignore[arg-type]

    honest = Run("simulated", "llm:qa-simulated-reader", "qa-simulated-reader", [result()], 0.1)
    faults = [
        Run(
            "simulated",
            "llm:qa-simulated-reader",
            "qa-simulated-reader",
            [result(fault=kind, fault_words="170", caught=fault_caught and kind != "negation")],
            0.1,
            kind,
        )
        for kind in FAULT_KINDS
    ]
    set_report = SetReport("set.jsonl", ["a.txt"], [question], [honest], 1, 1, faults)
    return EvalReport("2025-01-01 00:00 UTC", "simulated", 6, "minilm", "700", {}, [set_report])


def test_reports_show_claim_metrics_and_planted_faults():
    from qa.evaluation.render import report_json, report_markdown, report_text

    report = _report(fault_caught=False, supported=1)
    text = report_text(report)
    assert "supported claims" in text and "0.500 (1/2)" in text and "citation precision (ALCE)" in text
    assert "Planted faults" in text and "not a lexical fault; only --judge can see it" in text
    assert "faults_caught 0.000 (0/6)" in text and "missed figure: q1" in text
    doc = report_json(report)
    run = doc["sets"][0]["runs"][0]
    assert run["metrics"]["supported_claims"] == {"value": 0.5, "hits": 1, "total": 2}
    assert set(run["metrics"]) >= {"uncited_claims", "citation_recall", "citation_precision"}
    faults = doc["sets"][0]["faults"]
    assert list(faults) == list(FAULT_KINDS)
    assert faults["figure"] == {
        "planted": 1,
        "caught": 0,
        "answered": 1,
        "lexical": True,
        "missed": [{"id": "q1", "wrong": "170", "answer": "a"}],
    }
    assert faults["negation"]["lexical"] is False and "only --judge" in faults["negation"]["note"]
    assert doc["sets"][0]["faults_caught"] == {"value": 0.0, "hits": 0, "total": 6}
    markdown = report_markdown(report)
    assert "### Planted faults" in markdown and "| `figure` |" in markdown
    assert "*not a lexical fault; only --judge can see it*" in markdown
    assert (
        "| supported claims | 0.500 (1/2) |" in markdown and "citation recall / precision (ALCE" in markdown
    )
    # No fault runs: no fault table anywhere.
    report.sets[0].fault_runs = []
    assert "Planted faults" not in report_text(report) and "faults" not in report_json(report)["sets"][0]


def test_supported_claims_and_faults_caught_gate():
    report = _report(fault_caught=True, supported=2)
    report.thresholds = {"supported_claims": 1.0, "faults_caught": 1.0}
    assert check_thresholds(report) == []
    report = _report(fault_caught=False, supported=1)
    report.thresholds = {"supported_claims": 0.9, "faults_caught": 1.0}
    failures = check_thresholds(report)
    assert len(failures) == 2
    assert "supported_claims 0.500 is below the threshold 0.9" in failures[0]
    assert "faults_caught 0.000 is below the threshold 1.0" in failures[1]
    report.sets[0].fault_runs = []
    assert "run qa eval --faults" in check_thresholds(report)[1]


def test_min_accepts_the_claim_metrics(run_cli):
    from qa.cli.evaluate import _thresholds

    assert _thresholds(["supported_claims=0.9", "faults_caught=1"]) == {
        "supported_claims": 0.9,
        "faults_caught": 1.0,
    }
    code, out, err = run_cli("eval", "--set", str(SEED_SET), "--min", "uncited_claims=0.1")
    assert code == 2 and out == "" and "METRIC=X" in err


# ----------------------------------------------------------------------------- the simulated model's faults


def _body(texts: list[str], question: str) -> dict:
    from qa.answer.llm import render_passages
    from qa.prompts import NOT_FOUND_ANSWER, load_prompt
    from qa.types import Hit

    hits = [
        Hit(f"c{i}", f"d{i}", "s", "A title", "An outlet", 0, len(t), t, 1.0) for i, t in enumerate(texts)
    ]
    system, user = load_prompt("answer").render_messages(
        passages=render_passages(hits), question=question, not_found_answer=NOT_FOUND_ANSWER
    )
    return {
        "model": "m",
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
    }


SESSION = (
    "Iraq's parliament met on Sunday in Baghdad. The 168 lawmakers present were just three more than the "
    "quorum, officials said on Monday. Parliament resolutions are non-binding to the government."
)
MISSION = "Defence Minister Harjit Sajjan said Canada would pause its training mission in the country."


def _reply(kind: str, texts: list[str], question: str) -> tuple[dict, Planted | None]:
    honest, nothing = respond(_body(texts, question))
    assert nothing is None
    reply, planted = respond(_body(texts, question), kind)
    # Only the answer text changes: the citations (and their verbatim quotes) are the honest ones.
    assert reply["citations"] == honest["citations"] and reply["status"] == "answered"
    assert all(c["quote"] in " ".join(texts) for c in reply["citations"])
    if planted is not None:
        assert reply["answer"][planted.start : planted.end] == planted.wrong and planted.kind == kind
    else:
        assert reply == honest
    return reply, planted


def test_honest_answers_carry_a_marker_before_each_full_stop():
    reply, _ = respond(_body([SESSION], "How many lawmakers were present?"))
    assert reply["answer"] == (
        "The 168 lawmakers present were just three more than the quorum, officials said on Monday [1]."
    )
    two = respond(
        _body(
            [SESSION, "The 168 lawmakers present were a bare quorum, the speaker said."],
            "How many lawmakers were present?",
        )
    )[0]
    assert two["answer"].endswith(" [1]. The 168 lawmakers present were a bare quorum, the speaker said [2].")
    clauses = respond(
        _body(["Lawmakers voted 168 to 0; Sunni lawmakers stayed away."], "How many lawmakers voted?")
    )[0]
    assert clauses["answer"] == "Lawmakers voted 168 to 0 [1]; Sunni lawmakers stayed away [1]."
    quoted = respond(
        _body(['Abdul Mahdi told parliament: "All 5,000 troops will leave."'], "How many troops will leave?")
    )[0]
    assert quoted["answer"] == 'Abdul Mahdi told parliament: "All 5,000 troops will leave" [1].'


def test_figure_fault_changes_one_number_to_one_the_cited_passage_lacks():
    reply, planted = _reply("figure", [SESSION], "How many lawmakers were present?")
    assert planted is not None and (planted.original, planted.wrong) == ("168", "170")
    assert "170 lawmakers present" in reply["answer"] and "168" not in reply["answer"]
    troops = "Around 5,000 U.S. troops remain in Iraq, most in an advisory capacity."
    reply, planted = _reply("figure", [troops], "How many US troops remain?")
    assert planted is not None and reply["answer"].startswith("Around 6,000 U.S. troops")
    # The next candidate figure is skipped when the cited passage has it.
    reply, planted = _reply("figure", [troops + " Last year 6,000 were there."], "How many US troops remain?")
    assert planted is not None and planted.wrong == "7,000"
    # No figure in the answer: nothing planted, the honest reply.
    assert _reply("figure", [MISSION], "Who said Canada would pause its training mission?")[1] is None


def test_date_fault_changes_a_day_month_or_year_absent_from_the_cited_passage():
    reply, planted = _reply("date", [SESSION], "On what day did Iraq's parliament meet in Baghdad?")
    # Monday is in the cited passage, so Sunday becomes Tuesday.
    assert planted is not None and (planted.original, planted.wrong) == ("Sunday", "Tuesday")
    assert "met on Tuesday" in reply["answer"]
    year = _reply(
        "date",
        ["Soleimani was given Iran's highest honour in 2019 by Khamenei."],
        "When was Soleimani given Iran's highest honour?",
    )
    assert year[1] is not None and (year[1].original, year[1].wrong) == ("2019", "2020")
    assert _reply("date", [MISSION], "Who said Canada would pause its training mission?")[1] is None


def test_name_fault_swaps_a_name_for_one_no_passage_holds():
    reply, planted = _reply("name", [MISSION], "Who said Canada would pause its training mission?")
    assert planted is not None and planted.original == "Sajjan" and planted.wrong == "Halvorsen"
    assert "Defence Minister Harjit Halvorsen said" in reply["answer"]
    place = _reply("name", ["Around 5,000 troops remain in Iraq for now."], "How many troops remain?")[0]
    assert "remain in Varkestan" in place["answer"]


def test_quote_fault_adds_quoted_words_the_passage_lacks():
    reply, planted = _reply("quote", [SESSION], "How many lawmakers were present?")
    assert planted is not None and planted.wrong.startswith('"') and planted.wrong.strip('"') not in SESSION
    assert reply["answer"].endswith(f", in what was described as {planted.wrong} [1].")


def test_attribution_fault_gives_the_words_to_someone_the_cited_passage_does_not_name():
    reply, planted = _reply("attribution", [SESSION, MISSION], "How many lawmakers were present?")
    # Harjit Sajjan is named in another passage, never in the cited one: "officials said" becomes his words.
    assert planted is not None and planted.wrong == "Harjit Sajjan"
    assert reply["answer"].endswith(", Harjit Sajjan said [1].") and "Sajjan" not in SESSION
    quoted = ['"We will leave," the spokesperson said.']
    reply, planted = _reply("attribution", quoted, "Who said they will leave?")
    assert planted is not None and planted.original == "the spokesperson"
    assert reply["answer"] == f'"We will leave," {planted.wrong} said [1].'


def test_uncited_fault_adds_a_sentence_with_a_figure_and_no_marker():
    reply, planted = _reply("uncited", [SESSION], "How many lawmakers were present?")
    assert planted is not None and reply["answer"].endswith(
        " [1]. The measure passed with 97 votes in favour."
    )
    assert planted.wrong == "The measure passed with 97 votes in favour."


def test_negation_fault_flips_binding_approved_or_adds_not():
    reply, planted = _reply("negation", [SESSION], "Are parliament resolutions binding on the government?")
    assert planted is not None and (planted.original, planted.wrong) == ("non-binding", "binding")
    assert "resolutions are binding to the government [1]." in reply["answer"]
    approved = _reply(
        "negation",
        ["The cabinet approved the budget of 5 billion dinars."],
        "What did the cabinet do with the budget?",
    )[0]
    assert "The cabinet rejected the budget" in approved["answer"]
    added = _reply(
        "negation", ["The 168 lawmakers were present at the session."], "How many lawmakers were present?"
    )
    assert added[1] is not None and "lawmakers were not present" in added[0]["answer"]


def test_not_found_replies_carry_no_fault():
    for kind in FAULT_KINDS:
        reply, planted = respond(_body([SESSION], "Who won the 1998 World Cup?"), kind)
        assert reply["status"] == "not_found" and planted is None


def test_faults_are_deterministic_and_recorded_per_question():
    import httpx2

    body = _body([SESSION, MISSION], "How many lawmakers were present?")
    for kind in FAULT_KINDS:
        assert respond(body, kind) == respond(json.loads(json.dumps(body)), kind)
    model = SimulatedModel("figure")
    request = httpx2.Request("POST", "http://simulated.invalid/v1/chat/completions", json=body)
    first, again = model.handle(request).read(), model.handle(request).read()
    assert first == again  # a replay of the same request sees the same bytes
    assert model.planted == {"How many lawmakers were present?": respond(body, "figure")[1]}
    with pytest.raises(ValueError, match="unknown fault"):
        SimulatedModel("typo")


# ----------------------------------------------------------------------------- through the CLI


def _small_set(tmp_path: Path) -> Path:
    return small_set(tmp_path, answerable_only=True)


def test_faults_option_reports_planted_faults_per_kind(run_cli, tmp_path: Path, writable_index: Path):
    small = _small_set(tmp_path)
    code, out, err = run_cli(
        "eval", "--set", str(small), "--index", str(writable_index), "--faults", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)["sets"][0]
    assert list(doc["faults"]) == list(FAULT_KINDS)
    assert doc["faults"]["figure"]["planted"] == doc["faults"]["figure"]["answered"] == 2
    assert doc["faults"]["uncited"]["planted"] == 2 and "only --judge" in doc["faults"]["negation"]["note"]
    assert doc["faults_caught"]["total"] == sum(doc["faults"][k]["planted"] for k in LEXICAL_FAULTS)
    # The honest run is the primary one and carries no fault.
    assert all(q["fault"] == "" for q in doc["runs"][0]["questions"])


def test_fault_option_plants_one_kind_in_the_simulated_run(run_cli, tmp_path: Path, writable_index: Path):
    small = _small_set(tmp_path)
    code, out, err = run_cli(
        "eval", "--set", str(small), "--index", str(writable_index), "--fault", "figure", "--json"
    )
    assert code == 0, err
    questions = json.loads(out)["sets"][0]["runs"][0]["questions"]
    assert [(q["fault"], q["fault_words"]) for q in questions] == [("figure", "6,000"), ("figure", "170")]
    assert all(not q["correct"] for q in questions)  # the changed figure no longer matches the answer
    code, out, err = run_cli("eval", "--set", str(small), "--fault", "typo")
    assert code == 2 and "--fault" in err and "figure" in err


# ----------------------------------------------------------------------------- with the real check


# Planted faults the check misses today, each with why: the test fails when one is fixed (remove it
# here) as well as when a new one appears.
KNOWN_MISSES: set[tuple[str, str]] = set()  # (kind, question id) the check is known to miss


@needs_checker
def test_every_planted_lexical_fault_is_caught_and_no_honest_answer_is_flagged(tmp_path: Path):
    """The CI gate of issue 12: needs the support check (qa/answer/claims.py)."""
    from qa.evaluation.runner import EvalOptions, run_eval
    from tests.helpers.seeds import settings_for

    report = run_eval(
        EvalOptions(sets=(SEED_SET,), compare=True, faults=True), settings_for(tmp_path / "unused")
    )
    set_report = report.sets[0]
    missed = {
        (kind, x.id): (x.fault_words, x.answer)
        for kind in LEXICAL_FAULTS
        for x in set_report.faults[kind].missed
    }
    assert all(set_report.faults[kind].planted > 0 for kind in LEXICAL_FAULTS)
    assert {k: v for k, v in missed.items() if k not in KNOWN_MISSES} == {}, "planted faults the check missed"
    assert set(missed) >= KNOWN_MISSES, (
        f"fixed: remove {sorted(KNOWN_MISSES - set(missed))} from KNOWN_MISSES"
    )
    for run in set_report.runs:  # the honest simulated replies and the extractive quotes
        m = run.metrics
        unsupported = [(x.id, c) for x in run.results for c in x.unsupported]
        assert m["supported_claims"].value == 1.0, (run.reader, unsupported)
        assert m["uncited_claims"].hits == 0 and m["citation_recall"].value == 1.0, run.reader
        assert m["citation_precision"].value == 1.0, run.reader


@needs_checker
def test_the_faults_gate_passes_through_the_cli(run_cli, tmp_path: Path, writable_index: Path):
    """``--faults --min faults_caught=1 --min supported_claims=1``: needs the support check."""
    small = _small_set(tmp_path)
    code, out, err = run_cli(
        "eval",
        "--set",
        str(small),
        "--index",
        str(writable_index),
        "--faults",
        "--min",
        "faults_caught=1",
        "--min",
        "supported_claims=1",
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["passed"] is True and doc["sets"][0]["faults_caught"]["value"] == 1.0
