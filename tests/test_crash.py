"""Crash safety: `qa ingest` is SIGKILLed at dozens of points; the index must stay whole.

Every case copies a base index (the two seeds, ingested from files in the articles folder),
then runs a real `qa ingest` process over 14 articles (2 changed seeds that replace the
indexed ones from the same files, 12 new ones), committed in 5 batches, and kills it with
SIGKILL:

* at each named point of the write path (qa/ingest/pipeline.py ``QA_TEST_CRASH_AT``: after recovery,
  after embedding the first batch, and for every batch after recording pending ids, after the
  Chroma upsert, after the manifest commit and after the stale-vector cleanup): 22 points;
* at delays after its first commit (wherever it happens to be: inside Chroma's upsert, inside
  the SQLite commit, while embedding), through the fork server and as a plain ``python -m qa``;
* twice in a row (the recovery run killed too), during ``--rebuild`` and during ``qa remove``.

After each kill: the manifest passes SQLite's integrity check; `qa sources` and `qa search`
work and only show committed spans; every article is either its old version or its new one,
complete in the manifest, the FTS index and Chroma (never half); every vector Chroma holds is
committed or recorded as pending. Then the ingest is re-run: it completes, and Chroma holds
exactly the committed chunks (the crashed run's leftovers were cleaned).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.config import load_settings
from qa.ingest.chunking import chunk_article
from qa.ingest.loaders import load_file
from qa.ingest.pipeline import ingest
from tests.helpers.index_checks import Snapshot, assert_clean, assert_whole, committed_articles, snapshot
from tests.helpers.processes import QAForkServer, qa_env
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS, UNNAMED

pytestmark = pytest.mark.slow

BATCH = "4"  # chunks per commit batch: 5 batches for this corpus
BATCHES = 5
# "embedded" leaves the index as "cleaned" of the batch before, so it is killed at once only.
NAMED_POINTS = ["recovered:1", "embedded:1"] + [
    f"{point}:{n}" for n in range(1, BATCHES + 1) for point in ("pending", "upserted", "committed", "cleaned")
]


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """14 articles: 6 new, the 2 seeds changed (same doc_ids), 6 more new ones, in that file order.

    The seeds' first versions are ingested from the same b0/b1 files into the base index
    (``base_index``) before they are changed: a new version replaces an article only when it
    comes from the same source.
    """
    folder = tmp_path_factory.mktemp("crash-articles")
    for n, doc_id in enumerate((UNNAMED, GLOBAL_NEWS)):
        original = (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")
        (folder / f"b{n}.txt").write_text(
            f"---\nid: {doc_id}\ntitle: Seed {n}\n---\n{original}", encoding="utf-8"
        )
    report = ingest(
        sorted(folder.iterdir()), load_settings(env={}, dotenv=None, index=_base_index_of(folder))
    )
    assert sorted(report.added) == [UNNAMED, GLOBAL_NEWS] and not report.failed
    rows = [
        json.loads(line)
        for line in (SEEDS.parent / "eval" / "allsides_sample.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for i, row in enumerate(rows):
        prefix = "a" if i < 6 else "c"
        front = f"---\ntitle: {json.dumps(row['title'])}\noutlet: {row['outlet']}\n---\n"
        (folder / f"{prefix}{i:02d} {row['id']}.txt").write_text(front + row["text"], encoding="utf-8")
    for n, doc_id in enumerate((UNNAMED, GLOBAL_NEWS)):
        # A shorter, edited version of each seed: it replaces the indexed one (same doc_id).
        lines, size = [], 0
        for line in (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines(keepends=True):
            lines.append(line.replace("lawmakers", "legislators"))
            size += len(line)
            if size > 1500:
                break
        (folder / f"b{n}.txt").write_text(
            f"---\nid: {doc_id}\ntitle: Changed seed {n}\n---\n{''.join(lines)}", encoding="utf-8"
        )
    assert max(batch_plan(folder).values()) == BATCHES  # the named kill points assume this
    return folder


def _base_index_of(folder: Path) -> Path:
    return folder.parent / f"{folder.name}-base-index"


@pytest.fixture(scope="module")
def base_index(articles: Path) -> Path:
    """The index holding the seeds' first versions, from the same files the changed versions are in."""
    return _base_index_of(articles)


def batch_plan(folder: Path) -> dict[str, int]:
    """doc_id -> the commit batch (1-based) it lands in, as qa.ingest.pipeline._ingest_locked batches."""
    plan, batch, size = {}, 1, 0
    for path in sorted(folder.iterdir()):
        [article] = load_file(path, 10**7).articles
        plan[article.doc_id] = batch
        size += len(chunk_article(article))
        if size >= int(BATCH):
            batch, size = batch + 1, 0
    return plan


@pytest.fixture(scope="module")
def new_versions(articles: Path) -> dict[str, str]:
    """doc_id -> sha256 of the version in the folder."""
    out = {}
    for path in sorted(articles.iterdir()):
        [article] = load_file(path, 10**7).articles
        out[article.doc_id] = article.sha256
    assert len(out) == 14
    return out


@pytest.fixture(scope="module")
def old_versions(base_index: Path) -> dict[str, str]:
    return {d: a.sha256 for d, a in snapshot(base_index).articles.items()}


@pytest.fixture(scope="module")
def forks(fork_server: QAForkServer) -> QAForkServer:
    return fork_server


@pytest.fixture(scope="module", autouse=True)
def one_embedder_in_this_process() -> Iterator[None]:
    """The checks run qa in-process many times; load MiniLM once here (the killed runs load their own)."""
    import qa.index.embedding

    original = qa.index.embedding.load_embedder
    cache: dict[str, object] = {}

    def cached(settings):
        if settings.embedding not in cache:
            cache[settings.embedding] = original(settings)
        return cache[settings.embedding]

    qa.index.embedding.load_embedder = cached
    yield
    qa.index.embedding.load_embedder = original


def _env(crash_at: str = "") -> dict[str, str]:
    env = qa_env(QA_TEST_BATCH_CHUNKS=BATCH)
    if crash_at:
        env["QA_TEST_CRASH_AT"] = crash_at
    return env


def check_crashed_index(index: Path, run_cli, old: dict[str, str], new: dict[str, str]) -> Snapshot:
    """The state a crash left: whole articles only, visible to the CLI as committed."""
    snap = snapshot(index)
    assert_whole(snap)
    for doc_id, article in snap.articles.items():
        assert article.sha256 in {old.get(doc_id), new.get(doc_id)}, f"{doc_id}: unknown version"
    code, out, err = run_cli("sources", "--json", "--index", str(index))
    assert code == 0, err
    assert {s["doc_id"] for s in json.loads(out)["sources"]} == set(snap.articles)
    code, out, err = run_cli("search", "Colin Powell died", "--json", "--index", str(index))
    assert code == 0, err
    spans = {(doc, start, end) for doc, start, end in ((c[1], c[2], c[3]) for c in snap.chunks.values())}
    for hit in json.loads(out)["hits"]:
        assert (hit["doc_id"], hit["start"], hit["end"]) in spans, "search returned an uncommitted chunk"
        assert snap.articles[hit["doc_id"]].text[hit["start"] : hit["end"]] == hit["text"]
    return snap


def check_rerun_completes(index: Path, articles: Path, run_cli, new: dict[str, str]) -> None:
    """Re-running the same ingest finishes the job and leaves no leftovers in Chroma."""
    code, out, err = run_cli("ingest", str(articles), "--index", str(index), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert sorted(report["added"] + report["replaced"] + report["unchanged"]) == sorted(new)
    snap = snapshot(index)
    assert_clean(snap)
    assert {d: a.sha256 for d, a in snap.articles.items()} == new


def _copy(base_index: Path, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    shutil.copytree(base_index, index)
    return index


@pytest.mark.parametrize("crash_at", NAMED_POINTS)
def test_sigkill_at_a_named_point(
    crash_at, forks, articles, base_index, tmp_path, run_cli, old_versions, new_versions
):
    index = _copy(base_index, tmp_path)
    outcome = forks.run("ingest", str(articles), "--index", str(index), env=_env(crash_at), cwd=tmp_path)
    assert outcome.code == -signal.SIGKILL, outcome.stderr
    snap = check_crashed_index(index, run_cli, old_versions, new_versions)
    point, n = crash_at.split(":")
    plan = batch_plan(articles)
    done = int(n) if point in ("committed", "cleaned") else int(n) - 1 if point != "recovered" else 0
    committed_new = {d for d, a in snap.articles.items() if a.sha256 == new_versions[d]}
    assert committed_new == {d for d, b in plan.items() if b <= done}, (
        "exactly the committed batches are visible"
    )
    check_rerun_completes(index, articles, run_cli, new_versions)


@pytest.mark.parametrize("doc_id", [UNNAMED, GLOBAL_NEWS])
def test_superseded_vectors_left_by_a_crash_are_pending_and_cleaned(
    doc_id, forks, articles, base_index, tmp_path, run_cli, old_versions, new_versions
):
    """Killed after the new version committed but before the old version's vectors were deleted."""
    old_chunks = {c for c in snapshot(base_index).chunks if c.startswith(f"{doc_id}:")}
    index = _copy(base_index, tmp_path)
    outcome = forks.run(
        "ingest",
        str(articles),
        "--index",
        str(index),
        env=_env(f"committed:{batch_plan(articles)[doc_id]}"),
        cwd=tmp_path,
    )
    assert outcome.code == -signal.SIGKILL
    snap = check_crashed_index(index, run_cli, old_versions, new_versions)
    assert snap.articles[doc_id].sha256 == new_versions[doc_id]
    assert old_chunks and old_chunks <= snap.stray_vectors and old_chunks <= snap.pending
    check_rerun_completes(index, articles, run_cli, new_versions)


def _wait_for_first_commit(index: Path, running) -> None:
    """Until the first batch's articles are committed (the seeds' 2 become 6): the writes have begun."""
    deadline = time.monotonic() + 60
    while running() and len(committed_articles(index)) <= 2:
        assert time.monotonic() < deadline, "the ingest never committed"
        time.sleep(0.005)


def test_sigkill_after_delays_mid_write(
    forks, articles, base_index, tmp_path, run_cli, old_versions, new_versions
):
    """Kill points that are not named: wherever the process is, some time after its first commit."""
    killed = 0
    for i, delay in enumerate((0.0, 0.04, 0.1, 0.2)):
        index = _copy(base_index, tmp_path / f"delay{i}")
        pid = forks.start("ingest", str(articles), "--index", str(index), env=_env(), cwd=tmp_path)
        _wait_for_first_commit(index, lambda pid=pid: _alive(pid))
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):  # it had already finished
            os.kill(pid, signal.SIGKILL)
        killed += forks.wait().code == -signal.SIGKILL
        check_crashed_index(index, run_cli, old_versions, new_versions)
        check_rerun_completes(index, articles, run_cli, new_versions)
    assert killed >= 2, "most kills should land before the ingest ends"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_sigkill_a_plain_python_process_mid_write(
    articles, base_index, tmp_path, run_cli, old_versions, new_versions
):
    """A plain `python -m qa ingest` (no fork server, no hook), killed right after its first commit."""
    index = _copy(base_index, tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa", "ingest", str(articles), "--index", str(index)],
        env=_env(),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_first_commit(index, lambda: proc.poll() is None)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL, "the ingest finished before it could be killed"
    check_crashed_index(index, run_cli, old_versions, new_versions)
    check_rerun_completes(index, articles, run_cli, new_versions)


@pytest.mark.parametrize("first, second", [("upserted:2", "pending:1"), ("committed:3", "upserted:1")])
def test_the_recovery_run_is_killed_too(
    first, second, forks, articles, base_index, tmp_path, run_cli, old_versions, new_versions
):
    index = _copy(base_index, tmp_path)
    for crash_at in (first, second):
        outcome = forks.run("ingest", str(articles), "--index", str(index), env=_env(crash_at), cwd=tmp_path)
        assert outcome.code == -signal.SIGKILL, outcome.stderr
        check_crashed_index(index, run_cli, old_versions, new_versions)
    check_rerun_completes(index, articles, run_cli, new_versions)


def test_sigkill_on_an_empty_index(forks, articles, tmp_path, run_cli, new_versions):
    index = tmp_path / "fresh"
    outcome = forks.run("ingest", str(articles), "--index", str(index), env=_env("upserted:1"), cwd=tmp_path)
    assert outcome.code == -signal.SIGKILL
    assert_whole(snapshot(index))
    code, out, err = run_cli("sources", "--json", "--index", str(index))
    assert code == 0 and json.loads(out)["sources"] == []
    code, out, err = run_cli("search", "Powell", "--index", str(index))
    assert code == 1 and err.startswith("error: ") and "qa ingest" in err and "Traceback" not in err
    check_rerun_completes(index, articles, run_cli, new_versions)


@pytest.mark.parametrize("crash_at", ["rebuild-cleared:1", "recovered:1", "committed:2"])
def test_sigkill_during_rebuild(
    crash_at, forks, articles, base_index, tmp_path, run_cli, old_versions, new_versions
):
    index = _copy(base_index, tmp_path)
    outcome = forks.run(
        "ingest", "--rebuild", str(articles), "--index", str(index), env=_env(crash_at), cwd=tmp_path
    )
    assert outcome.code == -signal.SIGKILL, outcome.stderr
    snap = snapshot(index)
    assert_whole(snap)
    code, _out, err = run_cli("sources", "--json", "--index", str(index))
    assert code == 0, err
    check_rerun_completes(index, articles, run_cli, new_versions)


def test_sigkill_during_remove(forks, base_index, tmp_path, run_cli, articles, new_versions):
    index = _copy(base_index, tmp_path)
    outcome = forks.run("remove", GLOBAL_NEWS, "--index", str(index), env=_env("removed:1"), cwd=tmp_path)
    assert outcome.code == -signal.SIGKILL, outcome.stderr
    snap = snapshot(index)
    assert_whole(snap)
    assert set(snap.articles) == {UNNAMED}
    code, out, _err = run_cli("search", "Global News legislators", "--json", "--index", str(index))
    assert code == 0 and all(h["doc_id"] == UNNAMED for h in json.loads(out)["hits"])
    check_rerun_completes(index, articles, run_cli, new_versions)
