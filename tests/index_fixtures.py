"""Fixtures for tests that need a real index: the seeds ingested once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from qa.config import Settings, load_settings
from qa.index.corpus import Corpus
from qa.ingest.pipeline import ingest

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"
GLOBAL_NEWS = "001_459249e74de3275c"
UNNAMED = "000_cd5ad041538ca3e1"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's keys, endpoints, index or .env file."""
    for name in list(os.environ):
        if name.startswith(("QA_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def settings_for(index: Path, **overrides: object) -> Settings:
    """Settings for an index directory, ignoring any .env."""
    return load_settings(env={}, dotenv=None, index=index, **overrides)


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
    from qa.cli import main

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
