"""`qa ask` through the LLM reader: the seeds with a mocked model, and a real local HTTP endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from qa.answer.ask import ask
from qa.answer.llm import LLMReader
from qa.index.corpus import Corpus
from tests.helpers.openai_server import OpenAICompatibleServer
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS

QUOTE = "the 168 lawmakers present were just three more than the quorum"
QUESTION = "How many lawmakers attended the session?"


def test_seed_question_through_a_mocked_model_verifies_the_quote(seed_corpus: Corpus, fake_llm):
    fake_llm.reply_json(
        {
            "status": "answered",
            "answer": "168 lawmakers were present.",
            "citations": [{"source": "P3", "quote": QUOTE}],
        }
    )
    settings = fake_llm.settings()
    reader = LLMReader(settings, client=fake_llm.client(settings))
    answer = ask(seed_corpus, QUESTION, reader, k=6)
    assert answer.status == "answered" and answer.backend.startswith("llm:")
    [citation] = answer.citations
    assert citation.verified and citation.doc_id == GLOBAL_NEWS
    assert seed_corpus.article_text(GLOBAL_NEWS)[citation.start : citation.end] == QUOTE
    sent = fake_llm.requests[0]["messages"][-1]["content"]
    assert QUESTION in sent and QUOTE in sent


def test_ask_against_a_local_openai_compatible_server(seed_index_dir: Path, tmp_path: Path):
    """No key, only OPENAI_BASE_URL: as with Ollama, vLLM or a llama.cpp server."""
    with OpenAICompatibleServer() as server:
        server.answer(
            {
                "status": "answered",
                "answer": "168 lawmakers attended [1].",
                "citations": [{"source": "P1", "quote": QUOTE}],
            }
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "QA_"))}
        env.update(OPENAI_BASE_URL=server.base_url, QA_MODEL="local-model", QA_MAX_RETRIES="0")
        result = subprocess.run(
            [sys.executable, "-m", "qa", "ask", QUESTION, "--json", "--index", str(seed_index_dir)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["backend"] == "llm:local-model" and doc["status"] == "answered"
    [citation] = doc["citations"]
    assert citation["verified"] is True and citation["doc_id"] == GLOBAL_NEWS
    article = (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8")
    assert article[citation["start"] : citation["end"]] == QUOTE
    assert server.paths == ["/v1/chat/completions"]
    assert server.requests[0]["model"] == "local-model"
    assert "No LLM is configured" not in result.stderr
