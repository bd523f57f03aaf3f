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
        pieces = [p for p in splitter.split_text(text[block_start:block_end]) if p]
        starts = place(text, pieces, block_start, block_end, chunk_overlap)
        if starts is None:
            block = text[block_start:block_end]
            raise AssertionError(f"chunks of {article.doc_id} not found in its text: {block[:60]!r}")
        for piece, start in zip(pieces, starts, strict=True):
            end = start + len(piece)
            assert text[start:end] == piece
            chunks.append(
                Chunk(
                    f"{article.doc_id}:{article.sha256[:10]}:{len(chunks)}", article.doc_id, start, end, piece
                )
            )
    return chunks


def place(text: str, pieces: list[str], lo: int, hi: int, overlap: int) -> list[int] | None:
    """Where each of the splitter's pieces of ``text[lo:hi]`` starts, or None if they cannot be placed.

    The splitter returns strings, so each piece is found by searching. In order, each piece starts
    no earlier than the previous end minus the overlap, and no later than the covered text plus the
    whitespace after it (the splitter drops nothing else); together they must reach ``hi``. The same
    words can repeat (inside the overlap, in a long unbroken run), so the first occurrence that adds
    text is tried first, and a choice that leaves a later piece nowhere to go is undone.
    """
    placed: list[int] = []
    options: list[list[int]] = []
    states = [(lo, lo)]  # (cursor, covered) before each piece
    dead: set[tuple[int, int, int]] = set()  # (piece, cursor, covered) known to lead nowhere
    while len(placed) < len(pieces) or states[-1][1] < hi:
        i = len(placed)
        cursor, covered = states[-1]
        if i == len(pieces) or (i, cursor, covered) in dead:
            fresh: list[int] = []
        elif len(options) == i:
            fresh = _occurrences(text, pieces[i], cursor, covered, hi)
        else:
            fresh = options.pop()
        if fresh:
            options.append(fresh)
            start = fresh[0]
            end = start + len(pieces[i])
            placed.append(start)
            states.append((max(start + 1, end - overlap), max(covered, end)))
            continue
        dead.add((i, cursor, covered))
        if not placed:
            return None
        placed.pop()  # undo the previous piece's choice and try its next occurrence
        states.pop()
        options[-1] = options[-1][1:]
    return placed


def _occurrences(text: str, piece: str, cursor: int, covered: int, hi: int) -> list[int]:
    reach = covered
    while reach < hi and text[reach].isspace():
        reach += 1
    found = []
    start = text.find(piece, cursor, hi)
    while 0 <= start <= reach:
        found.append(start)
        start = text.find(piece, start + 1, hi)
    return [s for s in found if s + len(piece) > covered] + [s for s in found if s + len(piece) <= covered]
