"""Hostile files: symlink loops, FIFOs, unreadable files, 5,000 small files, odd file names.

Each runs the real `qa ingest` in its own process. Per-file problems get one line naming the
file and the reason, the rest is ingested, and the run ends (exit 1 when a file failed).
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.index.embedding import cache_dir
from tests.helpers.index_checks import assert_clean, snapshot
from tests.helpers.openai_server import OpenAICompatibleServer, Scripted
from tests.helpers.processes import QAForkServer, qa_env


def _stems(doc_ids: list[str]) -> list[str]:
    """doc_ids without the short hash of the file's path that makes each one unique (sorted)."""
    return sorted(re.sub(r"-[0-9a-f]{8}$", "", d) for d in doc_ids)


ARTICLE = "The council met on Sunday and voted on the city budget, officials said.\n"


def _ingest(
    fork_server: QAForkServer, folder: Path, index: Path, env: dict[str, str] | None = None, user=None
):
    return fork_server.run(
        "ingest",
        str(folder),
        "--index",
        str(index),
        "--json",
        env=env or qa_env(),
        cwd=folder.parent,
        user=user,
    )


def test_symlink_loops_dangling_links_and_fifos_do_not_hang_or_recurse(
    fork_server: QAForkServer, tmp_path: Path
):
    folder = tmp_path / "links"
    (folder / "sub").mkdir(parents=True)
    (folder / "real.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sub" / "nested.txt").write_text(ARTICLE.replace("council", "assembly"), encoding="utf-8")
    (folder / "loop").symlink_to(folder)  # a directory loop
    (folder / "sub" / "up").symlink_to("..")
    (folder / "self.txt").symlink_to("self.txt")  # a file link to itself
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(folder / "pipe.txt")  # reading a FIFO would block forever
    (folder / "device.txt").symlink_to("/dev/zero")  # and a device never ends
    started = time.monotonic()
    outcome = _ingest(fork_server, folder, tmp_path / "index")
    assert time.monotonic() - started < 60
    assert outcome.code == 1, outcome.stderr
    report = json.loads(outcome.stdout)
    assert _stems(report["added"]) == ["nested", "real"]
    errors = outcome.stderr.splitlines()
    assert len(errors) == 4 and all(line.startswith("error: ") for line in errors)
    assert any("self.txt: cannot read" in e for e in errors) and any(
        "dangling.txt: cannot read" in e for e in errors
    )
    assert any("pipe.txt: not a regular file" in e for e in errors) and any(
        "device.txt: not a regular file" in e for e in errors
    )
    assert "Traceback" not in outcome.stderr


def _nobody() -> tuple[int, int] | None:
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


@pytest.fixture
def world_dir() -> Iterator[Path]:
    """A directory an unprivileged user can use (pytest's own tmp root is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="qa-unreadable-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_unreadable_file_is_reported_and_the_rest_ingested(fork_server: QAForkServer, world_dir: Path):
    """Permissions only bind a user that is not root, so qa runs as `nobody` when the tests run as root."""
    user = _nobody() if os.geteuid() == 0 else None
    if os.geteuid() == 0 and user is None:
        pytest.skip(
            "running as root and there is no `nobody` user to drop to: root reads files whatever their mode"
        )
    folder = world_dir / "articles"
    folder.mkdir(mode=0o777)
    (folder / "open.txt").write_text(ARTICLE, encoding="utf-8")
    secret = folder / "secret.txt"
    secret.write_text("Sealed minutes of the council.\n", encoding="utf-8")
    secret.chmod(0o000)
    (folder / "closed").mkdir()
    (folder / "closed" / "inner.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "closed").chmod(0o000)  # an unreadable folder
    folder.chmod(0o777)
    cache = world_dir / "cache"  # the built ONNX model, readable by the unprivileged user
    cache.mkdir()
    for built in cache_dir().glob("*.onnx"):
        try:
            os.link(built, cache / built.name)
        except OSError:
            shutil.copy(built, cache / built.name)
    env = qa_env(QA_CACHE_DIR=str(cache), HOME=str(world_dir))
    locked = world_dir / "locked-index"
    locked.mkdir()  # owned by root, mode 755: the unprivileged user cannot write the index there
    refused = fork_server.run(
        "ingest", str(folder), "--index", str(locked), env=env, cwd=world_dir, user=user
    )
    assert refused.code == 1 and refused.stdout == ""
    assert refused.stderr.startswith(f"error: Cannot write to the index at {locked} (Permission denied)")
    assert len(refused.stderr.splitlines()) == 1
    index = world_dir / "index"
    index.mkdir()
    index.chmod(0o777)
    outcome = fork_server.run(
        "ingest", str(folder), "--index", str(index), "--json", env=env, cwd=world_dir, user=user
    )
    assert outcome.code == 1, outcome.stderr
    assert outcome.stdout, outcome.stderr
    assert _stems(json.loads(outcome.stdout)["added"]) == ["open"]
    assert f"error: {secret}: permission denied" in outcome.stderr.splitlines()
    assert "Traceback" not in outcome.stderr
    assert (
        f"error: {folder / 'closed'}: cannot read folder (Permission denied)" in outcome.stderr.splitlines()
    )
    assert len(outcome.stderr.splitlines()) == 2


def _embeddings(body: dict[str, Any]) -> Scripted:
    """A fake /v1/embeddings reply: 16 numbers per text, derived from the text's hash."""
    data = []
    for i, text in enumerate(body["input"]):
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        data.append({"object": "embedding", "index": i, "embedding": [b / 255 - 0.5 for b in digest[:16]]})
    return Scripted(
        200,
        {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": 0, "total_tokens": 0},
        },
    )


@pytest.mark.slow
def test_five_thousand_small_files(fork_server: QAForkServer, tmp_path: Path):
    """qa's own per-file work (walk, read, hash, chunk, commit) at 5,000 files.

    The model is a fake embeddings endpoint (QA_EMBEDDING=openai:...) so the time measured is
    qa's, not MiniLM's: embedding 5,000 short texts with MiniLM takes ~30 s on a 2-core box.
    """
    folder = tmp_path / "many"
    folder.mkdir()
    words = [
        "council",
        "budget",
        "vote",
        "troops",
        "parliament",
        "minister",
        "spokesman",
        "protest",
        "militia",
        "election",
    ]
    for i in range(5000):
        (folder / f"brief-{i:04d}.txt").write_text(
            f"Brief {i}: the {words[i % 10]} {words[i // 10 % 10]} story number {i} was filed.\n",
            encoding="utf-8",
        )
    index = tmp_path / "index"
    with OpenAICompatibleServer(default=_embeddings) as server:
        env = qa_env(QA_EMBEDDING="openai:fake-embedder", OPENAI_BASE_URL=server.base_url, QA_MAX_RETRIES="0")
        started = time.monotonic()
        first = _ingest(fork_server, folder, index, env)
        first_seconds = time.monotonic() - started
        started = time.monotonic()
        again = _ingest(fork_server, folder, index, env)
        again_seconds = time.monotonic() - started
    assert first.code == 0 and again.code == 0, first.stderr + again.stderr
    assert len(json.loads(first.stdout)["added"]) == 5000
    assert len(json.loads(again.stdout)["unchanged"]) == 5000
    assert (
        all(p == "/v1/embeddings" for p in server.paths) and len(server.paths) <= 25
    )  # batched, not one call per file
    assert first_seconds < 60, f"first ingest of 5,000 files took {first_seconds:.1f} s"
    assert again_seconds < 20, f"re-ingesting 5,000 unchanged files took {again_seconds:.1f} s"
    snap = snapshot(index)
    assert len(snap.articles) == 5000
    assert set(snap.vectors) == set(snap.chunks) and not snap.pending


NAMES = [
    "with spaces in the name.txt",
    "  leading and trailing  .txt",
    "Über die Abstimmung.md",
    "مقال عن البرلمان.txt",
    "记者报道.txt",
    "记者报道 第二篇.txt",
    "emoji 📰 news.txt",
    'quote\'s "and" [brackets] {braces} (parens) & $dollar.txt',
    "-starts-with-a-dash.txt",
]


def test_file_names_with_spaces_and_non_ascii(fork_server: QAForkServer, tmp_path: Path):
    folder = tmp_path / "names dir ü"
    folder.mkdir()
    for n, name in enumerate(NAMES):
        (folder / name).write_text(
            f"Article {n} reports that the parliament voted on the resolution.\n", encoding="utf-8"
        )
    index = tmp_path / "index ü"
    outcome = _ingest(fork_server, folder, index)
    assert outcome.code == 0, outcome.stderr
    added = json.loads(outcome.stdout)["added"]
    assert len(added) == len(NAMES) == len(set(added)), added  # no two names collapse into one doc_id
    assert {"记者报道", "记者报道-第二篇", "Über-die-Abstimmung", "مقال-عن-البرلمان"} <= set(_stems(added))
    snap = snapshot(index)
    assert_clean(snap)
    assert {Path(a.source).name for a in snap.articles.values()} == set(NAMES)
    for doc_id in added:  # every doc_id works in a span reference
        shown = fork_server.run(
            "show", f"{doc_id}:0-7", "--json", "--index", str(index), env=qa_env(), cwd=tmp_path
        )
        assert shown.code == 0 and json.loads(shown.stdout)["text"] == "Article", shown.stderr


def _garbage_manifest(index: Path) -> None:
    (index / "manifest.sqlite").unlink()
    (index / "manifest.sqlite").write_bytes(b"this is not a database" * 100)
    for extra in ("manifest.sqlite-wal", "manifest.sqlite-shm"):
        (index / extra).unlink(missing_ok=True)


def _garbage_chroma(index: Path) -> None:
    shutil.rmtree(index / "chroma")
    (index / "chroma").mkdir()
    (index / "chroma" / "chroma.sqlite3").write_bytes(b"junk" * 100)


DAMAGE = {
    "manifest-not-sqlite": (
        _garbage_manifest,
        "Cannot open the index manifest",
        "Cannot open the index manifest",
    ),
    "chroma-not-sqlite": (
        _garbage_chroma,
        "Chroma failed while opening the vector store",
        "Chroma failed while opening the vector store",
    ),
    "vectors-lost": (
        lambda index: shutil.rmtree(index / "chroma"),
        "The index is empty",
        "holds 0 vectors but the index has",
    ),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_index_is_one_clear_error(
    damage: str, fork_server: QAForkServer, seed_index_dir: Path, tmp_path: Path
):
    index = tmp_path / "index"
    shutil.copytree(seed_index_dir, index)
    spoil, on_search, on_ingest = DAMAGE[damage]
    spoil(index)
    from tests.helpers.seeds import SEEDS

    for args, expected in ((("search", "troops"), on_search), (("ingest", str(SEEDS)), on_ingest)):
        outcome = fork_server.run(*args, "--index", str(index), env=qa_env(), cwd=tmp_path)
        assert outcome.code == 1 and outcome.stdout == "", outcome.stderr
        assert outcome.stderr.startswith("error: ") and len(outcome.stderr.splitlines()) == 1, outcome.stderr
        assert expected in outcome.stderr
    if damage == "vectors-lost":  # the fix the message names works
        rebuilt = fork_server.run(
            "ingest", "--rebuild", str(SEEDS), "--index", str(index), env=qa_env(), cwd=tmp_path
        )
        assert rebuilt.code == 0, rebuilt.stderr
        assert_clean(snapshot(index))
