"""Cut an article's content blocks into chunks whose offsets point into the original text."""

from __future__ import annotations

from qa.ingest.furniture import content_blocks
from qa.types import Article, Chunk


def _splitter(chunk_size: int, chunk_overlap: int):  # type: ignore[no-untyped-def]
    # Imported here: langchain costs ~0.6 s and only ingest needs it.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
        strip_whitespace=True,
    )


def chunk_article(article: Article, chunk_size: int = 700, chunk_overlap: int = 100) -> list[Chunk]:
    """Split the article's content blocks into chunks; offsets are located and checked, never trusted."""
    splitter = _splitter(chunk_size, chunk_overlap)
    text = article.text
    chunks: list[Chunk] = []
    for block_start, block_end in content_blocks(article):
        cursor, covered = block_start, block_start
        for piece in splitter.split_text(text[block_start:block_end]):
            # The splitter returns strings, so each piece is found by searching. A piece overlaps the
            # previous one by at most chunk_overlap characters, so it starts no earlier than
            # previous end - overlap; and it adds text, so it ends after the previous end: an earlier
            # repeat of the same words inside the overlap is not it.
            start = first = text.find(piece, cursor, block_end)
            while start >= 0 and start + len(piece) <= covered and piece:
                start = text.find(piece, start + 1, block_end)
            if start < 0:  # none adds text (the splitter's overlap inside a long unbroken run): the first
                start = first
            if start < 0:
                raise AssertionError(f"chunk of {article.doc_id} not found in its text: {piece[:60]!r}")
            end = start + len(piece)
            assert text[start:end] == piece
            chunks.append(
                Chunk(
                    f"{article.doc_id}:{article.sha256[:10]}:{len(chunks)}", article.doc_id, start, end, piece
                )
            )
            cursor, covered = max(start + 1, end - chunk_overlap), max(covered, end)
    return chunks
