"""The HTML page parsed as a browser parses it (html5lib implements the WHATWG algorithm), and the checks
every page must pass: marks at their offsets, links that resolve, nothing loaded from outside."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import html5lib

# Attributes through which a page would load something (or run something) by itself.
LOADING_ATTRIBUTES = ("src", "srcset", "data", "poster", "background", "formaction", "action", "ping")


@dataclass
class Page:
    """A parsed page and its elements by id."""

    html: str
    root: ET.Element

    @property
    def ids(self) -> dict[str, ET.Element]:
        """Every element with an id, by id."""
        return {el.get("id", ""): el for el in self.root.iter() if el.get("id")}

    def all(self, tag: str, cls: str | None = None) -> list[ET.Element]:
        """Every ``tag`` element (with ``cls`` among its classes, when given), in document order."""
        return [el for el in self.root.iter(tag) if cls is None or cls in (el.get("class") or "").split()]

    def text(self, el: ET.Element) -> str:
        """An element's textContent."""
        return "".join(el.itertext())


def parse(html: str) -> Page:
    """Parse as a browser would; raise on nothing (a browser does not), so the checks below decide."""
    root = html5lib.parse(html, namespaceHTMLElements=False)
    return Page(html, root)


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def check_self_contained(page: Page) -> None:
    """No external resource, no handler attribute, and a CSP that forbids loads and allows only the
    page's own style and script, by hash."""
    assert page.html.startswith("<!DOCTYPE html>")
    metas = [m for m in page.all("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1, "one Content-Security-Policy meta tag"
    policy = {
        d.split()[0]: d.split()[1:]
        for d in (part.strip() for part in metas[0].get("content", "").split(";"))
        if d
    }
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    styles, scripts = page.all("style"), page.all("script")
    assert len(styles) == 1 and len(scripts) == 1, "one inline style and one inline script, no more"
    assert policy["style-src"] == [_csp_hash(page.text(styles[0]))]
    assert policy["script-src"] == [_csp_hash(page.text(scripts[0]))]
    assert not page.all("link") and not page.all("img") and not page.all("iframe") and not page.all("object")
    for el in page.root.iter():
        for name, value in el.attrib.items():
            assert name not in LOADING_ATTRIBUTES, f"<{el.tag} {name}={value!r}> would load something"
            assert not name.startswith("on"), f"<{el.tag} {name}=…> is a handler attribute"
            assert name != "style", "inline style attributes are outside the CSP hash"
        href = el.get("href")
        if href is not None:
            assert href.startswith(("#", "https://", "http://")), f"link {href!r}"
    css = page.text(styles[0])
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def marks(page: Page) -> Iterator[tuple[ET.Element, str, int, int]]:
    """Every highlighted span: (element, doc_id, start, end); a mark without its offsets fails here."""
    for el in page.all("mark"):
        yield el, el.attrib["data-doc"], int(el.attrib["data-start"]), int(el.attrib["data-end"])


def check_marks(page: Page, texts: Mapping[str, str]) -> int:
    """Each mark's text is the article's text at its offsets, and each article's text in the page is
    the whole article; returns how many marks were checked."""
    shown = {doc_id: text.replace("\x00", "\ufffd") for doc_id, text in texts.items()}  # no page holds a NUL
    count = 0
    for el, doc_id, start, end in marks(page):
        assert page.text(el) == shown[doc_id][start:end], (doc_id, start, end)
        count += 1
    for div in page.all("div", "text"):
        assert page.text(div) == shown[div.get("data-doc", "")], (
            "the article's whole text, character for character"
        )
    return count


def check_links(page: Page) -> None:
    """Ids are unique, every #link resolves, and every marker reaches a mark (or its citation's entry)
    whose back link returns to a marker of the same number."""
    every = [el.get("id") for el in page.root.iter() if el.get("id")]
    assert len(every) == len(set(every)), f"duplicate ids: {sorted({i for i in every if every.count(i) > 1})}"
    ids = page.ids
    for a in page.all("a"):
        href = a.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids, f"{href} points nowhere"
    parent = {child: el for el in page.root.iter() for child in el}
    for a in page.all("a", "cite"):
        target = ids[a.get("href", "")[1:]]
        number = re.sub(r"\D", "", page.text(a))
        if target.tag == "mark":
            assert number in target.get("data-cites", "").split()
            backs = [b for b in parent[target] if b.get("class") == "back" and b.get("data-n") == number]
            returns_to = ids[backs[0].get("href", "")[1:]]
            assert (
                "cite" in returns_to.get("class", "").split()
                and re.sub(r"\D", "", page.text(returns_to)) == number
            )
        else:
            assert target.tag == "li" and target.get("id") == f"cite-{number}"


def all_text(page: Page) -> str:
    """The text a reader sees, in document order (scripts and styles left out)."""

    def walk(el: ET.Element) -> Iterator[str]:
        if el.tag not in ("script", "style"):
            yield el.text or ""
            for child in el:
                yield from walk(child)
        yield el.tail or ""

    return "".join(walk(page.root))
