"""Article text as HTML with ranges of it wrapped in elements (cited spans, left-out lines), every
character of the text kept and escaped."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Layer:
    """A range ``text[start:end]`` to wrap in ``<tag>``; ranges that cross are split into pieces."""

    start: int
    end: int
    tag: str
    classes: str = ""
    attrs: tuple[tuple[str, str], ...] = ()  # on every piece
    id: str = ""  # on the first piece only; the later pieces of a split range name it in data-part-of
    offsets: bool = False  # give each piece data-start and data-end: its own offsets in the text
    rank: int = 0  # of two ranges with the same extent, the lower rank is the outer one
    after: str = ""  # HTML (a Markup) placed right after the range's last piece (a back link)


@dataclass
class _Node:
    start: int
    end: int
    layer: Layer | None
    first: bool = True
    children: list[_Node] = field(default_factory=list)


def wrap(text: str, layers: Iterable[Layer]) -> Markup:
    """``text`` escaped, with each layer's range wrapped in its element (a NUL shown as U+FFFD).

    Elements must nest, and ranges may cross (two citations that overlap): a range that runs past the
    end of one opened before it is cut there and goes on in a second piece, so each piece's text is
    still exactly the text at its offsets.
    """
    root = _Node(0, len(text), None)
    todo: list[tuple[int, int, int, int, Layer, bool]] = []
    for seq, layer in enumerate(layers):
        if not 0 <= layer.start < layer.end <= len(text):
            raise ValueError(f"range {layer.start}-{layer.end} is outside a text of {len(text)} characters")
        todo.append((layer.start, -layer.end, layer.rank, seq, layer, True))
    heapq.heapify(todo)
    seq = len(todo)
    stack = [root]
    while todo:
        start, neg_end, rank, _, layer, first = heapq.heappop(todo)
        end = -neg_end
        while len(stack) > 1 and stack[-1].end <= start:
            stack.pop()
        parent = stack[-1]
        if end > parent.end:  # crosses the end of a range opened before it: go on after that range
            seq += 1
            heapq.heappush(todo, (parent.end, -end, rank, seq, layer, False))
            end = parent.end
        node = _Node(start, end, layer, first)
        parent.children.append(node)
        stack.append(node)
    return Markup("".join(_html(text, root)))


def _escaped(text: str) -> str:
    # An HTML parser turns a raw CR (and CR LF) into LF; a character reference keeps it, so the page's
    # text stays the article's text at every offset. A NUL is the one character no page can hold (a
    # parser drops it): it shows as U+FFFD, which keeps every later character at its offset.
    # On a str: Markup.replace would escape the "&".
    return str(escape(text)).replace("\r", "&#13;").replace("\x00", "\ufffd")


def _html(text: str, node: _Node) -> Iterable[str]:
    layer = node.layer
    if layer is not None:
        yield _open(layer, node)
    at = node.start
    for child in node.children:
        yield _escaped(text[at : child.start])
        yield from _html(text, child)
        at = child.end
    yield _escaped(text[at : node.end])
    if layer is not None:
        yield f"</{layer.tag}>"
        if node.end == layer.end:
            yield layer.after


def _open(layer: Layer, node: _Node) -> str:
    attrs: list[tuple[str, str]] = []
    if layer.id:
        attrs.append(("id", layer.id) if node.first else ("data-part-of", layer.id))
    if layer.classes:
        attrs.append(("class", layer.classes))
    attrs += layer.attrs
    if layer.offsets:
        attrs += [("data-start", str(node.start)), ("data-end", str(node.end))]
    return f"<{layer.tag}" + "".join(f' {name}="{escape(value)}"' for name, value in attrs) + ">"
