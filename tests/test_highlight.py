"""qa.render.highlight.wrap: any text with any ranges, crossing or not, parses back (as a browser
parses it) to the same text, each piece of each range at its own offsets."""

from __future__ import annotations

import itertools

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from qa.render.highlight import Layer, wrap


def _parsed(html: str):  # type: ignore[no-untyped-def]
    return html5lib.parseFragment(f"<div>{html}</div>", namespaceHTMLElements=False)[0]


def _text(el) -> str:  # type: ignore[no-untyped-def]
    return "".join(el.itertext())


# Characters that markup, templates or parsers treat specially; CR, which a parser turns into LF; escape
# and C1 control characters; NUL, which no page can hold and which shows as U+FFFD.
ALPHABET = st.sampled_from([*list("ab <>&\"'{}%/=\r\n\t\x1b\x85\x9b\x00"), "é", "—", "\xa0", "😀"])


@st.composite
def text_and_layers(draw: st.DrawFn) -> tuple[str, list[Layer]]:
    text = draw(st.text(ALPHABET, min_size=1, max_size=60))
    layers = []
    for k in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        tag = draw(st.sampled_from(["mark", "span", "strong"]))
        layers.append(Layer(start, end, tag, id=f"r{k}", offsets=True, rank=draw(st.integers(0, 2))))
    return text, layers


@given(text_and_layers())
def test_every_piece_is_the_text_at_its_offsets(case: tuple[str, list[Layer]]) -> None:
    original, layers = case
    div = _parsed(wrap(original, layers))
    text = original.replace("\x00", "\ufffd")
    assert _text(div) == text
    pieces: dict[str, list[tuple[int, int]]] = {}
    for el in div.iter():
        if el is div:
            continue
        start, end = int(el.get("data-start")), int(el.get("data-end"))
        assert _text(el) == text[start:end]
        for child in el:  # elements nest as their ranges do
            assert start <= int(child.get("data-start")) <= int(child.get("data-end")) <= end
        pieces.setdefault(el.get("id") or el.get("data-part-of"), []).append((start, end))
    for layer in layers:
        got = pieces[layer.id]
        assert got[0][0] == layer.start and got[-1][1] == layer.end  # the first piece carries the id
        assert all(a[1] == b[0] for a, b in itertools.pairwise(got)), "pieces follow each other"


def test_crossing_ranges_are_split_where_they_cross() -> None:
    html = wrap(
        "abcdefgh", [Layer(0, 5, "mark", id="a", offsets=True), Layer(3, 8, "mark", id="b", offsets=True)]
    )
    assert html == (
        '<mark id="a" data-start="0" data-end="5">abc'
        '<mark id="b" data-start="3" data-end="5">de</mark></mark>'
        '<mark data-part-of="b" data-start="5" data-end="8">fgh</mark>'
    )


def test_after_follows_the_last_piece_and_attributes_are_escaped() -> None:
    back = Markup('<a href="#x"></a>')
    html = wrap("a<b>c", [Layer(1, 4, "mark", attrs=(("title", '"><script>'),), after=back)])
    assert html == 'a<mark title="&#34;&gt;&lt;script&gt;">&lt;b&gt;</mark><a href="#x"></a>c'


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 2), (3, 9)])
def test_a_range_outside_the_text_is_refused(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside a text of 5 characters"):
        wrap("abcde", [Layer(start, end, "mark")])
