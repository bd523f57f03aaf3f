"""qa's manifest: articles, committed chunks and the BM25 lexical index, in one SQLite file.

SQLite gives the commit record its atomicity: an article's row, its chunk rows and its
FTS5 entries are written in one transaction, and readers only trust chunk ids found here.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from qa.types import Article, Chunk, SourceInfo

MANIFEST = "manifest.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc_id TEXT PRIMARY KEY, source TEXT, title TEXT, outlet TEXT, published TEXT, url TEXT,
    text TEXT NOT NULL, sha256 TEXT NOT NULL, body_start INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL,
    doc_id TEXT NOT NULL REFERENCES articles(doc_id), start INTEGER NOT NULL, "end" INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(text, tokenize='porter unicode61 remove_diacritics 2');
-- Vectors written to Chroma but not yet committed here: cleaned up after a crash.
CREATE TABLE IF NOT EXISTS pending (chunk_id TEXT PRIMARY KEY);
"""

_STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have he her his how i if in into is it its "
    "of on or she so than that the their them then there these they this those to was were what when where "
    "which who whom whose why will with would you your about after before said says many much".split()
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str:
    """Turn free text into an FTS5 OR-query of quoted terms (quoting makes any input safe)."""
    terms = [t for t in _TOKEN.findall(query.lower()) if t not in _STOPWORDS]
    unique = list(dict.fromkeys(terms))
    return " OR ".join(f'"{t}"' for t in unique)


class Store:
    """The SQLite manifest of one index directory."""

    def __init__(self, directory: Path, readonly: bool = False) -> None:
        self.path = directory / MANIFEST
        if readonly:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        else:
            directory.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self.db.commit()
        self.db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    # -- metadata ---------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """Read one metadata value."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Write one metadata value (committed at once)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- articles ---------------------------------------------------------------------------
    def article_hashes(self) -> dict[str, str]:
        """Map doc_id to content hash for every committed article."""
        return dict(self.db.execute("SELECT doc_id, sha256 FROM articles"))

    def article(self, doc_id: str) -> Article | None:
        """Return one committed article, or None."""
        row = self.db.execute(
            "SELECT doc_id, source, title, outlet, published, url, text, sha256, body_start FROM articles WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        return Article(*row) if row else None

    def article_count(self) -> int:
        """Number of committed articles."""
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def sources(self) -> list[SourceInfo]:
        """Describe every committed article, ordered by doc_id."""
        rows = self.db.execute(
            """SELECT a.doc_id, a.source, a.title, a.outlet, a.published, a.url,
                      (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = a.doc_id), LENGTH(a.text), a.sha256
               FROM articles a ORDER BY a.doc_id"""
        )
        return [SourceInfo(*row) for row in rows]

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Chunk ids committed for one article."""
        return [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ? ORDER BY id", (doc_id,))]

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, tuple[Chunk, Article]]:
        """Committed chunks (with their article) for the given ids; unknown ids are left out."""
        found: dict[str, tuple[Chunk, Article]] = {}
        articles: dict[str, Article] = {}
        for i in range(0, len(chunk_ids), 500):
            batch = list(chunk_ids[i : i + 500])
            marks = ",".join("?" * len(batch))
            for chunk_id, doc_id, start, end in self.db.execute(
                f'SELECT chunk_id, doc_id, start, "end" FROM chunks WHERE chunk_id IN ({marks})', batch
            ):
                if doc_id not in articles:
                    article = self.article(doc_id)
                    assert article is not None
                    articles[doc_id] = article
                text = articles[doc_id].text
                found[chunk_id] = (Chunk(chunk_id, doc_id, start, end, text[start:end]), articles[doc_id])
        return found

    def doc_chunks(self, doc_ids: Iterable[str] | None = None) -> list[Chunk]:
        """Every committed chunk of the given articles (all articles when None), in text order."""
        out: list[Chunk] = []
        ids = [r[0] for r in self.db.execute("SELECT doc_id FROM articles ORDER BY doc_id")] if doc_ids is None else list(doc_ids)
        for doc_id in ids:
            article = self.article(doc_id)
            if article is None:
                continue
            for chunk_id, start, end in self.db.execute(
                'SELECT chunk_id, start, "end" FROM chunks WHERE doc_id = ? ORDER BY start', (doc_id,)
            ):
                out.append(Chunk(chunk_id, doc_id, start, end, article.text[start:end]))
        return out

    # -- writes -----------------------------------------------------------------------------
    def add_pending(self, chunk_ids: Iterable[str]) -> None:
        """Record chunk ids about to be written to Chroma, before they are written."""
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", ((c,) for c in chunk_ids))

    def pending(self) -> list[str]:
        """Chunk ids written (maybe) to Chroma by a run that never committed them."""
        committed = "SELECT 1 FROM chunks c WHERE c.chunk_id = p.chunk_id"
        return [r[0] for r in self.db.execute(f"SELECT chunk_id FROM pending p WHERE NOT EXISTS ({committed})")]

    def clear_pending(self) -> None:
        """Forget pending ids once Chroma has been cleaned."""
        with self.db:
            self.db.execute("DELETE FROM pending")

    def commit_articles(self, batch: Sequence[tuple[Article, Sequence[Chunk]]]) -> list[str]:
        """Replace each article with its new chunks in ONE transaction; return the superseded chunk ids."""
        stale: list[str] = []
        with self.db:
            for article, chunks in batch:
                stale.extend(self._delete(article.doc_id))
                self.db.execute(
                    "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article.doc_id, article.source, article.title, article.outlet, article.published,
                     article.url, article.text, article.sha256, article.body_start),
                )
                for chunk in chunks:
                    cur = self.db.execute(
                        'INSERT INTO chunks (chunk_id, doc_id, start, "end") VALUES (?, ?, ?, ?)',
                        (chunk.chunk_id, chunk.doc_id, chunk.start, chunk.end),
                    )
                    # Title words help lexical search without touching the chunk's offsets.
                    self.db.execute(
                        "INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)",
                        (cur.lastrowid, f"{article.title}\n{chunk.text}"),
                    )
            self.db.executemany("DELETE FROM pending WHERE chunk_id = ?", ((c.chunk_id,) for _, cs in batch for c in cs))
        return stale

    def clear(self) -> None:
        """Forget every article, chunk and pending id in one transaction (for --rebuild)."""
        with self.db:
            for table in ("chunks_fts", "chunks", "articles", "pending"):
                self.db.execute(f"DELETE FROM {table}")

    def remove_article(self, doc_id: str) -> list[str]:
        """Delete an article and its chunks in one transaction; return the removed chunk ids."""
        with self.db:
            return self._delete(doc_id)

    def _delete(self, doc_id: str) -> list[str]:
        rows = self.db.execute("SELECT id, chunk_id FROM chunks WHERE doc_id = ?", (doc_id,)).fetchall()
        self.db.executemany("DELETE FROM chunks_fts WHERE rowid = ?", ((r[0],) for r in rows))
        self.db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM articles WHERE doc_id = ?", (doc_id,))
        return [r[1] for r in rows]

    # -- lexical search ---------------------------------------------------------------------
    def bm25(self, query: str, limit: int) -> list[tuple[str, float]]:
        """BM25-ranked (chunk_id, score) pairs; higher score is better."""
        expression = match_expression(query)
        if not expression:
            return []
        rows = self.db.execute(
            """SELECT c.chunk_id, -bm25(chunks_fts) AS score FROM chunks_fts
               JOIN chunks c ON c.id = chunks_fts.rowid
               WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?""",
            (expression, limit),
        )
        return [(r[0], float(r[1])) for r in rows]
