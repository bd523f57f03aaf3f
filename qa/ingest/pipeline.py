"""Ingest: load files, chunk, embed, and commit articles to the index all-or-nothing."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Sequence

from qa.ingest.chunking import chunk_article
from qa.config import Settings
from qa.index.corpus import EMBEDDER_META, Corpus
from qa.index.embedding import load_embedder
from qa.index.lock import ingest_lock
from qa.index.vectors import reset_collection
from qa.errors import IndexStateError
from qa.ingest.loaders import LoadResult, iter_files, load_file
from qa.types import Article, Chunk

Outcome = Literal["added", "replaced", "unchanged", "failed"]
# Articles are embedded and committed in batches of about this many chunks: big enough to keep
# the embedder busy, small enough that memory stays flat however large the corpus is.
BATCH_CHUNKS = 256
WAITING_NOTICE = "Waiting for another qa ingest on this index…"

# Test hooks for tests/test_crash.py; never set in normal use.
#   QA_TEST_CRASH_AT=POINT[:N]  SIGKILL this process the N-th time (default 1) the write path
#                               reaches POINT (one of CRASH_POINTS), as a power cut would.
#   QA_TEST_BATCH_CHUNKS=N      commit batches of N chunks, so a small corpus has many commit points.
CRASH_POINTS = ("recovered", "embedded", "pending", "upserted", "committed", "cleaned", "rebuild-cleared", "removed")
_crash_counts: dict[str, int] = {}


def _checkpoint(point: str) -> None:
    spec = os.environ.get("QA_TEST_CRASH_AT")
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _crash_counts[point] = _crash_counts.get(point, 0) + 1
    if _crash_counts[point] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def _batch_chunks() -> int:
    return int(os.environ.get("QA_TEST_BATCH_CHUNKS") or BATCH_CHUNKS)


@dataclass(frozen=True)
class Progress:
    """One step of an ingest, for a progress display."""

    done: int
    total: int
    path: str
    message: str = ""


@dataclass
class IngestReport:
    """What an ingest did, article by article."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    chunks: int = 0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "added": self.added, "replaced": self.replaced, "unchanged": self.unchanged,
            "failed": self.failed, "chunks": self.chunks,
        }


class _Batch:
    def __init__(self) -> None:
        self.items: list[tuple[Article, list[Chunk], Outcome]] = []
        self.size = 0


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    rebuild: bool = False,
    on_progress: Callable[[Progress], None] = lambda p: None,
    on_notice: Callable[[str], None] = lambda m: None,
) -> IngestReport:
    """Ingest files and folders into the index at ``settings.index``; per-file failures are reported, not raised."""
    index_dir = Path(settings.index)
    with ingest_lock(index_dir, settings.lock_timeout, lambda: on_notice(WAITING_NOTICE)):
        corpus = Corpus(settings, writable=True)
        try:
            return _ingest_locked(corpus, paths, settings, rebuild, on_progress)
        finally:
            corpus.close()


def _ingest_locked(
    corpus: Corpus, paths: Sequence[Path], settings: Settings, rebuild: bool, on_progress: Callable[[Progress], None]
) -> IngestReport:
    store, report = corpus.store, IngestReport()
    if rebuild:
        _rebuild(corpus)
    corpus.vectors  # opens Chroma and checks the embedder before any work is done
    _recover(corpus)
    _checkpoint("recovered")
    _check_vectors(corpus)
    known = store.article_hashes()
    seen: dict[str, str] = {}
    files = list(iter_files(list(paths)))
    batch = _Batch()
    max_bytes = int(settings.max_file_mb * 1_000_000)
    for n, item in enumerate(files, start=1):
        result = item if isinstance(item, LoadResult) else load_file(item, max_bytes)
        on_progress(Progress(n - 1, len(files), str(result.path)))
        report.failed.extend(result.errors)
        for article in result.articles:
            if article.doc_id in seen:
                report.failed.append(f"{article.source}: doc_id {article.doc_id!r} is already used by {seen[article.doc_id]}")
                continue
            seen[article.doc_id] = article.source
            if known.get(article.doc_id) == article.sha256:
                report.unchanged.append(article.doc_id)
                continue
            chunks = chunk_article(article, settings.chunk_size, settings.chunk_overlap)
            if not chunks:
                report.failed.append(f"{article.source}: no article text left after removing page furniture")
                continue
            batch.items.append((article, chunks, "replaced" if article.doc_id in known else "added"))
            batch.size += len(chunks)
            if batch.size >= _batch_chunks():
                _commit(corpus, batch, report)
                batch = _Batch()
    _commit(corpus, batch, report)
    on_progress(Progress(len(files), len(files), ""))
    return report


def _commit(corpus: Corpus, batch: _Batch, report: IngestReport) -> None:
    """Embed a batch, write vectors, then commit the manifest; the commit is the point of no return."""
    if not batch.items:
        return
    chunks = [c for _, cs, _ in batch.items for c in cs]
    vectors = corpus.embedder.embed([c.text for c in chunks])
    _checkpoint("embedded")
    # Order matters for crash safety: intent, then vectors, then the commit record, then cleanup.
    corpus.store.add_pending(c.chunk_id for c in chunks)
    _checkpoint("pending")
    corpus.vectors.upsert(chunks, vectors)
    _checkpoint("upserted")
    stale = corpus.store.commit_articles([(a, cs) for a, cs, _ in batch.items])  # stale ids become pending
    _checkpoint("committed")
    corpus.vectors.delete(stale)
    corpus.store.clear_pending(stale)
    _checkpoint("cleaned")
    for article, cs, outcome in batch.items:
        (report.added if outcome == "added" else report.replaced).append(article.doc_id)
        report.chunks += len(cs)


def _recover(corpus: Corpus) -> None:
    """Drop vectors a crashed run wrote but never committed."""
    orphans = corpus.store.pending()
    if orphans:
        corpus.vectors.delete(orphans)
    corpus.store.clear_pending()


def _check_vectors(corpus: Corpus) -> None:
    """Refuse to add to an index whose vectors were lost (Chroma data deleted, another server):
    unchanged articles would be skipped and stay invisible to dense search for good."""
    committed, stored = corpus.store.chunk_count(), corpus.vectors.count()
    if stored < committed:
        where = corpus.settings.chroma_url or Path(corpus.settings.index) / "chroma"
        raise IndexStateError(
            f"The vector store ({where}) holds {stored} vectors but the index has {committed} committed chunks: "
            "its data was lost or replaced; run `qa ingest --rebuild PATH...` to rebuild the index."
        )


def _rebuild(corpus: Corpus) -> None:
    """Empty the index (both sides) and stamp it with the configured embedder."""
    s = corpus.settings
    embedder = load_embedder(s)
    # Manifest first (its chunk ids become pending), then Chroma: a crash in between leaves
    # an empty manifest whose leftover vectors the next ingest deletes, never articles without vectors.
    corpus.store.clear()
    _checkpoint("rebuild-cleared")
    reset_collection(Path(s.index), s.chroma_url, s.collection)
    corpus.store.clear_pending()
    corpus.store.set_meta(EMBEDDER_META, embedder.name)
    corpus.use_embedder(embedder)


def remove(doc_ids: Sequence[str], settings: Settings, on_notice: Callable[[str], None] = lambda m: None) -> list[str]:
    """Remove articles by doc_id; returns those that were not in the index."""
    missing: list[str] = []
    with ingest_lock(Path(settings.index), settings.lock_timeout, lambda: on_notice(WAITING_NOTICE)):
        with Corpus(settings, writable=True) as corpus:
            for doc_id in doc_ids:
                removed = corpus.store.remove_article(doc_id)  # removed ids become pending
                if not removed and corpus.store.article(doc_id) is None:
                    missing.append(doc_id)
                _checkpoint("removed")
                corpus.vectors.delete(removed)
                corpus.store.clear_pending(removed)
    return missing
