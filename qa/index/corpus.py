"""One open index: the SQLite manifest, the Chroma vectors and the embedder, opened lazily."""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from qa.config import Settings
from qa.errors import IndexStateError, SpanError, embedder_mismatch
from qa.index.manifest import MANIFEST, Store

if TYPE_CHECKING:
    from qa.index.embedding import Embedder
    from qa.index.vectors import VectorIndex

EMBEDDER_META = "embedder"


class Corpus:
    """The articles of one index, for reading (search, ask, show) or writing (ingest, remove)."""

    def __init__(self, settings: Settings, writable: bool = False, embedder: "Embedder | None" = None) -> None:
        self.settings = settings
        self.writable = writable
        directory = Path(settings.index)
        if not writable and not (directory / MANIFEST).is_file():
            raise IndexStateError(f"No index at {directory}: run `qa ingest PATH...` first, or pass --index.")
        self.store = Store(directory, readonly=not writable)
        if embedder is not None:
            self.__dict__["embedder"] = embedder

    def close(self) -> None:
        """Release the manifest connection."""
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_articles(self) -> None:
        """Raise a clear error when nothing is indexed yet."""
        if not self.store.has_articles():
            raise IndexStateError(f"The index at {self.settings.index} is empty: run `qa ingest PATH...` first.")

    @cached_property
    def embedder(self) -> "Embedder":
        """The configured embedder, checked against the one that built this index."""
        from qa.index.embedding import load_embedder

        embedder = load_embedder(self.settings)
        built_with = self.store.get_meta(EMBEDDER_META)
        if built_with and built_with != embedder.name:
            raise embedder_mismatch(built_with, embedder.name)
        if not built_with and self.writable:
            self.store.set_meta(EMBEDDER_META, embedder.name)
        return embedder

    @cached_property
    def vectors(self) -> "VectorIndex":
        """The Chroma collection, opened with the embedder's identity."""
        from qa.index.vectors import VectorIndex

        s = self.settings
        return VectorIndex(Path(s.index), s.chroma_url, s.collection, self.embedder.name, create=self.writable)

    def article_text(self, doc_id: str) -> str:
        """Full text of a committed article (what every offset refers to)."""
        article = self.store.article(doc_id)
        if article is None:
            raise SpanError(f"No article {doc_id!r} in the index; `qa sources` lists them.")
        return article.text


@contextmanager
def ingest_lock(directory: Path, timeout: float, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the index's writer lock; wait (saying so once) up to ``timeout`` seconds for another writer."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / "ingest.lock", "a+")
    except OSError as exc:
        raise IndexStateError(
            f"Cannot write to the index at {directory} ({exc.strerror or exc}): check the path and its permissions, "
            "or pass another --index."
        ) from None
    with handle:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    on_wait()
                    waited = True
                if time.monotonic() > deadline:
                    raise IndexStateError(
                        f"Another qa ingest has held the index at {directory} for over {timeout:.0f} s; "
                        "try again when it finishes (or raise QA_LOCK_TIMEOUT)."
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
