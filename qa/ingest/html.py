"""HTML pages: the article text built from the page's structure, its furniture by offset, its metadata.

trafilatura finds the main content and returns it as XML (headings, paragraphs, lists, tables,
quotes). Each of those blocks becomes a line run of the stored text, and the blocks that are page
furniture (related links, "Subscribe to …", "Advertisement", a repeat of the headline, credit lines)
are recorded as spans left out of the chunks: the text itself is never edited to drop them. Which
block is furniture is decided from the page's structure (links, headings, where the extractor's
precise pass agrees) and from patterns, never from a line's length or punctuation alone, so a
sub-heading, a list item, a score line or a CJK sentence stays citable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qa.ingest.furniture import is_furniture_text

_Element = Any  # an lxml element of trafilatura's XML (lxml ships no type stubs)

# Elements of trafilatura's XML that start a block of their own; the rest (hi, ref, del) are inline.
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "table", "row", "cell", "quote", "div", "main", "code"})
# Block text that is page furniture wherever it stands, matched against the whole block.
_FURNITURE = re.compile(
    r"""^\s*(?:
        advertisement\s*$ | anzeige\s*$ | werbung\s*$ | publicidad\s*$
      | story\ continues\ below\b | article\ continues\ below\b
      | click\ to\ play\ video\b | click\ (?:here|for)\b | get\ (?:the|fox)\b.*\b(?:app|clicking\ here)\b
      | (?:read|see|watch|listen|more|related|also|don'?t\ miss|recommended|trending|popular|explore)
        (?:\ (?:more|also|next|further|now|on|this|stories|articles|coverage|content|links|reading|videos?))*
        \s*(?::|\||$)
      | (?:more|latest)\ (?:from|on|about)\b.{0,60}$
      | (?:you\ (?:may|might)\ (?:also\ )?like|most\ (?:read|popular|viewed|shared))\b
      | filed\ under\s*:
      | citation\s*:.*\bretrieved\b
      | follow\ (?:us|@|\w+'s\ (?:full\ )?coverage)\b
      | (?:sign\ up|subscribe|register)\b.{0,120}\b(?:newsletters?|youtube|channel|podcast|inbox|alerts)\b
      | subscribe\ to\b
      | if\ you\ (?:enjoyed|liked)\ this\ (?:article|story|post)\b
      | (?:this\ (?:article|story)\ (?:was\ )?(?:originally\ )?(?:first\ )?(?:published|appeared))\b
      | (?:share|teilen|partager)\ (?:this|on|via)\b.{0,40}$
      | (?:photo|image|picture|video|graphic|foto|bild)s?\ ?(?:credit|by)?\s*:.{0,120}$
      | (?:©|copyright\b|\(c\)\ ).{0,120}$
      | .{0,80}\ball\ rights\ reserved\b.{0,40}$
      | (?:we|this\ (?:site|website))\ uses?\ cookies\b
      | if\ you\ buy\ something\ through\b
      | explore\ further\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A block in sentences: what the extractor's precise pass may not drop on its own (see _precise_drops).
_SENTENCE_END = re.compile(r"[.!?。！？…\"'”’)]\s*$")
_WORD = re.compile(r"\w")
# A block at least this much inside links is a link (a related headline), unless it is a sentence.
LINKED_SHARE = 0.8
# A link block that ends like a sentence but is only this many words is still a headline.
PROSE_WORDS = 12


@dataclass(frozen=True)
class Page:
    """An HTML page's article text, the spans of it left out of chunks, and the page's metadata."""

    text: str
    left_out: tuple[tuple[int, int], ...]
    title: str = ""
    outlet: str = ""
    authors: str = ""
    published: str = ""
    url: str = ""
    language: str = ""


@dataclass(frozen=True)
class _Block:
    kind: str  # head, p, item, row, quote, cell
    text: str
    linked: float  # share of the text's characters inside links
    group: int  # the items of one list or the rows of one table share a group (one newline between)


def _clean(raw: str) -> str:
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _blocks(main: _Element) -> list[_Block]:
    """The blocks of trafilatura's <main>, in order; text inside links is counted per block."""
    out: list[_Block] = []
    buf: list[str] = []
    linked = [0]
    group = [0]

    def flush(kind: str) -> None:
        text = _clean("".join(buf))
        share = min(1.0, linked[0] / max(len(text), 1))
        buf.clear()
        linked[0] = 0
        if text:
            out.append(_Block(kind, text, share, group[0]))

    def inline(el: _Element, in_link: bool) -> None:
        if el.text:
            buf.append(el.text)
            if in_link:
                linked[0] += len(" ".join(el.text.split()))

    def walk(el: _Element, kind: str, in_link: bool = False) -> None:
        inline(el, in_link)
        for child in el:
            tag = str(child.tag)
            if tag == "row":
                flush(kind)
                cells = [_clean(" ".join("".join(c.itertext()).split())) for c in child if c.tag == "cell"]
                text = " | ".join(c for c in cells if c)
                refs = sum(len(" ".join("".join(r.itertext()).split())) for r in child.iter("ref"))
                if text:
                    out.append(_Block("row", text, min(1.0, refs / len(text)), group[0]))
            elif tag in _BLOCK_TAGS:
                flush(kind)
                if tag in ("list", "table"):
                    group[0] += 1
                walk(child, tag if tag in ("p", "head", "item", "quote", "cell") else kind, in_link)
                flush(tag if tag in ("p", "head", "item", "quote", "cell") else kind)
                if tag in ("list", "table"):
                    group[0] += 1
            elif tag == "lb":
                buf.append("\n")
            else:
                walk(child, kind, in_link or tag == "ref")
            if child.tail:
                buf.append(child.tail)
        return None

    walk(main, "p")
    flush("p")
    return out


def _extract_xml(html: str, url: str | None, precise: bool) -> _Element | None:
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(
        html,
        url=url,
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_links=True,
        include_images=False,
        favor_precision=precise,
        with_metadata=False,
    )
    if not xml:
        return None
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    return main


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).split()).casefold()


def _is_prose(block: _Block) -> bool:
    return bool(_SENTENCE_END.search(block.text)) and len(block.text.split()) >= PROSE_WORDS


def _furniture(blocks: list[_Block], precise: set[str] | None, title: str) -> list[bool]:
    """For each block: True when it is page furniture, to be left out of the chunks."""
    out = [False] * len(blocks)
    title_key = _norm(title)
    links = _link_runs(blocks)
    for i, block in enumerate(blocks):
        text = block.text
        patterned = not _WORD.search(text) or bool(_FURNITURE.match(text)) or is_furniture_text(text)
        # The headline repeated at the top of the body: the title is held in metadata.
        headline = i < 3 and bool(title_key) and bool(_norm(text)) and _is_title(_norm(text), title_key)
        if patterned or headline or links[i]:
            out[i] = True
        # What only the extractor's recall pass kept is trusted when it is prose (or a heading of
        # prose, below); the precise pass's other drops are menus, promos and link lists.
        elif precise is not None and text not in precise and block.kind not in ("head", "row"):
            out[i] = not _is_prose(block) and not _in_kept_group(blocks, i, precise)
    # A heading whose section holds nothing but furniture ("Related stories", "Something to consider").
    for i, block in enumerate(blocks):
        if block.kind != "head" or out[i]:
            continue
        section = []
        for j in range(i + 1, len(blocks)):
            if blocks[j].kind == "head":
                break
            section.append(out[j])
        # A heading at the very end stays unless only the recall pass kept it.
        if (section and all(section)) or (not section and precise is not None and block.text not in precise):
            out[i] = True
    return out


def _link_runs(blocks: list[_Block]) -> list[bool]:
    """Blocks that are related-link lists: two or more link blocks in a row, or a list of links only.

    A lone link among paragraphs stays: it may be a sentence, a product's name or a source.
    """
    link = [b.linked >= LINKED_SHARE and not _is_prose(b) and b.kind in ("p", "item") for b in blocks]
    out = [False] * len(blocks)
    for i, is_link in enumerate(link):
        if not is_link:
            continue
        beside = (i > 0 and link[i - 1]) or (i + 1 < len(blocks) and link[i + 1])
        same_list = [j for j, b in enumerate(blocks) if b.kind == "item" and b.group == blocks[i].group]
        whole_list = blocks[i].kind == "item" and len(same_list) > 1 and all(link[j] for j in same_list)
        out[i] = beside or whole_list
    return out


def _in_kept_group(blocks: list[_Block], i: int, precise: set[str]) -> bool:
    # A list item or table row of a list the precise pass kept some of belongs with the others.
    group = blocks[i].group
    return blocks[i].kind in ("item", "cell") and any(
        b.group == group and b.text in precise for b in blocks if b is not blocks[i]
    )


def _is_title(text: str, title: str) -> bool:
    # Page titles carry the site's name ("Headline - Site", "Headline | Site"): a prefix will do.
    return text == title or (title.startswith(text) and len(text) >= 0.6 * len(title))


def _assemble(blocks: list[_Block], furniture: list[bool]) -> tuple[str, tuple[tuple[int, int], ...]]:
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    previous: _Block | None = None
    for block, left_out in zip(blocks, furniture, strict=True):
        if previous is not None:
            # The items of one list and the rows of one table are lines of one block.
            sep = "\n" if block.group == previous.group and block.kind in ("item", "row", "cell") else "\n\n"
            parts.append(sep)
            pos += len(sep)
        if left_out:
            spans.append((pos, pos + len(block.text)))
        parts.append(block.text)
        pos += len(block.text)
        previous = block
    return "".join(parts) + "\n", tuple(spans)


def extract_page(html: str, url: str | None = None) -> Page | None:
    """The page's article text, its furniture spans and its metadata; None when it holds no article."""
    main = _extract_xml(html, url, precise=False)
    if main is None:
        return None
    precise_main = _extract_xml(html, url, precise=True)
    precise = {b.text for b in _blocks(precise_main)} if precise_main is not None else set()
    meta = page_metadata(html, url)
    blocks = _blocks(main)
    if not blocks:
        return None
    text, left_out = _assemble(blocks, _furniture(blocks, precise, meta["title"]))
    return Page(text=text, left_out=left_out, **meta)


# -- metadata -----------------------------------------------------------------------------------


def page_metadata(html: str, url: str | None = None) -> dict[str, str]:
    """Title, outlet, authors, published date (ISO), canonical URL and language of a page."""
    import trafilatura
    from lxml import html as lxml_html

    doc = trafilatura.extract_metadata(html, default_url=url)
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError):  # an empty document, or one lxml refuses
        tree = None
    page_url = _canonical(tree, url) or (doc.url if doc is not None else "") or url or ""
    outlet = ""
    if tree is not None:
        outlet = _meta_content(tree, "og:site_name") or _jsonld_publisher(tree)
    # Site names come as "@handle" or with a dangling separator ("The Jerusalem Post |").
    outlet = outlet.strip(" |-–—:·").lstrip("@").strip() or readable_domain(page_url)
    return {
        "title": (doc.title if doc is not None else "") or "",
        "outlet": outlet,
        "authors": (doc.author if doc is not None else "") or "",
        "published": _iso_date(doc.date if doc is not None else "") or "",
        "url": page_url,
        "language": _language(tree) if tree is not None else "",
    }


def _meta_content(tree: Any, name: str) -> str:
    for el in tree.xpath("//meta[@property=$n or @name=$n]", n=name):
        content = " ".join((el.get("content") or "").split())
        if content:
            return content
    return ""


def _jsonld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:  # many pages ship broken JSON-LD: it only ever adds a name
            continue
        todo = [data]
        while todo:
            item = todo.pop(0)
            if isinstance(item, list):
                todo.extend(item)
            elif isinstance(item, dict):
                yield item
                todo.extend(v for k, v in item.items() if k == "@graph")


def _jsonld_publisher(tree: Any) -> str:
    for obj in _jsonld_objects(tree):
        publisher = obj.get("publisher")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if (
            isinstance(publisher, dict)
            and isinstance(publisher.get("name"), str)
            and publisher["name"].strip()
        ):
            return " ".join(publisher["name"].split())
        if isinstance(publisher, str) and publisher.strip():
            return " ".join(publisher.split())
    return ""


def _canonical(tree: Any, url: str | None) -> str:
    if tree is None:
        return ""
    from urllib.parse import urljoin

    for href in [*tree.xpath('//link[@rel="canonical"]/@href'), _meta_content(tree, "og:url")]:
        href = str(href).strip()
        if href:
            absolute = urljoin(url or "", href)
            if absolute.startswith(("http://", "https://")):
                return absolute
    return ""


def readable_domain(url: str) -> str:
    """The registered domain of a URL as a name: "https://www.reuters.com/x" -> "Reuters"."""
    from urllib.parse import urlsplit

    from tld import get_tld

    host = (urlsplit(url).hostname or "") if "//" in url else url
    if not host:
        return ""
    try:
        res = get_tld(host, fix_protocol=True, as_object=True, fail_silently=True)
    except ValueError:
        res = None
    label = getattr(res, "domain", "") or host.removeprefix("www.").split(".")[0]
    return " ".join(part.capitalize() for part in re.split(r"[-_]+", label) if part)


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _iso_date(value: str | None) -> str:
    match = _ISO.match(value or "")
    return match.group(0) if match else ""


def _language(tree: Any) -> str:
    candidates = [
        *tree.xpath("/html/@lang"),
        *tree.xpath("/html/@xml:lang"),
        _meta_content(tree, "og:locale"),
        *tree.xpath('//meta[@http-equiv="content-language" or @http-equiv="Content-Language"]/@content'),
    ]
    for value in candidates:
        tag = str(value).strip().replace("_", "-").split(",")[0].split("-")[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", tag):
            return tag
    return ""
