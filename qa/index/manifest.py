"""qa's manifest: articles, committed chunks and the BM25 lexical index, in one SQLite file.

SQLite gives the commit record its atomicity: an article's row, its chunk rows and its
FTS5 entries are written in one transaction, and readers only trust chunk ids found here.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.errors import IndexStateError
from qa.text import STOPWORDS
from qa.types import Article, Chunk, Snapshot, SourceInfo

MANIFEST = "manifest.sqlite"
# Columns of ``articles`` added after the first schema: an older manifest gains them, empty, on open.
LATER_COLUMNS = ("origin", "authors", "language")
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc_id TEXT PRIMARY KEY, source TEXT, title TEXT, outlet TEXT, published TEXT, url TEXT,
    text TEXT NOT NULL, sha256 TEXT NOT NULL, body_start INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT '', authors TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL,
    doc_id TEXT NOT NULL REFERENCES articles(doc_id), start INTEGER NOT NULL, "end" INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts
    USING fts5(text, tokenize='porter unicode61 remove_diacritics 2');
-- Fetched pages, compressed, kept for re-extraction without the network and for conditional requests.
CREATE TABLE IF NOT EXISTS snapshots (
    url TEXT PRIMARY KEY, doc_id TEXT NOT NULL, final_url TEXT NOT NULL, fetched_at TEXT NOT NULL,
    status INTEGER NOT NULL, content_type TEXT NOT NULL, charset TEXT NOT NULL, etag TEXT NOT NULL,
    last_modified TEXT NOT NULL, body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS snapshots_doc ON snapshots(doc_id);
-- Vectors written to Chroma but not yet committed here: cleaned up after a crash.
CREATE TABLE IF NOT EXISTS pending (chunk_id TEXT PRIMARY KEY);
"""


@dataclass(frozen=True)
class StoredOrigin:
    """What identifies a committed article's source: its content hash, origin, source label and URL."""

    sha256: str
    origin: str  # empty for articles committed before origins were recorded
    source: str
    url: str


_TOKEN = re.compile(r"\w+", re.UNICODE)
# A query term found in more than max(COMMON_MIN_CHUNKS, COMMON_SHARE * chunks) chunks is left out
# of the BM25 query, as a stopword is. FTS5 scores every row an OR-query matches, so one such term
# (the "s" of "Taiwan's" is in 74% of a 100k-chunk index) costs a pass over most of the index, and
# its weight is small (IDF below ln(19) ≈ 2.9, against 7-9 for the names that find the answer).
# Indexes of up to COMMON_MIN_CHUNKS chunks are never affected. See bench/RESULTS.md.
COMMON_MIN_CHUNKS = 5_000
COMMON_SHARE = 0.05


def query_terms(query: str) -> list[str]:
    """The distinct non-stopword terms of free text, in order."""
    return list(dict.fromkeys(t for t in _TOKEN.findall(query.lower()) if t not in STOPWORDS))


def match_expression(query: str | list[str]) -> str:
    """Turn free text (or its terms) into an FTS5 OR-query of quoted terms (quoting makes any input safe)."""
    terms = query_terms(query) if isinstance(query, str) else query
    return " OR ".join(f'"{t}"' for t in terms)


class Store:
    """The SQLite manifest of one index directory."""

    def __init__(self, directory: Path, readonly: bool = False) -> None:
        self.path = directory / MANIFEST
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            else:
                directory.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, timeout=30)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.executescript(_SCHEMA)
                for column in LATER_COLUMNS:  # a manifest from before these were recorded
                    if column not in self._columns():
                        self.db.execute(f"ALTER TABLE articles ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                self.db.commit()
            self.db.execute("PRAGMA synchronous=NORMAL")
            # A read-only open of an old manifest has no origin column: its articles have no origin.
            have = self._columns()
            self._later = ", ".join(c if c in have else "''" for c in LATER_COLUMNS)
            self._origin = "origin" if "origin" in have else "''"
        except (sqlite3.Error, OSError) as exc:  # unwritable, not a directory, or not a SQLite file
            reason = getattr(exc, "strerror", None) or str(exc)
            raise IndexStateError(
                f"Cannot open the index manifest {self.path} ({reason}): check that --index names a qa index "
                "you may write to; a damaged index can be moved away and rebuilt with `qa ingest PATH...`."
            ) from None

    def _columns(self) -> set[str]:
        return {row[1] for row in self.db.execute("PRAGMA table_info(articles)")}

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

    def article_origins(self) -> dict[str, StoredOrigin]:
        """Map doc_id to what identifies its source, for every committed article (no texts loaded)."""
        rows = self.db.execute(f"SELECT doc_id, sha256, {self._origin}, source, url FROM articles")
        return {row[0]: StoredOrigin(*row[1:]) for row in rows}

    def article(self, doc_id: str) -> Article | None:
        """Return one committed article, or None."""
        row = self.db.execute(
            "SELECT doc_id, source, title, outlet, published, url, text, sha256, body_start, "
            f"{self._later} FROM articles WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        if not row:
            return None
        doc, source, title, outlet, published, url, text, sha, body_start, origin, authors, language = row
        return Article(
            doc,
            source,
            title,
            outlet,
            published,
            url,
            text,
            sha,
            body_start,
            origin,
            authors=authors,
            language=language,
        )

    def article_count(self) -> int:
        """Number of committed articles."""
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def chunk_count(self) -> int:
        """Number of committed chunks (each must have its vector in Chroma)."""
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def has_articles(self) -> bool:
        """True when at least one article is committed (O(1), unlike COUNT(*), which every search pays)."""
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0])

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
        return [
            r[0]
            for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ? ORDER BY id", (doc_id,))
        ]

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
        ids = (
            [r[0] for r in self.db.execute("SELECT doc_id FROM articles ORDER BY doc_id")]
            if doc_ids is None
            else list(doc_ids)
        )
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
        return [
            r[0] for r in self.db.execute(f"SELECT chunk_id FROM pending p WHERE NOT EXISTS ({committed})")
        ]

    def clear_pending(self, chunk_ids: Sequence[str] | None = None) -> None:
        """Forget pending ids (all, or the given ones) once Chroma has been cleaned of them."""
        with self.db:
            if chunk_ids is None:
                self.db.execute("DELETE FROM pending")
            else:
                self.db.executemany("DELETE FROM pending WHERE chunk_id = ?", ((c,) for c in chunk_ids))

    def commit_articles(
        self, batch: Sequence[tuple[Article, Sequence[Chunk]]], snapshots: Sequence[Snapshot | None] = ()
    ) -> list[str]:
        """Replace each article with its new chunks in ONE transaction; return the superseded chunk ids.

        The superseded ids become pending in the same transaction: if the process dies before
        their vectors are deleted, the next ingest's recovery deletes them. ``snapshots[i]``, when
        given, is the fetched page of ``batch[i]``, written in the same transaction.
        """
        stale: list[str] = []
        with self.db:
            for (article, _), snapshot in zip(batch, snapshots, strict=False):  # no snapshots: none
                if snapshot is not None:
                    self._put_snapshot(article.doc_id, snapshot)
            for article, chunks in batch:
                stale.extend(self._delete(article.doc_id))
                self.db.execute(
                    "INSERT INTO articles (doc_id, source, title, outlet, published, url, text, sha256, "
                    "body_start, origin, authors, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.doc_id,
                        article.source,
                        article.title,
                        article.outlet,
                        article.published,
                        article.url,
                        article.text,
                        article.sha256,
                        article.body_start,
                        article.origin,
                        article.authors,
                        article.language,
                    ),
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
            self.db.executemany(
                "DELETE FROM pending WHERE chunk_id = ?", ((c.chunk_id,) for _, cs in batch for c in cs)
            )
            self.db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", ((c,) for c in stale))
        return stale

    # -- snapshots --------------------------------------------------------------------------
    def put_snapshot(self, doc_id: str, snapshot: Snapshot) -> None:
        """Store (or refresh) the fetched page of an article that is already committed."""
        with self.db:
            self._put_snapshot(doc_id, snapshot)

    def _put_snapshot(self, doc_id: str, s: Snapshot) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO snapshots (url, doc_id, final_url, fetched_at, status, content_type, "
            "charset, etag, last_modified, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.url,
                doc_id,
                s.final_url,
                s.fetched_at,
                s.status,
                s.content_type,
                s.charset,
                s.etag,
                s.last_modified,
                zlib.compress(s.body, 6),
            ),
        )

    def snapshots(self, with_body: bool = True) -> dict[str, tuple[str, Snapshot]]:
        """Map each fetched URL to (doc_id, its snapshot); ``with_body=False`` skips the pages themselves."""
        body = "body" if with_body else "x''"
        rows = self.db.execute(
            "SELECT url, doc_id, final_url, fetched_at, status, content_type, charset, etag, last_modified, "
            f"{body} FROM snapshots ORDER BY url"
        )
        found: dict[str, tuple[str, Snapshot]] = {}
        for url, doc_id, final, fetched, status, ctype, charset, etag, modified, blob in rows:
            page = zlib.decompress(blob) if with_body else b""
            found[url] = (doc_id, Snapshot(url, final, fetched, status, ctype, charset, etag, modified, page))
        return found

    def clear(self) -> None:
        """Forget every article and chunk in one transaction (for --rebuild).

        Their chunk ids become pending, so a crash before Chroma is emptied leaves nothing behind.
        """
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO pending SELECT chunk_id FROM chunks")
            for table in ("chunks_fts", "chunks", "articles", "snapshots"):
                self.db.execute(f"DELETE FROM {table}")

    def remove_article(self, doc_id: str) -> list[str]:
        """Delete an article and its chunks in one transaction; return the removed chunk ids (now pending)."""
        with self.db:
            removed = self._delete(doc_id)
            self.db.execute("DELETE FROM snapshots WHERE doc_id = ?", (doc_id,))
            self.db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", ((c,) for c in removed))
            return removed

    def _delete(self, doc_id: str) -> list[str]:
        rows = self.db.execute("SELECT id, chunk_id FROM chunks WHERE doc_id = ?", (doc_id,)).fetchall()
        self.db.executemany("DELETE FROM chunks_fts WHERE rowid = ?", ((r[0],) for r in rows))
        self.db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM articles WHERE doc_id = ?", (doc_id,))
        return [r[1] for r in rows]

    # -- lexical search ---------------------------------------------------------------------
    def bm25(self, query: str, limit: int) -> list[tuple[str, float]]:
        """BM25-ranked (chunk_id, score) pairs; higher score is better."""
        terms = query_terms(query)
        if not terms:
            return []
        # Terms in a large share of the chunks are dropped (see COMMON_MIN_CHUNKS), unless all are.
        # MAX(id) bounds the chunk count from above in O(log n); COUNT(*) would be O(n).
        top = int(self.db.execute("SELECT MAX(id) FROM chunks").fetchone()[0] or 0)
        bar = max(COMMON_MIN_CHUNKS, int(COMMON_SHARE * top))
        if top > bar:
            terms = [t for t in terms if not self._in_more_chunks_than(t, bar)] or terms
        # Rank inside FTS5 first, then join only the top ``limit`` rows to their chunk ids.
        rows = self.db.execute(
            """SELECT c.chunk_id, f.score FROM
                 (SELECT rowid AS id, -bm25(chunks_fts) AS score FROM chunks_fts
                  WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?) AS f
               JOIN chunks c ON c.id = f.id ORDER BY f.score DESC""",
            (match_expression(terms), limit),
        )
        return [(r[0], float(r[1])) for r in rows]

    def _in_more_chunks_than(self, term: str, bar: int) -> bool:
        """True when ``term`` occurs in more than ``bar`` chunks (counting stops just past the bar)."""
        found = self.db.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
            (f'"{term}"', bar + 1),
        ).fetchone()[0]
        return int(found) > bar
