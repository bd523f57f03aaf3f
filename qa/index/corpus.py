"""One open index: the SQLite manifest, the Chroma vectors and the embedder, opened lazily."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from qa.config import Settings
from qa.errors import IndexStateError, SpanError, embedder_mismatch
from qa.index.embedding import Embedder, load_embedder
from qa.index.manifest import MANIFEST, Store
from qa.index.vectors import VectorIndex

EMBEDDER_META = "embedder"


class Corpus:
    """The articles of one index, for reading (search, ask, show) or writing (ingest, remove)."""

    def __init__(self, settings: Settings, writable: bool = False, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.writable = writable
        directory = Path(settings.index)
        if not writable and not (directory / MANIFEST).is_file():
            raise IndexStateError(f"No index at {directory}: run `qa ingest PATH...` first, or pass --index.")
        self.store = Store(directory, readonly=not writable)
        if embedder is not None:
            self.use_embedder(embedder)

    def use_embedder(self, embedder: Embedder) -> None:
        """Use this embedder from now on (a rebuild stamps the index with it first)."""
        self.__dict__["embedder"] = embedder  # what cached_property reads before computing

    def close(self) -> None:
        """Release the manifest connection."""
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_articles(self) -> None:
        """Raise a clear error when nothing is indexed yet."""
        if not self.store.has_articles():
            raise IndexStateError(
                f"The index at {self.settings.index} is empty: run `qa ingest PATH...` first."
            )

    @cached_property
    def embedder(self) -> Embedder:
        """The configured embedder, checked against the one that built this index."""
        embedder = load_embedder(self.settings)
        built_with = self.store.get_meta(EMBEDDER_META)
        if built_with and built_with != embedder.name:
            raise embedder_mismatch(built_with, embedder.name)
        if not built_with and self.writable:
            self.store.set_meta(EMBEDDER_META, embedder.name)
        return embedder

    @cached_property
    def vectors(self) -> VectorIndex:
        """The Chroma collection, opened with the embedder's identity."""
        s = self.settings
        return VectorIndex(
            Path(s.index), s.chroma_url, s.collection, self.embedder.name, create=self.writable
        )

    def article_text(self, doc_id: str) -> str:
        """Full text of a committed article (what every offset refers to)."""
        article = self.store.article(doc_id)
        if article is None:
            raise SpanError(f"No article {doc_id!r} in the index; `qa sources` lists them.")
        return article.text
