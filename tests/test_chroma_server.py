"""Chroma server mode: a real `chroma run` process on 127.0.0.1, started and stopped by PID.

The `chroma` command ships with chromadb and sits next to the Python executable.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.articles import write_articles
from tests.helpers.index_checks import assert_clean, assert_whole, committed_articles, snapshot
from tests.helpers.processes import QAForkServer, free_port, qa_env
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS, UNNAMED

pytestmark = pytest.mark.slow
CHROMA = Path(sys.executable).parent / "chroma"
QUESTION = "How many lawmakers attended the session?"


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port PORT` as a child process."""

    def __init__(self, data: Path, log: Path) -> None:
        self.data, self.log, self.port = data, log, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(CHROMA),
                    "run",
                    "--path",
                    str(self.data),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=qa_env(ANONYMIZED_TELEMETRY="False"),
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the Chroma server did not start"
            time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server by its PID (SIGKILL for a crash)."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    assert CHROMA.exists(), f"{CHROMA} is missing: chromadb ships the `chroma` command"
    chroma = ChromaServer(tmp_path / "chroma-data", tmp_path / "chroma.log")
    chroma.start()
    yield chroma
    chroma.stop(signal.SIGKILL)


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


def test_ingest_and_ask_through_a_chroma_server(
    server: ChromaServer, fork_server: QAForkServer, tmp_path: Path
):
    index = tmp_path / "index"
    env = qa_env(QA_CHROMA_URL=server.url)
    ingest = fork_server.run("ingest", str(SEEDS), "--index", str(index), "--json", env=env, cwd=tmp_path)
    assert ingest.code == 0, ingest.stderr
    assert sorted(json.loads(ingest.stdout)["added"]) == [UNNAMED, GLOBAL_NEWS]
    assert not (index / "chroma").exists(), "vectors must go to the server, not the embedded store"
    ask = fork_server.run(
        "ask", QUESTION, "--offline", "--json", "--index", str(index), env=env, cwd=tmp_path
    )
    assert ask.code == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert (
        answer["status"] == "answered"
        and answer["citations"]
        and all(c["verified"] for c in answer["citations"])
    )
    assert any("168" in c["quote"] for c in answer["citations"])
    assert_clean(snapshot(index, server.url))

    server.stop()  # by PID; now the same commands must fail with one clear sentence
    for args in (("search", "troops"), ("ask", QUESTION, "--offline"), ("ingest", str(SEEDS))):
        result = fork_server.run(*args, "--index", str(index), env=env, cwd=tmp_path)
        assert result.code == 1
        line = _one_error_line(result.stderr)
        assert f"Cannot reach the Chroma server at {server.url}" in line and "chroma run" in line


def test_server_down_at_start_is_one_clear_error(fork_server: QAForkServer, tmp_path: Path):
    url = f"http://127.0.0.1:{free_port()}"
    result = fork_server.run(
        "ingest", str(SEEDS), "--index", str(tmp_path / "index"), env=qa_env(QA_CHROMA_URL=url), cwd=tmp_path
    )
    assert result.code == 1 and result.stdout == ""
    line = _one_error_line(result.stderr)
    assert line.startswith(f"error: Cannot reach the Chroma server at {url}") and "QA_CHROMA_URL" in line


def test_server_killed_mid_ingest_then_restarted(
    server: ChromaServer, fork_server: QAForkServer, tmp_path: Path
):
    index = tmp_path / "index"
    env = qa_env(QA_CHROMA_URL=server.url, QA_TEST_BATCH_CHUNKS="2")
    added = write_articles(tmp_path / "articles", 24, "wire")
    pid = fork_server.start(
        "ingest", str(tmp_path / "articles"), "--index", str(index), env=env, cwd=tmp_path
    )
    deadline = time.monotonic() + 60
    while len(committed_articles(index)) < 4:
        try:
            os.kill(pid, 0)  # still running?
        except ProcessLookupError:
            pytest.fail(f"the ingest ended before the server was killed: {fork_server.wait()}")
        assert time.monotonic() < deadline
        time.sleep(0.01)
    server.stop(signal.SIGKILL)  # the server dies while the ingest is writing
    ingest = fork_server.wait()
    assert ingest.code == 1, (ingest.stdout, ingest.stderr)
    line = _one_error_line(ingest.stderr)
    assert f"The Chroma server at {server.url} failed while" in line and "run the command again" in line

    server.start()  # same data directory, same port
    snap = snapshot(index, server.url)
    assert 4 <= len(snap.articles) < 24
    assert_whole(snap)  # no half article: every committed one has all its vectors
    sources = fork_server.run("sources", "--json", "--index", str(index), env=env, cwd=tmp_path)
    assert sources.code == 0 and len(json.loads(sources.stdout)["sources"]) == len(snap.articles)
    search = fork_server.run(
        "search", "Dispatch wire number", "--json", "--index", str(index), env=env, cwd=tmp_path
    )
    assert search.code == 0 and {h["doc_id"] for h in json.loads(search.stdout)["hits"]} <= set(snap.articles)
    rerun = fork_server.run(
        "ingest", str(tmp_path / "articles"), "--index", str(index), "--json", env=env, cwd=tmp_path
    )
    assert rerun.code == 0, rerun.stderr
    final = snapshot(index, server.url)
    assert set(final.articles) == set(added)
    assert_clean(final)
