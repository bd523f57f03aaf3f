"""Page furniture: the lines of a page that are not reporting (captions, "READ MORE", link headlines).

They are found by offset and left out of the chunks; the article text itself is never edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.types import Article

# Lines that are page furniture, not reporting. Matched per line; the text itself is never edited.
_FURNITURE = re.compile(
    r"""^\s*(?:
        click\ to\ play\ video\b
      | watch\s*:
      | story\ continues\ below\ advertisement\s*$
      | read\ more\s*:
      | read\s*:
      | opinion\s*:
      | related\s*:
      | advertisement\s*$
      | (?:[-–—]\s*)?with\ files\ from\b
      | (?:editor'?s\ )?note\s*:\s*this\ (?:page|article|story)\ (?:was|has\ been)\ updated\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_VIDEO_TITLE = re.compile(r"^\s*click to play video\s+'(.*)'", re.IGNORECASE)
# Reporting lines end like sentences; short lines that don't are link headlines or captions.
_SENTENCE_END = re.compile(r"[.!?:;\"'”’)\]…]\s*$")
_MAX_HEADLINE_WORDS = 20


def _lines(text: str, start: int) -> Iterator[tuple[int, int]]:
    pos = start
    for line in text[start:].splitlines(keepends=True):
        yield pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)


def furniture_lines(article: Article) -> list[tuple[int, int]]:
    """Return (start, end) of every furniture line in the article body."""
    text = article.text
    found: list[tuple[int, int]] = []
    captions: set[str] = set()
    first_line = True
    for start, end in _lines(text, article.body_start):
        line = text[start:end].strip()
        if not line:
            continue
        video = _VIDEO_TITLE.match(line)
        if video:
            captions.add(video.group(1).strip())
        is_headline = not _SENTENCE_END.search(line) and len(line.split()) <= _MAX_HEADLINE_WORDS
        # The first line is kept as the lead unless it merely repeats the title held in metadata.
        repeats_title = (
            first_line and " ".join(line.split()).casefold() == " ".join(article.title.split()).casefold()
        )
        if _FURNITURE.match(line) or line in captions or (is_headline and (not first_line or repeats_title)):
            found.append((start, end))
        first_line = False
    return found


def left_out_spans(article: Article) -> list[tuple[int, int]]:
    """The furniture spans of the article: the page's own (HTML) when recorded, else the line rules'."""
    if article.left_out is not None:
        return sorted(article.left_out)
    return furniture_lines(article)


def content_blocks(article: Article) -> list[tuple[int, int]]:
    """Return the (start, end) runs of body text between furniture spans, trimmed of whitespace."""
    blocks: list[tuple[int, int]] = []
    cursor = article.body_start
    for start, end in [*left_out_spans(article), (len(article.text), len(article.text))]:
        start = max(start, cursor)  # spans may touch or overlap: never step back
        end = max(end, start)
        segment = article.text[cursor:start]
        if segment.strip():
            lead = len(segment) - len(segment.lstrip())
            trail = len(segment) - len(segment.rstrip())
            blocks.append((cursor + lead, start - trail))
        cursor = end
    return blocks
