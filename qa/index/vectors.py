"""The Chroma side of the index: chunk vectors, in-process or on a Chroma server.

This is the only module that imports chromadb. Vectors are always passed explicitly, so
Chroma's own default embedding function (which downloads a model) is never used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from qa.errors import IndexStateError, embedder_mismatch
from qa.types import Chunk
from qa.urls import shown_url

EMBEDDER_KEY = "qa:embedder"


@contextmanager
def _chroma_errors(action: str, chroma_url: str) -> Iterator[None]:
    """Turn whatever Chroma raises (a dead server, a broken store) into one IndexStateError sentence."""
    try:
        yield
    except IndexStateError:
        raise
    except Exception as exc:  # chromadb and its HTTP client raise assorted types
        if chroma_url:
            raise IndexStateError(
                f"The Chroma server at {shown_url(chroma_url, path=False)} failed while {action} "
                f"({type(exc).__name__}): check that it is still running, then run the command again "
                "(an interrupted ingest is cleaned up and completed by the next run)."
            ) from None
        detail = " ".join(str(exc).split())
        detail = detail if len(detail) <= 200 else detail[:197] + "..."
        raise IndexStateError(
            f"Chroma failed while {action} ({type(exc).__name__}: {detail}); "
            "a damaged index can be moved away and rebuilt with `qa ingest PATH...`."
        ) from None


def _import_chromadb() -> Any:
    """Import chromadb without letting its settings loader read the user's ``.env``.

    chromadb's Settings (pydantic-settings, env_file=".env") is instantiated while chromadb is
    imported, so a .env that qa reads under its own rules would also be read, and could crash
    the import (a bad byte) or change Chroma's settings behind qa's back. The import therefore
    runs in an empty directory, and every later Settings() is told there is no env file.
    """
    if "chromadb" not in sys.modules:
        import tempfile

        try:
            cwd: str | None = os.getcwd()
        except OSError:  # the current directory was deleted: there is no .env to read either
            cwd = None
        with tempfile.TemporaryDirectory(prefix="qa-import-") as empty:
            os.chdir(empty)
            try:
                import chromadb.config
            finally:
                if cwd is not None:
                    os.chdir(cwd)
    import chromadb
    import chromadb.config

    chromadb.config.Settings.model_config["env_file"] = None
    return chromadb


def _connect(index_dir: Path, chroma_url: str) -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    chromadb = _import_chromadb()
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)  # no env file: see _import_chromadb
    if not chroma_url:
        with _chroma_errors(f"opening the vector store in {index_dir / 'chroma'}", ""):
            return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=chroma_settings)
    url = urlparse(chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise IndexStateError(
            f"QA_CHROMA_URL={shown_url(chroma_url, path=False)!r} is not an http(s)://host:port URL."
        )
    try:
        client = chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        client.heartbeat()
    except Exception as exc:  # chromadb raises assorted types for an unreachable server
        raise IndexStateError(
            f"Cannot reach the Chroma server at {shown_url(chroma_url, path=False)} ({type(exc).__name__}); "
            "start it with `chroma run --path DIR --host HOST --port PORT` or unset QA_CHROMA_URL."
        ) from None
    return client


def reset_collection(index_dir: Path, chroma_url: str, collection: str) -> None:
    """Delete a collection if it exists, whatever embedder built it."""
    client = _connect(index_dir, chroma_url)
    with _chroma_errors("deleting the collection", chroma_url):
        if collection in {getattr(c, "name", c) for c in client.list_collections()}:
            client.delete_collection(collection)


class VectorIndex:
    """A Chroma collection of chunk vectors that knows which embedder built it."""

    def __init__(
        self, index_dir: Path, chroma_url: str, collection: str, embedder_name: str, create: bool
    ) -> None:
        self._client = _connect(index_dir, chroma_url)
        self._url = chroma_url
        self._max_batch: int | None = None
        self.embedder_name = embedder_name
        self.name = collection
        try:
            if create:
                self._col = self._client.get_or_create_collection(
                    collection,
                    embedding_function=None,
                    metadata={"hnsw:space": "cosine", EMBEDDER_KEY: embedder_name},
                )
            else:
                self._col = self._client.get_collection(collection, embedding_function=None)
        except IndexStateError:
            raise
        except Exception as exc:
            if not create and "does not exist" in str(exc):
                raise IndexStateError("The index is empty: run `qa ingest PATH...` first.") from None
            with _chroma_errors(f"opening collection {collection!r}", chroma_url):
                raise exc
        built_with = (self._col.metadata or {}).get(EMBEDDER_KEY)
        if built_with and built_with != embedder_name:
            raise embedder_mismatch(built_with, embedder_name)

    def count(self) -> int:
        """Number of vectors in the collection (committed or not)."""
        with _chroma_errors("counting vectors", self._url):
            return int(self._col.count())

    @property
    def max_batch(self) -> int:
        """Most records Chroma accepts in one call (it refuses larger upserts and deletes outright)."""
        if self._max_batch is None:
            with _chroma_errors("asking for its maximum batch size", self._url):
                self._max_batch = max(1, int(self._client.get_max_batch_size()))
        return self._max_batch

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Write chunk vectors in batches Chroma accepts; ids carry the content hash (a re-run overwrites)."""
        if not chunks:
            return
        vectors = vectors.astype(np.float32)
        step = self.max_batch
        with _chroma_errors("writing vectors", self._url):
            for i in range(0, len(chunks), step):
                part = chunks[i : i + step]
                self._col.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=vectors[i : i + step],
                    documents=[c.text for c in part],
                    metadatas=[{"doc_id": c.doc_id, "start": c.start, "end": c.end} for c in part],
                )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove vectors by chunk id, in batches Chroma accepts; unknown ids are ignored."""
        if not chunk_ids:
            return
        step = self.max_batch
        with _chroma_errors("deleting vectors", self._url):
            for i in range(0, len(chunk_ids), step):
                self._col.delete(ids=list(chunk_ids[i : i + step]))

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of some chunks, by chunk id (unknown ids are left out)."""
        found: dict[str, np.ndarray] = {}
        step = self.max_batch
        with _chroma_errors("reading vectors", self._url):
            for i in range(0, len(chunk_ids), step):
                got = self._col.get(ids=list(chunk_ids[i : i + step]), include=["embeddings"])
                for cid, vector in zip(got["ids"], got["embeddings"], strict=True):
                    found[cid] = np.asarray(vector, dtype=np.float32)
        return found

    def query(self, vector: np.ndarray, limit: int) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first."""
        if limit <= 0:
            return []
        # No count() first: it costs O(collection size) in Chroma (16 ms at 100k chunks, 8x the HNSW
        # query itself), and Chroma already returns fewer results when it holds fewer (or none).
        with _chroma_errors("searching vectors", self._url):
            result = self._col.query(
                query_embeddings=[vector.astype(np.float32)], n_results=limit, include=["distances"]
            )
        return [
            (cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)
        ]
