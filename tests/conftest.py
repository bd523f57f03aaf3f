"""Every shared fixture: isolation from the environment, the seeds' index, the CLI, fake and forked qa."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.cli import main
from qa.index.corpus import Corpus
from qa.ingest.pipeline import ingest
from tests.helpers.fake_llm import FakeLLM
from tests.helpers.processes import QAForkServer
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS, UNNAMED, settings_for


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    """A FakeLLM with an empty reply queue; queue replies, then build ``fake_llm.client()``."""
    # The client must never see a real key or endpoint from the developer's shell.
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "OPENAI_CUSTOM_HEADERS",
    ):
        monkeypatch.delenv(name, raising=False)
    fake = FakeLLM()
    yield fake
    fake.http_client.close()
    # A reply left in the queue means the code made fewer requests than the test expected.
    assert not fake.queue, f"FakeLLM: {len(fake.queue)} queued replies were never requested"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's keys, endpoints, index or .env file."""
    for name in list(os.environ):
        if name.startswith(("QA_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the seeds' index, built once; copy it before writing to it."""
    index = tmp_path_factory.mktemp("seed-index")
    report = ingest([SEEDS], settings_for(index))
    assert sorted(report.added) == [UNNAMED, GLOBAL_NEWS] and not report.failed
    return index


@pytest.fixture
def seed_corpus(seed_index_dir: Path) -> Iterator[Corpus]:
    """A read-only Corpus over the seeds' index."""
    with Corpus(settings_for(seed_index_dir)) as corpus:
        yield corpus


@pytest.fixture
def writable_index(seed_index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seeds' index that a test may change."""
    target = tmp_path / "index"
    shutil.copytree(seed_index_dir, target)
    return target


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the real console entry point in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.argv", ["qa", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def fork_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QAForkServer]:
    """A QAForkServer (one forking helper process) for one test module."""
    server = QAForkServer(tmp_path_factory.mktemp("forks"))
    yield server
    server.close()
