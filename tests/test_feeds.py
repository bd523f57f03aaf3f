"""RSS and Atom feeds to article links, --urls list files, and telling a URL from a path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.errors import LoadError
from qa.ingest.feeds import FeedError, feed_links, is_feed
from qa.ingest.fetch import Fetched, FetchOptions, fetch_one
from qa.ingest.urls import is_url, read_url_list
from tests.helpers.web_server import WEB, WebServer

FEED_URL = "https://paper.example/feeds/main.rss"


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server


def test_rss_links_in_order_resolved_deduplicated_and_web_only():
    assert feed_links((WEB / "feed.rss").read_bytes(), FEED_URL) == [
        "https://paper.example/article.html",
        "https://paper.example/feeds/second.html",  # relative to the feed; the #fragment dropped
        "https://paper.example/2026/01/guid-only",  # a guid is a permalink unless it says otherwise
        "https://other.example/story?id=5",  # the repeated link is kept once, mailto: dropped
    ]


def test_atom_prefers_the_alternate_link_and_honours_xml_base():
    assert feed_links((WEB / "feed.atom").read_bytes(), "https://paper.example/feed.atom") == [
        "https://paper.example/article.html",  # rel="alternate", not the earlier rel="edit"
        "https://paper.example/news/second.html",  # no rel is alternate; relative to xml:base /news/
        "https://cdn.example/audio.mp3",  # no alternate at all: the first link
    ]


def test_limit_keeps_the_first_n():
    body = (WEB / "feed.rss").read_bytes()
    assert feed_links(body, FEED_URL, limit=2) == feed_links(body, FEED_URL)[:2]


def test_rss_1_0_rdf_items():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://paper.example/"><title>t</title><link>https://paper.example/</link></channel>
<item rdf:about="https://paper.example/a"><title>A</title><link>https://paper.example/a</link></item>
<item rdf:about="https://paper.example/b"><title>B</title></item>
</rdf:RDF>"""
    assert feed_links(body, FEED_URL) == ["https://paper.example/a", "https://paper.example/b"]


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"<rss><channel><item><link>x</item></rss>", "not a well-formed feed ("),
        (b"", "the feed is empty"),
        (b"<html><body>hi</body></html>", "not an RSS or Atom feed (its root element is <html>)"),
    ],
)
def test_a_bad_feed_is_one_line(body: bytes, reason: str):
    with pytest.raises(FeedError) as caught:
        feed_links(body, FEED_URL)
    message = str(caught.value)
    assert message.startswith(FEED_URL + ": ") and reason in message and "\n" not in message
    assert isinstance(caught.value, LoadError)


def test_entities_are_never_expanded_nor_files_read(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("https://evil.example/leaked", encoding="utf-8")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}"><!ENTITY a "https://paper.example/a">]>
<rss><channel><item><link>&x;</link></item><item><link>&a;</link></item>
<item><link>https://paper.example/plain</link></item></channel></rss>""".encode()
    assert feed_links(xxe, FEED_URL) == ["https://paper.example/plain"]
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY l "lol"><!ENTITY l1 "&l;&l;&l;&l;&l;&l;&l;&l;&l;&l;">
<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;"><!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">]>
<rss><channel><item><link>&l3;</link></item></channel></rss>"""
    assert feed_links(laughs, FEED_URL) == []


def test_is_feed_by_type_or_by_root_element():
    rss, atom = (WEB / "feed.rss").read_bytes(), (WEB / "feed.atom").read_bytes()
    assert is_feed(rss, "text/xml") and is_feed(atom, "application/xml") and is_feed(rss)
    assert is_feed(b"anything", "application/rss+xml; charset=utf-8")
    assert is_feed(b"\xef\xbb\xbf<!-- <html> --><!DOCTYPE x><rdf:RDF xmlns:rdf='r'/>")
    assert not is_feed((WEB / "article.html").read_bytes(), "text/html")
    assert not is_feed(b'<?xml version="1.0"?><sitemap/>', "application/xml")
    assert not is_feed(b"plain text", "text/plain")


def test_a_fetched_feed_gives_links_on_its_server(web: WebServer):
    page = fetch_one(web.url("/feed.atom"), FetchOptions(timeout=2))
    assert isinstance(page, Fetched) and is_feed(page.body, page.content_type)
    links = feed_links(page.body, page.final_url)
    assert links[:2] == [web.url("/article.html"), web.url("/news/second.html")]
    assert isinstance(fetch_one(links[0], FetchOptions(timeout=2)), Fetched)


@pytest.mark.parametrize(
    "arg, expected",
    [
        ("https://paper.example/a?b=1#c", True),
        ("HTTP://PAPER.EXAMPLE", True),
        ("http://127.0.0.1:8080/x", True),
        ("http://[::1]:8080/", True),
        ("ftp://paper.example/a", False),
        ("paper.example/a", False),
        ("articles/a.html", False),
        ("C:\\news\\a.html", False),
        ("http://", False),
        ("http://host:99999/", False),
        ("http://host:port/", False),
        ("http://exa mple.com/", False),
        (" https://paper.example/", False),
        ("", False),
    ],
)
def test_is_url(arg: str, expected: bool):
    assert is_url(arg) is expected


def test_url_list_skips_blanks_and_comments(tmp_path: Path):
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "\ufeff# today's reading\n\nhttps://a.example/1\n  https://a.example/2#part   # the second\n"
        "https://a.example/1\n\t\n",
        encoding="utf-8",
    )
    assert read_url_list(listing) == ["https://a.example/1", "https://a.example/2#part"]


def test_a_bad_line_names_the_file_and_line(tmp_path: Path):
    listing = tmp_path / "urls.txt"
    listing.write_text("https://a.example/1\n# fine\nnot-a-url\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"urls\.txt line 3: not an http\(s\) URL: 'not-a-url'\.$"):
        read_url_list(listing)
    with pytest.raises(LoadError, match=r"missing\.txt: cannot read \("):
        read_url_list(tmp_path / "missing.txt")
    listing.write_bytes(b"https://a.example/1\n\xff\n")
    with pytest.raises(LoadError, match=r"urls\.txt line 2: not valid UTF-8"):
        read_url_list(listing)
