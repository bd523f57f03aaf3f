"""Secrets: a recognisable API key never appears in anything qa prints.

The fault runs of tests/llm_faults.py (every LLM fault, plain and --json, with the key set and
servers that echo it back) are grepped, plus the other ways a key could escape: debug logging,
a key read from .env, credentials in OPENAI_BASE_URL, a malformed key, the other commands, and
the traceback of an unexpected bug (Typer's pretty exceptions, which print locals, are off).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.fake_llm import error_body
from tests.helpers.llm_faults import API_KEY, KEY_PIECES, QUESTION, Run, fault_runs
from tests.helpers.openai_server import OpenAICompatibleServer, Scripted
from tests.helpers.processes import Outcome, QAForkServer, free_port, qa_env, run_qa
from tests.helpers.seeds import SEEDS

pytestmark = pytest.mark.slow


def assert_no_key(*texts: str) -> None:
    for text in texts:
        for piece in KEY_PIECES:
            assert piece not in text, (
                f"the API key leaked: ...{text[max(0, text.find(piece) - 80) :][:200]}..."
            )
        assert "Bearer" not in text


@pytest.fixture(scope="module")
def runs(
    fork_server: QAForkServer, seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Run]:
    return fault_runs(fork_server, seed_index_dir, tmp_path_factory.mktemp("llm-faults"))


def test_no_fault_run_printed_the_key(runs: list[Run]):
    assert len(runs) >= 19 and sum(r.as_json for r in runs) >= 6
    echoed = [r for r in runs if r.case.name in ("401-bad-key", "500", "400-echoing-the-key")]
    assert echoed, "some servers echo the key back in their error bodies"
    for run in runs:
        assert_no_key(run.outcome.stdout, run.outcome.stderr)


def _ask(fork_server: QAForkServer, index: Path, cwd: Path, **env: str) -> Outcome:
    return fork_server.run(
        "ask", QUESTION, "--index", str(index), env=qa_env(QA_MAX_RETRIES="0", **env), cwd=cwd
    )


def test_debug_logging_dotenv_and_url_credentials_do_not_leak(
    fork_server: QAForkServer, seed_index_dir: Path, tmp_path: Path
):
    with OpenAICompatibleServer() as server:
        echo = Scripted(401, error_body(f"Incorrect API key provided: {API_KEY}", "invalid_request_error"))
        # 1. The openai client's own debug logging (read at import: a plain process, not the fork server).
        server.queue.append(echo)
        result = run_qa(
            "ask",
            QUESTION,
            "--index",
            str(seed_index_dir),
            cwd=tmp_path,
            env=qa_env(
                QA_MAX_RETRIES="0",
                OPENAI_API_KEY=API_KEY,
                OPENAI_BASE_URL=server.base_url,
                OPENAI_LOG="debug",
            ),
        )
        logged = Outcome(result.returncode, result.stdout, result.stderr)
        assert logged.code == 1 and "DEBUG" in logged.stderr
        # 2. The key read from a .env file in the working directory.
        (tmp_path / ".env").write_text(
            f"OPENAI_API_KEY={API_KEY}\nOPENAI_BASE_URL={server.base_url}\n", encoding="utf-8"
        )
        server.queue.append(echo)
        dotenv = _ask(fork_server, seed_index_dir, tmp_path)
        assert (
            dotenv.code == 1
            and {k.lower(): v for k, v in server.headers[-1].items()}["authorization"] == f"Bearer {API_KEY}"
        )
        (tmp_path / ".env").unlink()
    # 3. Credentials inside OPENAI_BASE_URL, with nothing listening there.
    in_url = _ask(
        fork_server,
        seed_index_dir,
        tmp_path,
        OPENAI_BASE_URL=f"http://user:{API_KEY}@127.0.0.1:{free_port()}/v1",
    )
    assert in_url.code == 1 and "Cannot reach the LLM endpoint at http://127.0.0.1:" in in_url.stderr
    for outcome in (logged, dotenv, in_url):
        assert "Traceback" not in outcome.stderr
        assert_no_key(outcome.stdout, outcome.stderr)


@pytest.mark.parametrize(
    "bad", [f"{API_KEY}…", f"{API_KEY[:10]} {API_KEY[10:]}", f"{API_KEY}\r\nX-Injected: 1"]
)
def test_a_malformed_key_is_refused_without_quoting_it(
    bad: str, fork_server: QAForkServer, seed_index_dir: Path, tmp_path: Path
):
    with OpenAICompatibleServer() as server:
        outcome = _ask(
            fork_server, seed_index_dir, tmp_path, OPENAI_API_KEY=bad, OPENAI_BASE_URL=server.base_url
        )
    assert outcome.code == 1 and server.requests == []
    assert outcome.stderr == (
        "error: OPENAI_API_KEY contains spaces, line breaks or non-ASCII characters "
        "(a copy-paste slip?): set it again.\n"
    )
    assert_no_key(outcome.stdout, outcome.stderr)


def test_other_commands_with_a_key_set(fork_server: QAForkServer, seed_index_dir: Path, tmp_path: Path):
    env = qa_env(OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1")
    index = tmp_path / "index"
    outputs = [
        fork_server.run("ingest", str(SEEDS), "--index", str(index), "--json", env=env, cwd=tmp_path),
        fork_server.run(
            "ingest", str(tmp_path / "missing.txt"), "--index", str(index), env=env, cwd=tmp_path
        ),
        fork_server.run("sources", "--json", "--index", str(index), env=env, cwd=tmp_path),
        fork_server.run("search", "troops", "--json", "--index", str(index), env=env, cwd=tmp_path),
        fork_server.run("show", "nope:1-2", "--index", str(index), env=env, cwd=tmp_path),
        fork_server.run("ask", QUESTION, "--offline", "--json", "--index", str(index), env=env, cwd=tmp_path),
        fork_server.run("--help", env=env, cwd=tmp_path),
    ]
    assert [o.code for o in outputs] == [0, 1, 0, 0, 1, 0, 0]
    json.loads(outputs[-2].stdout)
    for outcome in outputs:
        assert "Traceback" not in outcome.stderr
        assert_no_key(outcome.stdout, outcome.stderr)


BUG = """
import sys
import qa.answer.llm
from qa.cli import main

def bug(self, question, hits, article_text):
    client = self.client  # the key is in a local variable of this frame and of its callers
    raise RuntimeError("an unexpected bug")

qa.answer.llm.LLMReader.answer = bug
sys.argv = ["qa", "ask", sys.argv[1], "--index", sys.argv[2]]
main()
"""


def test_an_unexpected_bug_prints_a_plain_traceback_without_locals(seed_index_dir: Path, tmp_path: Path):
    """A genuine bug still shows a traceback (it must be reported), but never the locals holding the key."""
    result = subprocess.run(
        [sys.executable, "-c", BUG, QUESTION, str(seed_index_dir)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env=qa_env(OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1"),
    )
    assert result.returncode == 1
    assert "RuntimeError: an unexpected bug" in result.stderr and "Traceback" in result.stderr
    assert "╭" not in result.stderr and "locals" not in result.stderr  # no Rich box of local variables
    assert_no_key(result.stdout, result.stderr)


def test_an_embeddings_endpoint_that_echoes_the_key(fork_server: QAForkServer, tmp_path: Path):
    """QA_EMBEDDING=openai:... errors come from qa.index.embedding.

    The CLI scrubs the key from every error line.
    """
    with OpenAICompatibleServer() as server:
        server.queue.append(
            Scripted(401, error_body(f"Incorrect API key provided: {API_KEY}", "invalid_request_error"))
        )
        env = qa_env(
            OPENAI_API_KEY=API_KEY,
            OPENAI_BASE_URL=server.base_url,
            QA_MAX_RETRIES="0",
            QA_EMBEDDING="openai:embedder",
        )
        outcome = fork_server.run(
            "ingest", str(SEEDS), "--index", str(tmp_path / "index"), env=env, cwd=tmp_path
        )
    assert outcome.code == 1 and outcome.stderr.startswith(
        f"error: The embeddings endpoint at {server.base_url} rejected the API key"
    )
    assert len(outcome.stderr.splitlines()) == 1 and "Traceback" not in outcome.stderr
    assert_no_key(outcome.stdout, outcome.stderr)
