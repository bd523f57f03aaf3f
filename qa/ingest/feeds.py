"""RSS and Atom feeds: telling a feed from a page, and listing the articles it links to, in order.

Parsed with lxml, not feedparser: qa only needs each item's link, which is a few lines of tree walking,
lxml is already installed and maintained (trafilatura parses every page with it), and its parser can
be locked down: no DTD loading, no entity expansion (no XXE, no "billion laughs"), no network.
feedparser would add a dependency for dates, enclosures and a dozen legacy dialects qa does not use.
A feed that is not well-formed XML is refused with one line rather than guessed at.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urljoin

from qa.errors import LoadError
from qa.ingest.urls import is_url

ATOM_NS = "http://www.w3.org/2005/Atom"
_FEED_ROOTS = frozenset({"rss", "feed", "RDF"})  # RSS 0.9x/2.0, Atom, RSS 1.0 (rdf:RDF)
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_SNIFF = 2048


class FeedError(LoadError):
    """A feed qa cannot read; the message names the feed and the reason in one line."""


def is_feed(body: bytes, content_type: str = "") -> bool:
    """True when the body is an RSS or Atom feed: served as one, or its root is <rss>, <feed> or <rdf:RDF>."""
    if content_type.split(";", 1)[0].strip().lower() in _FEED_TYPES:
        return True
    head = _COMMENT.sub(b"", body[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n"))
    found = _FIRST_ELEMENT.search(head)
    return found is not None and found.group(2).decode("ascii") in _FEED_ROOTS


def _local(tag: object) -> str:
    # Comments and processing instructions have a function as their tag; entities are skipped too.
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _item_link(item: Any) -> str:  # lxml elements: lxml ships no type stubs
    """An RSS item's link: <link> text (or an atom:link href), else a permalink <guid>, else rdf:about."""
    children = list(item)
    for child in children:
        if _local(child.tag) == "link":
            href = (child.text or "").strip() or (child.get("href") or "").strip()
            if href:
                return href
    for child in children:
        if _local(child.tag) == "guid" and (child.get("isPermaLink") or "true").strip().lower() != "false":
            href = (child.text or "").strip()
            if href:
                return href
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    return (about or "").strip()


def _entry_link(entry: Any) -> str:
    """An Atom entry's link: the first rel="alternate" (a link without rel is one), else the first href."""
    links = [c for c in entry if _local(c.tag) == "link" and (c.get("href") or "").strip()]
    for link in links:
        if (link.get("rel") or "alternate").strip().lower() == "alternate":
            return str(link.get("href")).strip()
    return str(links[0].get("href")).strip() if links else ""


def feed_links(body: bytes, feed_url: str, limit: int | None = None) -> list[str]:
    """The article URLs of an RSS or Atom feed, in feed order, absolute, without fragments, each once.

    Relative links are resolved against ``xml:base`` and the feed's own URL; links that are not
    http(s) are dropped; ``limit`` keeps the first N. Raises FeedError (one line) for a body that is
    not well-formed XML or not a feed.
    """
    from lxml import etree

    if not body.strip():
        raise FeedError(f"{feed_url}: the feed is empty.")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body, parser, base_url=feed_url)
    except etree.XMLSyntaxError as exc:
        reason = " ".join(str(exc).split())
        raise FeedError(f"{feed_url}: not a well-formed feed ({reason}).") from None
    if root is None:
        raise FeedError(f"{feed_url}: the feed is empty.")
    kind = _local(root.tag)
    if kind not in _FEED_ROOTS:
        raise FeedError(f"{feed_url}: not an RSS or Atom feed (its root element is <{kind}>).")
    links: dict[str, None] = {}
    for element in root.iter():
        name = _local(element.tag)
        if name == "entry" and element.tag == f"{{{ATOM_NS}}}entry":
            href = _entry_link(element)
        elif name == "item" and kind != "feed":
            href = _item_link(element)
        else:
            continue
        if not href:
            continue
        url = urldefrag(urljoin(element.base or feed_url, href)).url
        if is_url(url):
            links.setdefault(url, None)
            if limit is not None and len(links) >= limit:
                break
    return list(links)
