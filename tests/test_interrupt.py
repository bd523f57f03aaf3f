"""Ctrl-C and SIGTERM during `qa ingest`: finished articles are committed, the rest rolled back.

Real `qa ingest` processes (forked by the QAForkServer) over 12 articles are sent SIGINT or
SIGTERM at named points of the write path (``QA_TEST_SIGNAL_AT``, the process signals itself
there, so the count of committed articles is known exactly) and at delays after the first
commit. Each must exit 130 with one `interrupted: N added, … ; run the same command again to
continue` line whose N is the number of articles the manifest holds, leave the index whole,
and a re-run must complete the job.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path

import pytest

from qa.ingest.chunking import chunk_article
from qa.ingest.loaders import load_file
from tests.helpers.articles import sample_rows
from tests.helpers.index_checks import assert_clean, assert_whole, committed_articles, snapshot
from tests.helpers.processes import QAForkServer, qa_env

pytestmark = pytest.mark.slow

BATCH = 4  # chunks per commit batch


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 one-to-three-chunk articles, with no ids of their own (their doc_ids come from their paths)."""
    out = tmp_path_factory.mktemp("interrupt-articles")
    for i, row in enumerate(sample_rows()):
        (out / f"{i:02d}.txt").write_text(
            f"---\ntitle: {json.dumps(row['title'])}\n---\n{row['text']}", encoding="utf-8"
        )
    return out


def chunk_counts(folder: Path) -> list[tuple[str, int]]:
    """(doc_id, chunks) of each article, in ingest order."""
    out = []
    for path in sorted(folder.iterdir()):
        [article] = load_file(path, 10**7).articles
        out.append((article.doc_id, len(chunk_article(article))))
    return out


def batches(folder: Path) -> list[int]:
    """Articles committed once each commit batch is done (cumulative), as the pipeline batches them."""
    ends, size = [], 0
    for n, (_, chunks) in enumerate(chunk_counts(folder), start=1):
        size += chunks
        if size >= BATCH:
            ends.append(n)
            size = 0
    return ends


def _env(**extra: str) -> dict[str, str]:
    return qa_env(QA_TEST_BATCH_CHUNKS=str(BATCH), **extra)


def _interrupted_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("interrupted: ")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].endswith("; run the same command again to continue"), lines[0]
    return lines[0]


def _check(
    index: Path, outcome, folder: Path, forks: QAForkServer, tmp_path: Path, expected: int | None
) -> None:
    assert outcome.code == 130, outcome.stderr
    line = _interrupted_line(outcome.stderr)
    committed = committed_articles(index)
    assert line.startswith(f"interrupted: {len(committed)} added, 0 replaced, 0 unchanged, 0 failed"), line
    if expected is not None:
        assert len(committed) == expected, line
    assert committed <= {doc_id for doc_id, _ in chunk_counts(folder)}
    assert_whole(snapshot(index))
    rerun = forks.run("ingest", str(folder), "--index", str(index), "--json", env=_env(), cwd=tmp_path)
    assert rerun.code == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert sorted(report["unchanged"]) == sorted(committed) and len(report["added"]) == 12 - len(committed)
    assert_clean(snapshot(index))


@pytest.mark.parametrize(
    "point, sig",
    [
        ("recovered:1", "SIGINT"),
        ("pending:1", "SIGINT"),
        ("upserted:2", "SIGTERM"),
        ("committed:2", "SIGINT"),
        ("embedded:2", "SIGTERM"),
        ("cleaned:1", "SIGINT"),
    ],
)
def test_a_signal_at_a_named_point_commits_the_finished_articles(point, sig, fork_server, folder, tmp_path):
    name, n = point.split(":")
    ends = batches(folder)
    # A signal before the writes of batch n lets that batch finish (it is already embedded); the
    # run stops after it. "recovered" comes before any batch.
    expected = 0 if name == "recovered" else ends[int(n) - 1]
    index = tmp_path / "index"
    outcome = fork_server.run(
        "ingest",
        str(folder),
        "--index",
        str(index),
        env=_env(QA_TEST_SIGNAL_AT=f"{point}:{sig}"),
        cwd=tmp_path,
    )
    _check(index, outcome, folder, fork_server, tmp_path, expected)


def test_a_signal_while_a_batch_is_embedded_keeps_the_articles_already_embedded(
    fork_server, folder, tmp_path
):
    """One commit batch for everything, embedded 3 chunks at a time; SIGINT after the 2nd slice."""
    index = tmp_path / "index"
    env = qa_env(QA_TEST_BATCH_CHUNKS="1000", QA_TEST_EMBED_SLICE="3", QA_TEST_SIGNAL_AT="sliced:2:SIGINT")
    outcome = fork_server.run("ingest", str(folder), "--index", str(index), env=env, cwd=tmp_path)
    covered, expected = 0, 0
    for _, chunks in chunk_counts(folder):  # articles whose every chunk is among the first 6 embedded
        covered += chunks
        if covered > 6:
            break
        expected += 1
    _check(index, outcome, folder, fork_server, tmp_path, expected)


@pytest.mark.parametrize("sig, delay", [(signal.SIGINT, 0.0), (signal.SIGTERM, 0.02), (signal.SIGINT, 0.05)])
def test_a_signal_after_delays_mid_write(sig, delay, fork_server, folder, tmp_path):
    """Wherever the process happens to be some time after its first commit."""
    index = tmp_path / "index"
    env = _env(QA_TEST_EMBED_SLICE="1")  # many short embedding calls: the ingest lasts long enough
    pid = fork_server.start("ingest", str(folder), "--index", str(index), env=env, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not committed_articles(index):
        assert time.monotonic() < deadline, "the ingest never committed"
        time.sleep(0.005)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):  # it had already finished
        os.kill(pid, sig)
    outcome = fork_server.wait()
    if outcome.code == 0 or outcome.stderr.strip() == "interrupted":
        # It finished first (or the signal came after the last commit, as the command was ending).
        assert len(committed_articles(index)) == 12 and "Traceback" not in outcome.stderr
        assert_clean(snapshot(index))
        return
    _check(index, outcome, folder, fork_server, tmp_path, None)


def test_a_second_signal_stops_at_once_and_the_index_stays_whole(fork_server, folder, tmp_path):
    index = tmp_path / "index"
    env = _env(QA_TEST_EMBED_SLICE="1")
    pid = fork_server.start("ingest", str(folder), "--index", str(index), env=env, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not committed_articles(index):
        assert time.monotonic() < deadline, "the ingest never committed"
        time.sleep(0.005)
    os.kill(pid, signal.SIGINT)
    os.kill(pid, signal.SIGINT)
    outcome = fork_server.wait()
    assert outcome.code in (0, 130), outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert_whole(snapshot(index))
    rerun = fork_server.run("ingest", str(folder), "--index", str(index), "--json", env=_env(), cwd=tmp_path)
    assert rerun.code == 0, rerun.stderr
    assert_clean(snapshot(index))
