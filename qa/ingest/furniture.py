"""Page furniture: the lines of a page that are not reporting (captions, "READ MORE", link headlines).

They are found by offset and left out of the chunks; the article text itself is never edited.
"""

from __future__ import annotations

import re

from qa.text import line_spans
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
# Reporting lines end like sentences (CJK full stops included); the rest are judged by shape below.
_SENTENCE_END = re.compile(r"[.!?:;\"'”’)\]…。！？．」』]\s*$")
# Shapes of lines that are reporting though they do not end like a sentence: list items, lines with
# figures (scores, dates, tour stops), datelines ("BAGHDAD (Reuters) -", "BAAR, SWITZERLAND").
_LIST_ITEM = re.compile(r"^\s*(?:[-•*–—·▪●]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s)")
_FIGURE = re.compile(r"\d")
_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]+(?:,\s*[A-Z][\w.'’ -]*)?(?:\s*\([^)]*\))?\s*[-–—,]?\s*$")
# A related-story link in the kicker style: "Iran Parliament Speaker: Soleimani's killing is …".
_KICKER = re.compile(r"^[^:]{2,60}:\s+\S+(?:\s+\S+){2,}$")
# Lines of a run of link headlines have at least this many words (a run of shorter ones is a list).
_HEADLINE_WORDS = 4


def is_furniture_text(line: str) -> bool:
    """True when a line's own words make it furniture (READ MORE:, Advertisement, With files from …)."""
    return bool(_FURNITURE.match(line))


def _reporting_shape(line: str) -> bool:
    """A line that is reporting by its shape alone, whatever its punctuation."""
    return bool(
        _SENTENCE_END.search(line) or _LIST_ITEM.match(line) or _FIGURE.search(line) or _DATELINE.match(line)
    )


def furniture_lines(article: Article) -> list[tuple[int, int]]:
    """Return (start, end) of every furniture line in the article body.

    Furniture is a line matching a pattern (READ MORE:, Advertisement, Click to play video, …), a
    video caption repeated, the headline repeated as the first line, a kicker-style link headline, or
    a run of two or more link headlines. A lone line that does not end like a sentence (a sub-heading
    before its paragraph, a list item, a score, a dateline) is reporting, and is kept.
    """
    text = article.text
    lines = [(s, e, text[s:e].strip()) for s, e in line_spans(text, article.body_start)]
    lines = [(s, e, line) for s, e, line in lines if line]
    captions: set[str] = set()
    # A line that may be a link headline: not a pattern, not in a reporting shape.
    headline = [not _reporting_shape(line) for _, _, line in lines]
    found: list[tuple[int, int]] = []
    for i, (start, end, line) in enumerate(lines):
        video = _VIDEO_TITLE.match(line)
        if video:
            captions.add(video.group(1).strip())
        if _FURNITURE.match(line) or line in captions:
            found.append((start, end))
            continue
        if not headline[i]:
            continue
        if i == 0:
            # The first line is kept as the lead unless it merely repeats the title held in metadata.
            if " ".join(line.split()).casefold() == " ".join(article.title.split()).casefold():
                found.append((start, end))
            continue
        in_run = any(
            0 <= j < len(lines) and headline[j] and len(lines[j][2].split()) >= _HEADLINE_WORDS
            for j in (i - 1, i + 1)
        )
        if _KICKER.match(line) or (in_run and len(line.split()) >= _HEADLINE_WORDS):
            found.append((start, end))
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
