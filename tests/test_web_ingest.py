"""`qa ingest URL...`: pages and feeds from a server on 127.0.0.1, kept as snapshots, re-extracted offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.index.corpus import Corpus
from qa.index.manifest import Store
from qa.ingest.pipeline import WebInput, ingest
from tests.helpers.seeds import settings_for
from tests.helpers.web_server import ETAG, WebServer, _page

NOTES = "The council met on Tuesday and voted 7–2 for the footbridge, the clerk said in her notes.\n"


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server


def _snapshots(index: Path) -> dict[str, tuple[str, object]]:
    store = Store(index, readonly=True)
    try:
        return store.snapshots()  # type: ignore[return-value]
    finally:
        store.close()


def test_urls_and_paths_in_one_run_each_failure_one_line(web: WebServer, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(NOTES, encoding="utf-8")
    config = settings_for(tmp_path / "idx")
    urls = (web.url("/article.html"), web.url("/404"), web.url("/doc.pdf"), web.url("/loop/a"))
    report = ingest([tmp_path / "notes.txt"], config, web=WebInput(urls))
    assert len(report.added) == 2
    assert sorted(report.failed) == sorted(
        [
            f"{web.url('/404')}: HTTP 404",
            f"{web.url('/doc.pdf')}: not a web page: application/pdf",
            f"{web.url('/loop/a')}: redirect loop",
        ]
    )
    with Corpus(config) as corpus:
        page = next(a for a in map(corpus.store.article, report.added) if a and a.source.startswith("http"))
        assert page.source == web.url("/article.html")  # citations name the URL
        assert "voted 7–2 on Tuesday" in page.text and page.title == "Council approves the new bridge"
        assert page.language == "en" and page.url == web.url("/article.html")  # the page's metadata is kept
        assert not any("Home" in c.text or "© 2026" in c.text for c in corpus.store.doc_chunks([page.doc_id]))
    doc_id, snap = _snapshots(tmp_path / "idx")[web.url("/article.html")]
    assert doc_id == page.doc_id
    assert snap.body == _page("article.html") and snap.etag == ETAG and snap.status == 200  # type: ignore[attr-defined]


def test_the_same_url_again_is_a_conditional_request(web: WebServer, tmp_path: Path) -> None:
    config = settings_for(tmp_path / "idx")
    first = ingest([], config, web=WebInput((web.url("/article.html"),)))
    again = ingest([], config, web=WebInput((web.url("/article.html"),)))
    assert len(first.added) == 1 and again.unchanged == first.added and not again.failed
    sent = web.stats.headers["/article.html"][-1]
    assert sent.get("If-None-Match") == ETAG


def test_a_feed_brings_its_articles_up_to_the_limit(web: WebServer, tmp_path: Path) -> None:
    config = settings_for(tmp_path / "idx")
    report = ingest([], config, web=WebInput((web.url("/feed.rss"),), feed_limit=2))
    assert not report.failed and len(report.added) == 2
    with Corpus(config) as corpus:
        sources = sorted(s.source for s in corpus.store.sources())
    assert sources == [web.url("/article.html"), web.url("/second.html")]
    assert web.url("/feed.rss") not in _snapshots(tmp_path / "idx")  # a feed is a list, not an article


def test_reextract_needs_no_network(web: WebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = settings_for(tmp_path / "idx")
    assert ingest([], config, web=WebInput((web.url("/article.html"),))).added
    web.close()  # from here on, any request would fail
    assert ingest([], config, web=WebInput(reextract=True)).unchanged  # same extractor, same article

    import qa.ingest.web as web_ingest

    original = web_ingest.load_html_text

    def newer_extractor(*args: object, **kwargs: object) -> object:
        from dataclasses import replace

        article = original(*args, **kwargs)  # type: ignore[arg-type]
        return replace(article, title="Footbridge approved", sha256=article.sha256 + "-v2")

    monkeypatch.setattr(web_ingest, "load_html_text", newer_extractor)
    report = ingest([], config, web=WebInput(reextract=True))
    assert len(report.replaced) == 1 and not report.failed
    with Corpus(config) as corpus:
        assert corpus.store.article(report.replaced[0]).title == "Footbridge approved"  # type: ignore[union-attr]


def test_a_page_with_no_article_keeps_no_snapshot(web: WebServer, tmp_path: Path) -> None:
    web.routes["/empty.html"] = lambda h, q: h.reply(200, b"<html><body><nav>Home</nav></body></html>")
    config = settings_for(tmp_path / "idx")
    report = ingest([], config, web=WebInput((web.url("/empty.html"),)))
    assert report.failed == [f"{web.url('/empty.html')}: no article text found in the HTML"]
    assert _snapshots(tmp_path / "idx") == {}


def test_cli_urls_file_stdin_and_exit_code(run_cli, web: WebServer, tmp_path: Path, monkeypatch) -> None:
    index = str(tmp_path / "idx")
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# the desk's links\n{web.url('/article.html')}\n\n{web.url('/500')}  # flaky\n")
    code, out, err = run_cli("ingest", "--urls", str(listing), "--index", index, "--json")
    doc = json.loads(out)
    assert code == 1 and len(doc["added"]) == 1 and doc["failed"] == [f"{web.url('/500')}: HTTP 500"]
    assert err.strip().splitlines() == [f"error: {web.url('/500')}: HTTP 500"]
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(web.url("/second.html") + "\n"))
    code, out, err = run_cli("ingest", "-", "--index", index, "--json")
    assert code == 0 and len(json.loads(out)["added"]) == 1, err
    code, _, err = run_cli("ingest", "ftp://example.org/a.html", "--index", index)
    assert code == 1 and err.strip() == "error: ftp://example.org/a.html: not a valid URL"


def test_a_feed_listed_by_a_feed_is_not_followed(web: WebServer, tmp_path: Path) -> None:
    inner = web.url("/feed.atom")
    outer = f'<rss version="2.0"><channel><item><link>{inner}</link></item></channel></rss>'.encode()
    web.routes["/feeds.rss"] = lambda h, q: h.reply(200, outer, "application/rss+xml")
    report = ingest([], settings_for(tmp_path / "idx"), web=WebInput((web.url("/feeds.rss"),)))
    assert report.failed == [f"{inner}: a feed listed by a feed is not followed"] and not report.added


def test_plain_text_pages_are_articles_too(web: WebServer, tmp_path: Path) -> None:
    web.routes["/notes.txt"] = lambda h, q: h.reply(200, NOTES.encode(), "text/plain; charset=utf-8")
    config = settings_for(tmp_path / "idx")
    report = ingest([], config, web=WebInput((web.url("/notes.txt"),)))
    with Corpus(config) as corpus:
        article = corpus.store.article(report.added[0])
    assert article is not None and article.text == NOTES and article.source == web.url("/notes.txt")


def test_a_client_reset_leaves_stderr_clean(web: WebServer, capsys: pytest.CaptureFixture[str]) -> None:
    """CLI tests read stderr in-process: a client reset must not print the server's traceback there."""
    import socket
    import struct
    import time

    with socket.create_connection(web.server_address[:2]) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
    deadline = time.monotonic() + 2
    while web.stats.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the handler thread reads, gets the reset, and would print here
    assert capsys.readouterr().err == ""
