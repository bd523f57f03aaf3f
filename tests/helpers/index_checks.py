"""Look inside an index directory, independently of qa's read path, and check it is whole.

"Whole" means: the manifest passes SQLite's integrity check; every committed article has all
of its chunks (exactly the ones chunking gives today), an FTS row per chunk and a vector per
chunk in Chroma; and every vector Chroma holds is either committed or recorded as pending,
so the next ingest can clean it up.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from qa.config import Settings
from qa.ingest.chunking import chunk_article
from qa.types import Article

COLLECTION = Settings().collection


@dataclass
class Snapshot:
    """The raw state of one index: manifest tables and Chroma's ids."""

    articles: dict[str, Article]
    chunks: dict[str, tuple[int, str, int, int]]  # chunk_id -> (rowid, doc_id, start, end)
    fts: dict[int, str]
    pending: set[str]
    vectors: dict[str, str]  # chunk_id -> document text stored in Chroma
    integrity: str

    @property
    def stray_vectors(self) -> set[str]:
        """Vector ids that no committed chunk owns."""
        return set(self.vectors) - set(self.chunks)


def chroma_documents(index: Path, chroma_url: str = "") -> dict[str, str]:
    """Every (id -> document) in qa's Chroma collection; empty when the collection does not exist."""
    from qa.index.vectors import _connect

    client = _connect(index, chroma_url)
    if COLLECTION not in {getattr(c, "name", c) for c in client.list_collections()}:
        return {}
    got = client.get_collection(COLLECTION, embedding_function=None).get(include=["documents"])
    return dict(zip(got["ids"], got["documents"], strict=True))


def committed_articles(index: Path) -> set[str]:
    """doc_ids in the manifest, read with SQLite alone (safe to poll while another process writes)."""
    try:
        db = sqlite3.connect(f"file:{index / 'manifest.sqlite'}?mode=ro", uri=True, timeout=0.05)
        try:
            return {r[0] for r in db.execute("SELECT doc_id FROM articles")}
        finally:
            db.close()
    except sqlite3.Error:
        return set()  # not created yet, or busy


def snapshot(index: Path, chroma_url: str = "") -> Snapshot:
    """Read the manifest (read-only) and Chroma of an index directory."""
    db = sqlite3.connect(f"file:{index / 'manifest.sqlite'}?mode=ro", uri=True)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        articles = {
            row[0]: Article(*row)
            for row in db.execute(
                "SELECT doc_id, source, title, outlet, published, url, text, sha256, body_start FROM articles"
            )
        }
        chunks = {
            r[1]: (r[0], r[2], r[3], r[4])
            for r in db.execute('SELECT id, chunk_id, doc_id, start, "end" FROM chunks')
        }
        fts = dict(db.execute("SELECT rowid, text FROM chunks_fts"))
        pending = {r[0] for r in db.execute("SELECT chunk_id FROM pending")}
    finally:
        db.close()
    return Snapshot(articles, chunks, fts, pending, chroma_documents(index, chroma_url), integrity)


def assert_whole(snap: Snapshot, chunk_size: int = 700, chunk_overlap: int = 100) -> None:
    """Fail unless every committed article is complete on all three sides and strays are pending."""
    assert snap.integrity == "ok", snap.integrity
    by_doc: dict[str, list[tuple[str, int, int]]] = {}
    for chunk_id, (_, doc_id, start, end) in snap.chunks.items():
        assert doc_id in snap.articles, f"chunk {chunk_id} belongs to no committed article"
        by_doc.setdefault(doc_id, []).append((chunk_id, start, end))
    assert set(snap.fts) == {rowid for rowid, *_ in snap.chunks.values()}, "FTS rows and chunk rows differ"
    for doc_id, article in snap.articles.items():
        expected = sorted(
            (c.chunk_id, c.start, c.end) for c in chunk_article(article, chunk_size, chunk_overlap)
        )
        assert sorted(by_doc.get(doc_id, [])) == expected, (
            f"{doc_id}: committed chunks are not the article's chunks"
        )
        for chunk_id, start, end in expected:
            text = article.text[start:end]
            assert snap.fts[snap.chunks[chunk_id][0]].endswith(text), f"{chunk_id}: FTS text differs"
            assert snap.vectors.get(chunk_id) == text, (
                f"{chunk_id}: committed but its vector is missing or wrong"
            )
    assert snap.stray_vectors <= snap.pending, (
        f"vectors neither committed nor pending: {sorted(snap.stray_vectors - snap.pending)[:5]}"
    )


def assert_clean(snap: Snapshot) -> None:
    """After a completed ingest: whole, nothing pending, Chroma holds exactly the committed chunks."""
    assert_whole(snap)
    assert not snap.pending, f"pending ids left: {sorted(snap.pending)[:5]}"
    assert set(snap.vectors) == set(snap.chunks), f"stray vectors: {sorted(snap.stray_vectors)[:5]}"
