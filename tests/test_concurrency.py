"""Concurrency: two `qa ingest` processes on one index, and `qa ask` while an ingest writes.

Writers take an exclusive lock on the index (``ingest.lock``); a second writer says it is
waiting and waits (up to QA_LOCK_TIMEOUT), so no article is lost. Readers take no lock: they
read the committed manifest (SQLite WAL) and ignore any vector the manifest has not committed.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.articles import write_articles
from tests.helpers.index_checks import assert_clean, committed_articles, snapshot
from tests.helpers.processes import QAForkServer, qa_env, run_qa
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS

pytestmark = pytest.mark.slow
WAITING = "Waiting for another qa ingest on this index"


def _start_ingest(folder: Path, index: Path, cwd: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "qa", "ingest", str(folder), "--index", str(index), "--json"],
        env=qa_env(**env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(condition, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"the ingest ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_second_writer_waits_then_gives_up_with_one_clear_error(seed_index_dir: Path, tmp_path: Path):
    index = tmp_path / "index"
    subprocess.run(["cp", "-r", str(seed_index_dir), str(index)], check=True)
    before = snapshot(index)
    folder = tmp_path / "new"
    write_articles(folder, 2, "late")
    with open(index / "ingest.lock", "a+") as handle:  # what a running ingest holds
        fcntl.flock(handle, fcntl.LOCK_EX)
        ingest = run_qa(
            "ingest", str(folder), "--index", str(index), env=qa_env(QA_LOCK_TIMEOUT="1"), cwd=tmp_path
        )
        remove = run_qa(
            "remove", GLOBAL_NEWS, "--index", str(index), env=qa_env(QA_LOCK_TIMEOUT="1"), cwd=tmp_path
        )
    for result in (ingest, remove):
        assert result.returncode == 1, result.stderr
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert lines[0].startswith(WAITING)
        assert (
            lines[-1].startswith("error: Another qa ingest has held the index")
            and "QA_LOCK_TIMEOUT" in lines[-1]
        )
        assert len(lines) == 2 and "Traceback" not in result.stderr
    after = snapshot(index)
    assert after.articles.keys() == before.articles.keys() and after.vectors == before.vectors


def test_two_ingests_at_once_lose_nothing(tmp_path: Path):
    index = tmp_path / "index"
    first = write_articles(tmp_path / "first", 30, "first")
    second = write_articles(tmp_path / "second", 8, "second")
    shared = tmp_path / "second" / "first-007.md"
    shared.write_bytes((tmp_path / "first" / "first-007.md").read_bytes())  # one article in both folders
    a = _start_ingest(tmp_path / "first", index, tmp_path, QA_TEST_BATCH_CHUNKS="4")
    _wait_until(
        lambda: (index / "manifest.sqlite").exists(), a
    )  # a holds the lock from before this file exists
    b = _start_ingest(tmp_path / "second", index, tmp_path)
    out_a, err_a = a.communicate(timeout=120)
    out_b, err_b = b.communicate(timeout=120)
    assert a.returncode == 0 and b.returncode == 0, (err_a, err_b)
    assert WAITING in err_b and "Traceback" not in err_a + err_b
    report_a, report_b = json.loads(out_a), json.loads(out_b)
    assert len(report_a["added"]) == 30 and "first-007" in report_b["unchanged"]
    snap = snapshot(index)
    assert set(snap.articles) == set(first) | set(second) | {"first-007"}
    assert_clean(snap)


def test_ask_and_search_while_an_ingest_writes(
    fork_server: QAForkServer, seed_index_dir: Path, tmp_path: Path
):
    index = tmp_path / "index"
    subprocess.run(["cp", "-r", str(seed_index_dir), str(index)], check=True)
    added = write_articles(tmp_path / "more", 24, "more")
    writer = _start_ingest(tmp_path / "more", index, tmp_path, QA_TEST_BATCH_CHUNKS="2")
    _wait_until(lambda: len(committed_articles(index)) > 2, writer)  # the first batches have committed
    seed_text = (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8")
    asked = 0
    while writer.poll() is None or asked < 2:
        ask = fork_server.run(
            "ask",
            "How many lawmakers attended the session?",
            "--offline",
            "--json",
            "--index",
            str(index),
            env=qa_env(),
            cwd=tmp_path,
        )
        assert ask.code == 0, ask.stderr
        doc = json.loads(ask.stdout)
        assert doc["status"] == "answered" and doc["citations"]
        for c in doc["citations"]:
            assert c["verified"]
            if c["doc_id"] == GLOBAL_NEWS:
                assert seed_text[c["start"] : c["end"]] == c["quote"]
        search = fork_server.run(
            "search", "Dispatch more number", "--json", "--index", str(index), env=qa_env(), cwd=tmp_path
        )
        assert search.code == 0, search.stderr
        assert all(
            h["doc_id"] in added or h["doc_id"].startswith(("000_", "001_"))
            for h in json.loads(search.stdout)["hits"]
        )
        asked += 1
    _out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert asked >= 2
    snap = snapshot(index)
    assert set(added) <= set(snap.articles)
    assert_clean(snap)
