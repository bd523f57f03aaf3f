"""Claims of a model's answer: checked, repaired once, judged, and shown; through the REAL openai client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer.ask import ask
from qa.answer.judge import Judge
from qa.answer.llm import LLMReader
from qa.index.corpus import Corpus
from qa.prompts import load_prompt
from tests.helpers.fake_llm import FakeLLM, completion_body
from tests.helpers.openai_server import OpenAICompatibleServer, Scripted
from tests.helpers.processes import QAForkServer, qa_env

QUORUM = "the 168 lawmakers present were just three more than the quorum"
TROOPS = "Around 5,000 US troops remain in Iraq, most of them in an advisory capacity."
QUESTION = "How many lawmakers attended the session?"
WRONG = {
    "status": "answered",
    "answer": "About 170 lawmakers attended the session [1]. The resolution passed with 97 votes in favour.",
    "citations": [{"source": "P1", "quote": QUORUM}],
}
RIGHT = {
    "status": "answered",
    "answer": "168 lawmakers attended the session [1].",
    "citations": [{"source": "P1", "quote": QUORUM}],
}


def reader(fake: FakeLLM, **settings: object) -> LLMReader:
    config = fake.settings(**settings)
    return LLMReader(config, client=fake.client(config))


def test_unsupported_claims_get_one_repair_round_and_the_better_reply_is_kept(seed_corpus: Corpus, fake_llm):
    fake_llm.reply_json(WRONG).reply_json(RIGHT)
    answer = ask(seed_corpus, QUESTION, reader(fake_llm), k=6)
    assert answer.text == RIGHT["answer"] and answer.supported and answer.repair == (2, 0)
    first, second = fake_llm.requests
    # The follow-up continues the same conversation: the model sees its reply, then the problems.
    assert second["messages"][:-2] == first["messages"]
    said, asked = second["messages"][-2:]
    assert said["role"] == "assistant" and json.loads(said["content"]) == WRONG
    assert asked["role"] == "user"
    assert "'170' is not in the cited text (it has 168, three)" in asked["content"]
    assert '"The resolution passed with 97 votes in favour.": it cites nothing' in asked["content"]
    assert load_prompt("claim_repair").render(problems="X").split("X")[0] in asked["content"]


def test_a_repair_that_is_no_better_keeps_the_first_reply(seed_corpus: Corpus, fake_llm):
    worse = {**WRONG, "answer": "About 170 lawmakers attended [1]. 97 voted for it. 60 against."}
    fake_llm.reply_json(WRONG).reply_json(worse)
    answer = ask(seed_corpus, QUESTION, reader(fake_llm), k=6)
    assert answer.text == WRONG["answer"] and answer.repair == (2, 2)
    assert [c.supported for c in answer.claims] == [False, False]


def test_a_not_found_repair_does_not_replace_an_answer(seed_corpus: Corpus, fake_llm):
    fake_llm.reply_json(WRONG).reply_json({"status": "not_found", "answer": "", "citations": []})
    answer = ask(seed_corpus, QUESTION, reader(fake_llm), k=6)
    assert answer.status == "answered" and answer.text == WRONG["answer"]


def test_qa_repair_off_sends_one_request(seed_corpus: Corpus, fake_llm):
    fake_llm.reply_json(WRONG)
    answer = ask(seed_corpus, QUESTION, reader(fake_llm, repair=False), k=6)
    assert len(fake_llm.requests) == 1 and answer.repair is None and not answer.supported


def test_markers_are_renumbered_when_duplicate_citations_merge(seed_corpus: Corpus, fake_llm):
    fake_llm.reply_json(
        {
            "status": "answered",
            "answer": (
                "168 lawmakers attended [1]. Around 5,000 US troops remain [3]. The quorum was close [2]."
            ),
            "citations": [
                {"source": "P1", "quote": QUORUM},
                {"source": "P1", "quote": QUORUM},
                {"source": "P2", "quote": TROOPS},
            ],
        }
    )
    answer = ask(seed_corpus, QUESTION, reader(fake_llm), k=6)
    assert (
        answer.text
        == "168 lawmakers attended [1]. Around 5,000 US troops remain [2]. The quorum was close [1]."
    )
    assert [c.citations for c in answer.claims] == [(1,), (2,), (1,)] and answer.supported


# -- the judge ------------------------------------------------------------------------------------


def _answer_with(fake: FakeLLM, corpus: Corpus, text: str):  # type: ignore[no-untyped-def]
    fake.reply_json({"status": "answered", "answer": text, "citations": [{"source": "P1", "quote": QUORUM}]})
    return ask(corpus, QUESTION, reader(fake), k=6)


@pytest.mark.parametrize(
    ("verdict", "supported"),
    [("entailed", True), ("neutral", True), ("contradicted", False), ("maybe?", True)],
)
def test_the_judge_adds_a_verdict_and_a_contradiction_makes_a_claim_unsupported(
    seed_corpus: Corpus, fake_llm, verdict: str, supported: bool
):
    answer = _answer_with(fake_llm, seed_corpus, "Most Sunni and Kurdish lawmakers attended the session [1].")
    assert answer.supported  # the lexical check cannot see the negation
    fake_llm.reply_json({"verdict": verdict, "reason": "the text says they boycotted it"})
    config = fake_llm.settings(judge_model="judge-model")
    judged = Judge(config, client=fake_llm.client(config)).judge(answer, seed_corpus.article_text)
    (claim,) = judged.claims
    assert claim.judge == (verdict if verdict != "maybe?" else "neutral") and claim.supported is supported
    request = fake_llm.requests[-1]
    assert request["model"] == "judge-model"
    sent = request["messages"][-1]["content"]
    assert "Most Sunni and Kurdish lawmakers attended the session." in sent and QUORUM in sent
    if not supported:
        assert claim.problems == (
            "the judge model (judge-model) reads the cited text as contradicting it: "
            "the text says they boycotted it",
        )


# -- the command line ---------------------------------------------------------------------------


def _run(fork_server: QAForkServer, index: Path, cwd: Path, replies: list[dict], *args: str, **env: str):  # type: ignore[no-untyped-def]
    with OpenAICompatibleServer() as server:
        server.queue.extend(Scripted(200, completion_body(json.dumps(r))) for r in replies)
        outcome = fork_server.run(
            "ask",
            QUESTION,
            "--index",
            str(index),
            *args,
            env=qa_env(OPENAI_BASE_URL=server.base_url, QA_MAX_RETRIES="0", **env),
            cwd=cwd,
        )
        return outcome, server.requests


def test_the_terminal_marks_an_unsupported_claim_and_strict_exits_1(
    seed_index_dir: Path, fork_server: QAForkServer, tmp_path: Path
):
    plain, _ = _run(fork_server, seed_index_dir, tmp_path, [WRONG, WRONG])
    assert plain.code == 0, plain.stderr
    assert "About 170 lawmakers attended the session [1]. [!]" in plain.stdout
    assert "UNSUPPORTED: 2 claim(s) not backed by what they cite" in plain.stdout
    assert "- '170' is not in the cited text (it has 168, three)" in plain.stdout
    assert "asked the model once to correct them: the reply was no better" in plain.stderr
    strict, _ = _run(fork_server, seed_index_dir, tmp_path, [WRONG, WRONG], "--strict")
    assert strict.code == 1 and "UNSUPPORTED" in strict.stdout
    fine, _ = _run(fork_server, seed_index_dir, tmp_path, [RIGHT], "--strict")
    assert fine.code == 0 and "[!]" not in fine.stdout and "UNSUPPORTED" not in fine.stdout


def test_json_gives_each_claim_with_offsets_citations_and_problems(
    seed_index_dir: Path, fork_server: QAForkServer, tmp_path: Path
):
    outcome, requests = _run(fork_server, seed_index_dir, tmp_path, [WRONG], "--json", QA_REPAIR="0")
    assert outcome.code == 0 and len(requests) == 1
    doc = json.loads(outcome.stdout)
    assert doc["supported"] is False
    first, second = doc["claims"]
    assert (
        doc["answer"][first["start"] : first["end"]]
        == first["text"]
        == "About 170 lawmakers attended the session [1]."
    )
    assert (first["citations"], first["supported"], first["checked"]) == ([1], False, True)
    assert first["problems"] == ["'170' is not in the cited text (it has 168, three)"]
    assert (second["citations"], second["problems"]) == ([], ["it cites nothing"])
    assert "judge" not in first


def test_judge_without_an_endpoint_is_one_clear_error(
    seed_index_dir: Path, fork_server: QAForkServer, tmp_path: Path
):
    outcome = fork_server.run(
        "ask", QUESTION, "--index", str(seed_index_dir), "--judge", env=qa_env(), cwd=tmp_path
    )
    assert outcome.code == 1
    assert outcome.stderr.strip().splitlines()[-1] == (
        "error: --judge needs an LLM endpoint: set OPENAI_API_KEY or OPENAI_BASE_URL."
    )
