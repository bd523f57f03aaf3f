"""Ingest: load files, chunk, embed, and commit articles to the index all-or-nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from qa.config import Settings
from qa.errors import EmbedderError, IndexStateError, QAError
from qa.index.corpus import EMBEDDER_META, Corpus
from qa.index.embedding import load_embedder
from qa.index.lock import ingest_lock
from qa.index.manifest import Store, StoredOrigin
from qa.index.vectors import reset_collection
from qa.ingest.chunking import chunk_article
from qa.ingest.loaders import (
    DOC_ID_SCHEME,
    LoadResult,
    iter_files,
    load_file,
    origin_file,
    origin_of,
    split_line,
)
from qa.types import Article, Chunk, Snapshot

if TYPE_CHECKING:
    from qa.ingest.web import WebItem

Outcome = Literal["added", "replaced", "unchanged", "failed"]
# Articles are embedded and committed in batches of about this many chunks: big enough to keep
# the embedder busy, small enough that memory stays flat however large the corpus is.
BATCH_CHUNKS = 256
WAITING_NOTICE = "Waiting for another qa ingest on this index…"
DOC_ID_META = "doc_id_scheme"
LEGACY_DOC_ID_META = "legacy_doc_ids"

# Test hooks for tests/test_crash.py; never set in normal use.
#   QA_TEST_CRASH_AT=POINT[:N]  SIGKILL this process the N-th time (default 1) the write path
#                               reaches POINT (one of CRASH_POINTS), as a power cut would.
#   QA_TEST_BATCH_CHUNKS=N      commit batches of N chunks, so a small corpus has many commit points.
#   QA_TEST_SIGNAL_AT=POINT:N:SIG  send SIG (SIGINT, SIGTERM) there instead (tests/test_interrupt.py).
#   QA_TEST_EMBED_SLICE=N       embed N chunks per call, so a small batch has many interrupt points.
CRASH_POINTS = (
    "recovered",
    "sliced",
    "embedded",
    "pending",
    "upserted",
    "committed",
    "cleaned",
    "rebuild-cleared",
    "removed",
)
_crash_counts: dict[str, int] = {}
_signal_counts: dict[str, int] = {}


def _checkpoint(point: str) -> None:
    for variable, counts in (("QA_TEST_CRASH_AT", _crash_counts), ("QA_TEST_SIGNAL_AT", _signal_counts)):
        spec = os.environ.get(variable)
        if not spec:
            continue
        name, _, rest = spec.partition(":")
        nth, _, sig = rest.partition(":")
        if name != point:
            continue
        counts[point] = counts.get(point, 0) + 1
        if counts[point] == int(nth or 1):
            chosen = signal.SIGKILL if variable == "QA_TEST_CRASH_AT" else signal.Signals[sig or "SIGINT"]
            os.kill(os.getpid(), chosen)


def _batch_chunks() -> int:
    return int(os.environ.get("QA_TEST_BATCH_CHUNKS") or BATCH_CHUNKS)


def _embed_slice() -> int:
    return int(os.environ.get("QA_TEST_EMBED_SLICE") or EMBED_SLICE)


@dataclass(frozen=True)
class Progress:
    """One step of an ingest, for a progress display; counts are articles, not files."""

    done: int  # articles finished: committed, unchanged or failed (a file with no article counts as one)
    total: int  # articles found so far plus one per file not read yet, so it grows as files are read
    path: str  # the file (or URL) being worked on
    message: str = ""  # "fetching" while pages are fetched: done/total then count URLs
    chunks_done: int = 0  # chunks of the current commit batch embedded so far
    chunks_total: int = 0  # chunks in the current commit batch


@dataclass
class IngestReport:
    """What an ingest did, article by article."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    chunks: int = 0
    interrupted: str = ""  # the signal that stopped the run early (SIGINT, SIGTERM), if any
    error: str = ""  # the failure that stopped the run early (the index or its server), if any

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "chunks": self.chunks,
            "interrupted": bool(self.interrupted),
            "error": self.error or None,
        }


@dataclass(frozen=True)
class _Item:
    article: Article
    chunks: tuple[Chunk, ...]
    outcome: Outcome
    snapshot: Snapshot | None = None  # the fetched page, committed with the article


class _StopRequested(Exception):
    """Raised inside the write loop once a SIGINT/SIGTERM asked the ingest to stop."""


class _Systemic(Exception):
    """The same failure hit articles one after another: the index or its server is at fault."""


# The same error for this many articles in a row stops the run instead of failing every article.
SYSTEMIC_REPEATS = 2
# Chunks embedded per call inside a batch: the granularity of progress and of a clean interrupt.
# The size of a normal batch, so only a long article's batch is split (an embeddings endpoint
# is still sent as few requests as before).
EMBED_SLICE = BATCH_CHUNKS


class _Signals:
    """SIGINT/SIGTERM ask the ingest to stop after the current article; a second one stops at once."""

    def __init__(self) -> None:
        self.received = ""
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _Signals:
        # Python only lets the main thread install handlers (an ingest run from a thread is left as it was).
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum: int, frame: object) -> None:
        if self.received:
            raise KeyboardInterrupt  # the write order keeps the index whole wherever this lands
        self.received = signal.Signals(signum).name

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]


@dataclass(frozen=True)
class WebInput:
    """What to read from the web: URLs (pages or feeds), and whether to re-extract the stored pages."""

    urls: tuple[str, ...] = ()
    feed_limit: int | None = None  # articles taken from each feed (its first N)
    reextract: bool = False  # extract every stored snapshot again, with no network


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    rebuild: bool = False,
    on_progress: Callable[[Progress], None] = lambda p: None,
    on_notice: Callable[[str], None] = lambda m: None,
    web: WebInput = WebInput(),
) -> IngestReport:
    """Ingest files, folders and web pages into the index at ``settings.index``; each failure is reported."""
    index_dir = Path(settings.index)
    with ingest_lock(index_dir, settings.lock_timeout, lambda: on_notice(WAITING_NOTICE)):
        corpus = Corpus(settings, writable=True)
        try:
            return _Ingest(corpus, settings, on_progress).run(paths, rebuild, web)
        finally:
            corpus.close()


class _Ingest:
    """One ingest run: reads files, resolves doc_ids, and commits articles in batches."""

    def __init__(self, corpus: Corpus, settings: Settings, on_progress: Callable[[Progress], None]) -> None:
        self.corpus, self.settings, self.on_progress = corpus, settings, on_progress
        self.report = IngestReport()
        self.batch: list[_Item] = []
        self.batch_size = 0
        self.done = self.total = 0
        self.path = ""
        self.repeats: tuple[str, int] = ("", 0)
        self.signals = _Signals()

    def _progress(self, chunks_done: int = 0, chunks_total: int = 0) -> None:
        self.on_progress(Progress(self.done, self.total, self.path, "", chunks_done, chunks_total))

    def run(self, paths: Sequence[Path], rebuild: bool, web: WebInput = WebInput()) -> IngestReport:
        """Run the whole ingest; a signal stops it between articles, with the report of what was done."""
        corpus, store = self.corpus, self.corpus.store
        # Pages are fetched before the signal handlers go in: Ctrl-C while fetching stops at once, and
        # nothing of this run is in the index yet.
        pages = self._fetch(web, rebuild)
        with self.signals:
            if rebuild:
                _rebuild(corpus)
            _ = corpus.vectors  # opens Chroma and checks the embedder before any work is done
            _recover(corpus)
            _checkpoint("recovered")
            _check_vectors(corpus)
            _record_id_scheme(store)
            self.stored = store.article_origins()
            self.legacy = _legacy_ids(self.stored)
            self.seen: dict[str, str] = {}
            files = list(iter_files(list(paths)))
            self.done, self.total = 0, len(files) + len(pages)
            try:
                for n, item in enumerate(files, start=1):
                    self._check_signal()
                    self._file(item, n, len(files))
                for page in pages:
                    self._check_signal()
                    self._page(page)
                self._flush()
            except _StopRequested:
                self.report.interrupted = self.signals.received
            except _Systemic as exc:
                self.report.error = str(exc)
            except QAError as exc:  # the index or its server failed outside any one article
                self.report.error = str(exc)
        self.path = ""
        self._progress()
        return self.report

    def _fetch(self, web: WebInput, rebuild: bool) -> list[WebItem]:
        """Fetch the URLs (and re-extract stored pages); the pipeline itself never waits on the network."""
        if not web.urls and not web.reextract:
            return []
        from qa.ingest.web import fetch_articles, reextract

        stored = {} if rebuild else self.corpus.store.snapshots()
        asked = set(web.urls)
        pages = reextract({u: v for u, v in stored.items() if u not in asked}) if web.reextract else []

        def fetching(done: int, total: int, url: str) -> None:
            self.on_progress(Progress(done, total, url, "fetching"))

        if web.urls:
            pages += fetch_articles(web.urls, self.settings, stored, web.feed_limit, fetching)
        return pages

    def _page(self, page: WebItem) -> None:
        self.path = page.url
        self._progress()
        if page.error:
            self.report.failed.append(page.error)
            self.done += 1
        elif page.article is None:  # a 304: the page is as stored
            self.report.unchanged.append(page.unchanged)
            self.done += 1
        else:
            self._article(page.article, page.snapshot)

    def _check_signal(self) -> None:
        if self.signals.received:
            raise _StopRequested

    def _file(self, item: Path | LoadResult, n: int, files: int) -> None:
        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        self.path = str(item.path if isinstance(item, LoadResult) else item)
        self._progress()
        result = item if isinstance(item, LoadResult) else load_file(item, max_bytes)
        self.report.failed.extend(result.errors)
        self.total += max(len(result.articles), 1) - 1  # this file now counts as its articles
        if not result.articles:
            self.done += 1
        for article in result.articles:
            self._check_signal()
            self._article(article)

    def _article(self, article: Article, snapshot: Snapshot | None = None) -> None:
        report = self.report
        article = self._resolve_id(article)
        refused = self._refusal(article)
        if refused:
            report.failed.append(refused)
            self.done += 1
            return
        self.seen[article.doc_id] = article.source
        known = self.stored.get(article.doc_id)
        if known is not None and known.sha256 == article.sha256:
            if snapshot is not None:  # the same article: its page's new validators are still worth keeping
                self.corpus.store.put_snapshot(article.doc_id, snapshot)
            report.unchanged.append(article.doc_id)
            self.done += 1
            return
        try:
            chunks = chunk_article(article, self.settings.chunk_size, self.settings.chunk_overlap)
        except Exception as exc:  # a bug or an input the splitter cannot handle: this article only
            report.failed.append(f"{article.source}: could not be chunked ({type(exc).__name__}: {exc})")
            self.done += 1
            return
        if not chunks:
            report.failed.append(f"{article.source}: no article text left after removing page furniture")
            self.done += 1
            return
        outcome: Outcome = "replaced" if known is not None else "added"
        self.batch.append(_Item(article, tuple(chunks), outcome, snapshot))
        self.batch_size += len(chunks)
        if self.batch_size >= _batch_chunks():
            self._flush()

    def _resolve_id(self, article: Article) -> Article:
        """Keep the doc_id an older index gave this same file (ids were once the file stem alone)."""
        if article.id_given or not self.legacy:
            return article
        old = self.legacy.get(article.origin)
        return replace(article, doc_id=old) if old and old != article.doc_id else article

    def _refusal(self, article: Article) -> str:
        """Why an article may not take its doc_id (another source holds it), or ""."""
        doc_id = article.doc_id
        if doc_id in self.seen:
            return f"{article.source}: doc_id {doc_id!r} is already used by {self.seen[doc_id]}"
        stored = self.stored.get(doc_id)
        if stored is None or stored.sha256 == article.sha256 or _same_source(stored, article):
            return ""
        return (
            f"{article.source}: doc_id {doc_id!r} is already used by {stored.source}, another source; "
            "not replaced (give one of them another id, or `qa remove` it first)"
        )

    def _flush(self) -> None:
        """Embed and commit the pending batch; an article that fails alone is reported, the rest go on."""
        items, self.batch, self.batch_size = self.batch, [], 0
        if not items:
            return
        failure = self._attempt(items)
        if failure is None:
            return
        if len(items) == 1:
            self._failed(items[0], failure)
            return
        for item in items:  # find the article at fault: each one on its own
            self._check_signal()
            failure = self._attempt([item])
            if failure is not None:
                self._failed(item, failure)

    def _attempt(self, items: list[_Item]) -> Exception | None:
        """Commit some articles; return their failure, unless it is the index's or a stop (raised)."""
        try:
            self._commit(items)
        except (_StopRequested, _Systemic, KeyboardInterrupt):
            raise
        except Exception as exc:
            if self._systemic_now(exc):
                raise _Systemic(str(exc)) from None
            return exc
        return None

    def _systemic_now(self, exc: Exception) -> bool:
        """An embedder (model or endpoint) or a Chroma server failure is never one article's fault."""
        server_down = isinstance(exc, IndexStateError) and bool(self.settings.chroma_url)
        return isinstance(exc, EmbedderError) or server_down

    def _failed(self, item: _Item, exc: Exception) -> None:
        reason = _reason(exc)
        last, count = self.repeats
        self.repeats = (reason, count + 1 if reason == last else 1)
        if self.repeats[1] >= SYSTEMIC_REPEATS:
            raise _Systemic(reason)
        self.report.failed.append(f"{item.article.source}: not ingested ({reason})")
        self.done += 1

    def _commit(self, items: list[_Item]) -> None:
        """Embed a batch, then write it; on a signal, commit only the articles already fully embedded."""
        chunks = [c for item in items for c in item.chunks]
        parts: list[np.ndarray] = []
        embedded = 0
        self._progress(0, len(chunks))
        step = _embed_slice()
        for start in range(0, len(chunks), step):
            if self.signals.received:
                break
            part = chunks[start : start + step]
            parts.append(self.corpus.embedder.embed([c.text for c in part]))
            embedded += len(part)
            self._progress(embedded, len(chunks))
            _checkpoint("sliced")
        _checkpoint("embedded")
        keep, covered = [], 0
        for item in items:  # the articles whose every chunk is embedded; the rest are rolled back
            if covered + len(item.chunks) > embedded:
                break
            keep.append(item)
            covered += len(item.chunks)
        if keep:
            vectors = np.concatenate(parts)[:covered] if len(parts) > 1 else parts[0][:covered]
            self._write(keep, chunks[:covered], vectors)
        self.repeats = ("", 0)
        if len(keep) < len(items):
            raise _StopRequested

    def _write(self, items: list[_Item], chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Write vectors, then commit the manifest; the commit is the point of no return."""
        corpus, report = self.corpus, self.report
        # Order matters for crash safety: intent, then vectors, then the commit record, then cleanup.
        corpus.store.add_pending(c.chunk_id for c in chunks)
        _checkpoint("pending")
        try:
            corpus.vectors.upsert(chunks, vectors)
            _checkpoint("upserted")
            # The superseded (stale) chunk ids become pending in the same transaction.
            stale = corpus.store.commit_articles(
                [(item.article, item.chunks) for item in items], [item.snapshot for item in items]
            )
        except BaseException:
            _discard_uncommitted(corpus)
            raise
        _checkpoint("committed")
        for item in items:
            (report.added if item.outcome == "added" else report.replaced).append(item.article.doc_id)
            report.chunks += len(item.chunks)
            self.stored[item.article.doc_id] = StoredOrigin(
                item.article.sha256, item.article.origin, item.article.source, item.article.url
            )
        self.done += len(items)
        try:
            corpus.vectors.delete(stale)
            corpus.store.clear_pending(stale)
        except Exception as exc:  # committed already; the stale ids stay pending for the next ingest
            raise _Systemic(_reason(exc)) from None
        _checkpoint("cleaned")


def _reason(exc: Exception) -> str:
    """A failure as the user reads it: qa's own errors are sentences, others keep their type."""
    return str(exc) if isinstance(exc, QAError) else f"{type(exc).__name__}: {exc}"


def _discard_uncommitted(corpus: Corpus) -> None:
    """After a failed write, drop the vectors it may have left; if that fails too, the next ingest does."""
    with contextlib.suppress(Exception):  # the original failure is the one worth reporting
        _recover(corpus)


def _same_source(stored: StoredOrigin, article: Article) -> bool:
    """True when a committed article and a new one come from the same file or the same URL."""
    if stored.url and stored.url == article.url:
        return True
    here = origin_file(article.origin)
    return origin_file(stored.origin or _legacy_origin(stored.source)) == here


def _legacy_origin(source: str) -> str:
    """The origin of an article committed before origins were recorded, from its source (best effort:
    a relative path is taken relative to the current directory)."""
    file, line = split_line(source)
    return origin_of(Path(file), line)


def _legacy_ids(stored: dict[str, StoredOrigin]) -> dict[str, str]:
    """origin -> doc_id for articles committed before origins were recorded (their ids are kept)."""
    return {_legacy_origin(s.source): doc_id for doc_id, s in stored.items() if not s.origin}


def _record_id_scheme(store: Store) -> None:
    """Stamp the index with how doc_ids are made; an older index keeps the ids it has."""
    if store.get_meta(DOC_ID_META) == DOC_ID_SCHEME:
        return
    if store.get_meta(DOC_ID_META) is None and store.has_articles():
        store.set_meta(LEGACY_DOC_ID_META, "stem")  # its articles' ids are the file stem; they are kept
    store.set_meta(DOC_ID_META, DOC_ID_SCHEME)


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
            f"The vector store ({where}) holds {stored} vectors but the index has {committed} "
            "committed chunks: its data was lost or replaced; "
            "run `qa ingest --rebuild PATH...` to rebuild the index."
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


def remove(
    doc_ids: Sequence[str], settings: Settings, on_notice: Callable[[str], None] = lambda m: None
) -> list[str]:
    """Remove articles by doc_id; returns those that were not in the index."""
    missing: list[str] = []
    lock = ingest_lock(Path(settings.index), settings.lock_timeout, lambda: on_notice(WAITING_NOTICE))
    with lock, Corpus(settings, writable=True) as corpus:
        for doc_id in doc_ids:
            removed = corpus.store.remove_article(doc_id)  # removed ids become pending
            if not removed and corpus.store.article(doc_id) is None:
                missing.append(doc_id)
            _checkpoint("removed")
            corpus.vectors.delete(removed)
            corpus.store.clear_pending(removed)
    return missing
