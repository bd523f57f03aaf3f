"""Ingest: incremental by content hash, no stale chunks, bad files isolated, index reopens."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.errors import IndexStateError
from qa.index.corpus import Corpus
from qa.index.search import search
from qa.ingest.loaders import default_doc_id
from qa.ingest.pipeline import ingest, remove
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS, UNNAMED, settings_for


def _vector_ids(corpus: Corpus) -> set[str]:
    return set(corpus.vectors._col.get(include=[])["ids"])


def _committed_ids(corpus: Corpus) -> set[str]:
    return {c.chunk_id for c in corpus.store.doc_chunks()}


def test_unchanged_articles_are_skipped(writable_index: Path):
    report = ingest([SEEDS], settings_for(writable_index))
    assert sorted(report.unchanged) == [UNNAMED, GLOBAL_NEWS]
    assert report.added == report.replaced == [] and report.chunks == 0


def test_changed_article_is_replaced_with_no_stale_chunks(tmp_path: Path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)  # replacing is for a new version from the same source
    settings = settings_for(tmp_path / "index")
    ingest([folder], settings)
    original = (SEEDS / f"{UNNAMED}.txt").read_text(encoding="utf-8")
    (folder / f"{UNNAMED}.txt").write_text(
        original.replace("Around 5,000 US troops", "Around 5,200 US troops"), encoding="utf-8"
    )
    with Corpus(settings) as corpus:
        before = set(corpus.store.chunk_ids(UNNAMED))
    report = ingest([folder], settings)
    assert report.replaced == [UNNAMED] and report.unchanged == [GLOBAL_NEWS]
    with Corpus(settings) as corpus:
        after = set(corpus.store.chunk_ids(UNNAMED))
        assert after and not (after & before)
        assert _vector_ids(corpus) == _committed_ids(corpus)  # nothing stale left in Chroma
        assert "5,200" in corpus.article_text(UNNAMED)
        hits = search(corpus, "how many US troops remain in Iraq", k=4)
        assert any(h.doc_id == UNNAMED and "5,200" in h.text for h in hits)


def test_remove_deletes_article_chunks_and_vectors(writable_index: Path):
    settings = settings_for(writable_index)
    assert remove([GLOBAL_NEWS, "no-such-doc"], settings) == ["no-such-doc"]
    with Corpus(settings) as corpus:
        assert [s.doc_id for s in corpus.store.sources()] == [UNNAMED]
        assert _vector_ids(corpus) == _committed_ids(corpus)
        assert all(h.doc_id == UNNAMED for h in search(corpus, "Nujaba militia", k=5))


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path: Path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "Lawmakers met on Sunday. They voted to end the foreign troop presence.", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "lines.jsonl").write_text(
        '{"id": "j1", "text": "A line article about the vote."}\n{oops\n', encoding="utf-8"
    )
    report = ingest([folder], settings_for(tmp_path / "index"))
    assert sorted(report.added) == sorted([default_doc_id(folder / "good.txt"), "j1"])
    assert len(report.failed) == 4
    assert any("lines.jsonl:2" in m for m in report.failed)


def test_a_failed_embedding_leaves_the_index_as_it_was(
    writable_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    settings = settings_for(writable_index)
    (tmp_path / "new.txt").write_text(
        "A new article about the session in Baghdad on Sunday.", encoding="utf-8"
    )

    def boom(self, texts):
        raise RuntimeError("embedder crashed")

    from qa.index.embedding import OnnxEmbedder

    monkeypatch.setattr(OnnxEmbedder, "embed", boom)
    report = ingest([tmp_path / "new.txt"], settings)
    failure = f"{tmp_path / 'new.txt'}: not ingested (RuntimeError: embedder crashed)"
    assert report.added == [] and report.failed == [failure]
    monkeypatch.undo()
    with Corpus(settings) as corpus:
        assert [s.doc_id for s in corpus.store.sources()] == [UNNAMED, GLOBAL_NEWS]
        assert _vector_ids(corpus) == _committed_ids(corpus)


def test_uncommitted_vectors_are_invisible_and_cleaned_by_the_next_ingest(
    writable_index: Path, tmp_path: Path
):
    """Simulates a crash after Chroma was written but before the manifest committed."""
    from qa.ingest.chunking import chunk_article
    from qa.ingest.loaders import load_file

    settings = settings_for(writable_index)
    path = tmp_path / "ghost.txt"
    path.write_text(
        "Nujaba ghost article that never committed, about Nujaba and nothing else.", encoding="utf-8"
    )
    article = load_file(path, 10**6).articles[0]
    chunks = chunk_article(article)
    with Corpus(settings, writable=True) as corpus:
        corpus.store.add_pending(c.chunk_id for c in chunks)
        corpus.vectors.upsert(chunks, corpus.embedder.embed([c.text for c in chunks]))
    with Corpus(settings) as corpus:
        assert all(h.doc_id != "ghost" for h in search(corpus, "Nujaba ghost article", k=10))
    ingest([SEEDS], settings)
    with Corpus(settings) as corpus:
        assert _vector_ids(corpus) == _committed_ids(corpus)


def test_embedder_mismatch_is_a_clear_error_naming_rebuild(writable_index: Path):
    from qa.index.corpus import EMBEDDER_META
    from qa.index.manifest import Store

    store = Store(writable_index)
    store.set_meta(EMBEDDER_META, "some-other-model")
    store.close()
    with Corpus(settings_for(writable_index)) as corpus, pytest.raises(IndexStateError, match="--rebuild"):
        search(corpus, "troops", k=3)
    report = ingest([SEEDS], settings_for(writable_index), rebuild=True)
    assert sorted(report.added) == [UNNAMED, GLOBAL_NEWS]
    with Corpus(settings_for(writable_index)) as corpus:
        assert search(corpus, "troops", k=1)


def test_index_reopens_in_a_new_process(seed_index_dir: Path):
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "qa", *args, "--index", str(seed_index_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    sources = json.loads(run("sources").stdout)
    assert {s["doc_id"]: s["outlet"] for s in sources["sources"]} == {
        UNNAMED: "Outlet not named",
        GLOBAL_NEWS: "Global News",
    }
    hits = json.loads(run("search", "Nujaba").stdout)["hits"]
    assert "Nujaba" in hits[0]["text"]
