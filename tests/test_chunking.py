"""Chunking: furniture left out, offsets exact, repeated text located correctly."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.chunking import chunk_article
from qa.ingest.furniture import content_blocks, furniture_lines
from qa.ingest.loaders import content_hash, load_file
from qa.text import split_sentences
from qa.types import Article

SEEDS = Path(__file__).parents[1] / "seeds"
FURNITURE = [
    "Click to play video 'Iraq parliament votes to expel foreign troops from the country'",
    "WATCH: Iraq parliament votes to expel foreign troops from the country",
    "Story continues below advertisement",
    "READ MORE: Canada-led NATO training mission in Iraq on pause after killing of Soleimani",
    "Read: Pope calls for dialogue and restraint amid growing US-Iran tensions",
    "Opinion: Trump’s reckless gamble with world peace",
    "Iran Parliament Speaker: Soleimani’s killing is violation of UN Charter",
    "Body of Soleimani, killed in U.S. airstrike, returns home to Iran",
    "Note: This page was updated at 15:13 GMT on 05/01/2020 with the result of the parliamentary vote.",
]


def _article(text: str, doc_id: str = "doc", body_start: int = 0) -> Article:
    return Article(doc_id, "mem", "", "", "", "", text, content_hash(text, {}), body_start)


def _seed(name: str) -> Article:
    return load_file(SEEDS / name, 10**8).articles[0]


def test_seed_furniture_lines_are_left_out_of_every_chunk():
    chunks = [
        c
        for name in ("000_cd5ad041538ca3e1.txt", "001_459249e74de3275c.txt")
        for c in chunk_article(_seed(name))
    ]
    joined = "\n".join(c.text for c in chunks)
    for line in FURNITURE:
        assert line not in joined, line
    # ... while the reporting around them is kept.
    assert "the 168 lawmakers present were just three more than the quorum" in joined
    assert "Around 5,000 US troops remain in Iraq" in joined
    assert "Nujaba announced its readiness" in joined


def test_furniture_is_detected_by_line_and_text_is_untouched():
    article = _seed("001_459249e74de3275c.txt")
    lines = [article.text[s:e] for s, e in furniture_lines(article)]
    assert "Story continues below advertisement" in lines
    # The headline repeats the title kept in metadata, so it is not body text; the lede is.
    assert lines[0] == "Iraqi lawmakers pass resolution to end foreign troop presence"
    assert not any(line.startswith("Iraq‘s parliament on Sunday backed") for line in lines)
    assert article.text == (SEEDS / "001_459249e74de3275c.txt").read_text(encoding="utf-8")


def test_chunk_offsets_point_into_the_original_text():
    for name in ("000_cd5ad041538ca3e1.txt", "001_459249e74de3275c.txt"):
        article = _seed(name)
        chunks = chunk_article(article, chunk_size=300, chunk_overlap=60)
        assert len(chunks) > 5
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
        assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_repeated_paragraphs_get_distinct_offsets():
    paragraph = "The resolution is not binding on the government, officials said on Sunday."
    text = "\n\n".join([paragraph] * 4 + ["A different closing paragraph about the vote."])
    chunks = chunk_article(_article(text), chunk_size=100, chunk_overlap=0)
    starts = [c.start for c in chunks if c.text == paragraph]
    assert starts == [i * (len(paragraph) + 2) for i in range(4)]


def test_a_repeat_inside_the_overlap_is_not_taken_for_the_next_chunk():
    # The splitter's last piece is the final line; the same words also end the piece before it,
    # inside the overlap: searching from the overlap found that copy and left the last line out.
    line = "Parliament voted on Sunday to end the foreign troop presence."
    filler = "word " * 59 + "word."
    text = f"{line}\n{line}\n{filler}\n{filler}\n{line}\n\n{line}\n"
    article = Article("doc", "mem", "T", "", "", "", text, content_hash(text, {}), 0)
    chunks = chunk_article(article, 700, 100)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert chunks[-1].end == len(text.rstrip()) and text.rstrip().endswith(chunks[-1].text)


def test_a_long_unbroken_run_still_chunks_with_its_offsets():
    # Inside a run with no separator the splitter cuts by character, and its overlap pieces add no
    # text: each is still found where it is.
    text = "x" * 90 + "\nParliament voted."
    chunks = chunk_article(_article(text), chunk_size=51, chunk_overlap=51 // 4)
    assert chunks and all(text[c.start : c.end] == c.text for c in chunks)
    assert "Parliament voted." in chunks[-1].text


def test_a_piece_of_pure_overlap_is_not_moved_onto_the_next_line():
    # The splitter's 10-character piece at the end of the first run is all overlap; the first
    # occurrence that adds text is on the next line, and taking it left the last piece nowhere to go
    # (the property test's case). Every piece is now placed so that all of them fit, in order.
    text = "x" * 150 + "\n" + "x" * 150 + "\n"
    chunks = chunk_article(_article(text), chunk_size=80, chunk_overlap=10)
    assert [(c.start, c.end) for c in chunks] == [(0, 80), (70, 150), (140, 150), (151, 231), (221, 301)]


def test_front_matter_is_never_chunked():
    text = "---\ntitle: Secret title words\n---\nBody sentence one. Body sentence two.\n"
    article = _article(text, body_start=text.index("Body"))
    chunks = chunk_article(article)
    assert chunks and all(c.start >= article.body_start for c in chunks)
    assert "Secret" not in "".join(c.text for c in chunks)


def test_first_line_is_kept_unless_it_repeats_the_title():
    text = "Short untitled lead line\nParliament voted on Sunday."
    assert furniture_lines(_article(text)) == []
    titled = Article("d", "mem", "Short Untitled  lead line", "", "", "", text, "h", 0)
    assert furniture_lines(titled) == [(0, len("Short untitled lead line"))]


def test_content_blocks_skip_furniture_between_paragraphs():
    text = "First paragraph of reporting.\nREAD MORE: Something else entirely\nSecond paragraph of reporting."
    blocks = [text[s:e] for s, e in content_blocks(_article(text))]
    assert blocks == ["First paragraph of reporting.", "Second paragraph of reporting."]


def test_sentences_respect_abbreviations_and_quotes():
    text = "The U.S. State Department spoke on Friday. “We will respond,” he said. Then Gen. Smith left."
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == [
        "The U.S. State Department spoke on Friday.",
        "“We will respond,” he said.",
        "Then Gen. Smith left.",
    ]


def test_sentences_start_at_non_ascii_capitals():
    text = "He left on Tuesday. Élysée officials said so. İstanbul was quiet."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "He left on Tuesday.",
        "Élysée officials said so.",
        "İstanbul was quiet.",
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Parliament voted.",
                "READ MORE: link",
                "Sadr spoke at length about the vote and its meaning.",
                "",
                "x" * 90,
                "Ünïcödé text here.",
            ]
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(min_value=40, max_value=200),
)
def test_any_text_chunks_satisfy_the_offset_invariant(lines: list[str], size: int):
    text = "\n".join(lines)
    for chunk in chunk_article(_article(text), chunk_size=size, chunk_overlap=size // 4):
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
