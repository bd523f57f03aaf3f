"""The web fetcher against a real local server: pages, every fault as one line, limits, politeness."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from qa.config import load_settings
from qa.ingest.charsets import decode_body
from qa.ingest.fetch import (
    Fetched,
    FetchFailed,
    FetchOptions,
    FetchResult,
    Validators,
    _retry_delay,
    fetch_all,
    fetch_one,
    user_agent,
)
from tests.helpers.web_server import CAFE, ETAG, LAST_MODIFIED, MOSCOW, WEB, Stats, WebServer

# Short timeouts and waits keep every test well under a second or two.
FAST = FetchOptions(timeout=2.0, max_file_mb=1.0, max_wait=3.0, backoff=0.05)


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server


def _get(web: WebServer, path: str, options: FetchOptions = FAST) -> FetchResult:
    return fetch_one(web.url(path), options)


def _page(result: FetchResult) -> Fetched:
    assert isinstance(result, Fetched), result
    return result


def _reason(result: FetchResult) -> str:
    assert isinstance(result, FetchFailed), result
    assert "\n" not in result.reason and "Traceback" not in result.reason
    return result.reason


def test_a_page_comes_back_with_its_text_headers_and_time(web: WebServer):
    page = _page(_get(web, "/article.html"))
    assert page.status == 200 and page.url == page.final_url == web.url("/article.html")
    assert (page.content_type, page.charset) == ("text/html", "utf-8")
    assert page.body == (WEB / "article.html").read_bytes()
    assert "€4.5 million" in page.text and "“It connects" in page.text
    assert (page.etag, page.last_modified, page.not_modified) == (ETAG, LAST_MODIFIED, False)
    assert page.fetched_at.endswith("Z") and page.fetched_at[:2] == "20"


def test_plain_text_and_feeds_are_accepted(web: WebServer):
    assert _page(_get(web, "/notes.txt")).content_type == "text/plain"
    rss = _page(_get(web, "/feed.rss"))
    assert rss.content_type == "application/rss+xml" and rss.is_feed_type
    assert _page(_get(web, "/feed.atom")).is_feed_type
    assert _page(_get(web, "/feed.xml")).content_type == "text/xml"


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/404", "HTTP 404"),
        ("/500", "HTTP 500"),
        ("/nowhere", "HTTP 404"),
        ("/loop/a", "redirect loop"),
        ("/chain", "more than 10 redirects"),
        ("/doc.pdf", "not a web page: application/pdf"),
        ("/blob", "not a web page: application/octet-stream"),
        ("/untyped", "not a web page: no Content-Type and a binary body"),
    ],
)
def test_each_fault_is_one_line(web: WebServer, path: str, reason: str):
    assert _reason(_get(web, path)) == reason


def test_a_server_that_never_answers_times_out(web: WebServer):
    start = time.perf_counter()
    assert _reason(_get(web, "/hang", replace(FAST, timeout=0.5))) == "timed out after 0.5 s"
    assert time.perf_counter() - start < 2


def test_a_closed_port_cannot_connect():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reason = _reason(fetch_one(f"http://127.0.0.1:{port}/", FAST))
    assert reason.startswith("cannot connect (") and reason.endswith(")")


@pytest.mark.parametrize("url", ["not a url", "ftp://example.com/x", "http://", "http://exa mple.com/", ""])
def test_a_bad_url_is_not_fetched(url: str):
    assert fetch_all([url], FAST) == [FetchFailed(url, "not a valid URL")]


def test_a_301_is_followed_to_the_page(web: WebServer):
    page = _page(_get(web, "/moved"))
    assert page.url == web.url("/moved") and page.final_url == web.url("/article.html")
    assert web.stats.requests["/article.html"] == 1


def test_redirect_limit_is_a_parameter(web: WebServer):
    assert _reason(_get(web, "/chain", replace(FAST, max_redirects=3))) == "more than 3 redirects"
    assert web.stats.requests["/chain"] == 4  # the first request and three redirects, then it stops


def test_a_declared_length_over_the_limit_is_refused_before_reading(web: WebServer):
    options = replace(FAST, max_file_mb=20)
    assert _reason(_get(web, "/big-declared", options)) == "45.0 MB is over the 20 MB limit (QA_MAX_FILE_MB)"


def test_an_endless_stream_is_stopped_at_the_limit(web: WebServer):
    start = time.perf_counter()
    reason = _reason(_get(web, "/big-chunked", replace(FAST, max_file_mb=0.2)))
    assert reason == "more than 0.2 MB: over the 0.2 MB limit (QA_MAX_FILE_MB)"
    assert time.perf_counter() - start < 2


def test_a_gzip_body_is_decoded(web: WebServer):
    page = _page(_get(web, "/gzip"))
    assert page.body == (WEB / "article.html").read_bytes() and "€4.5 million" in page.text
    assert "gzip" in web.stats.headers["/gzip"][0]["Accept-Encoding"]


def test_a_gzip_body_over_the_limit_once_inflated_is_stopped(web: WebServer):
    web.routes["/bomb"] = lambda h, q: h.reply(200, gzip.compress(b" " * 3_000_000), Content_Encoding="gzip")
    assert "over the 1 MB limit" in _reason(_get(web, "/bomb"))


def test_a_wrong_declared_charset_falls_back_to_what_the_bytes_are(web: WebServer):
    page = _page(_get(web, "/latin1"))  # the header says utf-8; the body is windows-1252
    assert page.charset == "cp1252" and CAFE in page.text and "\ufffd" not in page.text


def test_the_meta_charset_is_read_when_the_header_has_none(web: WebServer):
    page = _page(_get(web, "/cyrillic"))
    assert page.charset == "cp1251" and MOSCOW in page.text


def test_charset_rules():
    assert decode_body("naïve".encode(), "utf-8") == ("naïve", "utf-8")
    assert decode_body("naïve".encode("cp1252"), "iso-8859-1") == ("naïve", "cp1252")  # WHATWG: 1252
    assert decode_body(b'<?xml version="1.0" encoding="koi8-r"?><a>\xcd\xcf\xd3</a>', None)[1] == "koi8-r"
    assert decode_body("\ufeffbom".encode(), "cp1252") == ("bom", "utf-8-sig")  # a BOM wins
    assert decode_body(b"plain ascii", None) == ("plain ascii", "utf-8")
    # One stray byte in a long UTF-8 page does not make it a Latin page.
    text, codec = decode_body(("é" * 2000).encode() + b"\xff", "utf-8")
    assert codec == "utf-8" and text.startswith("éé") and text.endswith("\ufffd")
    assert decode_body(b"", "no-such-charset") == ("", "utf-8")


def test_429_with_retry_after_is_retried_then_succeeds(web: WebServer):
    start = time.perf_counter()
    page = _page(_get(web, "/busy?key=a&after=1"))
    assert page.status == 200 and web.stats.requests["/busy"] == 2
    assert 0.9 < time.perf_counter() - start < 2.5


def test_503_gives_up_after_the_attempts(web: WebServer):
    assert _reason(_get(web, "/unavailable")) == "HTTP 503 after 3 attempts"
    assert web.stats.requests["/unavailable"] == 3


def test_a_retry_after_over_the_wait_limit_is_not_waited_for(web: WebServer):
    start = time.perf_counter()
    reason = _reason(_get(web, "/busy?key=b&after=3600"))
    assert reason == "HTTP 429 (asked to wait 3600 s, over the 3 s limit)"
    assert time.perf_counter() - start < 1


def test_retry_after_as_an_http_date_and_the_fallback_backoff():
    options = FetchOptions(backoff=0.5)
    assert _retry_delay("120", 1, options) == 120
    assert _retry_delay(None, 1, options) == 0.5 and _retry_delay("soon", 3, options) == 2.0
    assert _retry_delay("Wed, 21 Oct 2015 07:28:00 GMT", 1, options) == 0  # in the past: now
    in_a_minute = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    assert 55 < _retry_delay(in_a_minute, 1, options) <= 60


def test_a_conditional_request_gets_not_modified(web: WebServer):
    url = web.url("/article.html")
    first = _page(fetch_one(url, FAST))
    again = _page(fetch_one(url, FAST, first.validators))
    assert again.not_modified and again.status == 304 and again.body == b"" and again.etag == ETAG
    sent = web.stats.headers["/article.html"][1]
    assert sent["If-None-Match"] == ETAG and sent["If-Modified-Since"] == LAST_MODIFIED
    only_date = _page(fetch_all([url], FAST, {url: Validators(last_modified=LAST_MODIFIED)})[0])
    assert only_date.not_modified and only_date.last_modified == LAST_MODIFIED
    assert "If-None-Match" not in web.stats.headers["/article.html"][0]


def test_the_user_agent_names_qa_and_its_version(web: WebServer):
    page = _page(_get(web, "/ua"))
    assert user_agent() in page.text
    assert user_agent().startswith("qa/0.") and "python-httpx2/" in user_agent()


def test_one_failure_does_not_stop_the_others_and_order_is_kept(web: WebServer):
    paths = ["/404", "/article.html", "/hang", "/doc.pdf", "/second.html", "/article.html"]
    seen: list[tuple[int, int, str]] = []
    results = fetch_all(
        [web.url(p) for p in paths] + ["nope"],
        replace(FAST, timeout=0.5),
        on_progress=lambda done, total, url: seen.append((done, total, url)),
    )
    # The duplicate is fetched once; results follow the input order, not completion order.
    assert [r.url for r in results] == [web.url(p) for p in paths[:5]] + ["nope"]
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["FetchFailed", "Fetched", "FetchFailed", "FetchFailed", "Fetched", "FetchFailed"]
    assert [d for d, _, _ in seen] == [1, 2, 3, 4, 5, 6] and {t for _, t, _ in seen} == {6}
    assert web.stats.requests["/article.html"] == 1


def test_connections_are_kept_alive(web: WebServer):
    urls = [web.url(f"/article.html?n={n}") for n in range(12)]
    results = fetch_all(urls, FAST)
    assert all(isinstance(r, Fetched) for r in results)
    assert web.stats.requests["/article.html"] == 12
    assert web.stats.connections <= 2  # at most per_host connections, each reused


def test_parallelism_is_capped_per_host_and_in_all():
    shared = Stats()
    servers = [WebServer(shared=shared) for _ in range(5)]
    try:
        urls = [s.url(f"/slow?s=0.15&n={n}") for s in servers for n in range(4)]
        start = time.perf_counter()
        results = fetch_all(urls, FAST)
        elapsed = time.perf_counter() - start
        assert all(isinstance(r, Fetched) for r in results)
        assert all(s.stats.max_in_flight == 2 for s in servers)  # per host: 2, and reached
        assert shared.max_in_flight == 8  # in all: 8, and reached (5 hosts x 2 would be 10)
        assert elapsed < 20 * 0.15 / 2  # well under one at a time
    finally:
        for s in servers:
            s.close()


def test_one_busy_host_does_not_hold_up_another():
    with WebServer() as busy, WebServer() as quiet:
        urls = [busy.url(f"/slow?s=0.2&n={n}") for n in range(8)] + [quiet.url("/article.html")]
        finished: list[str] = []
        fetch_all(urls, FAST, on_progress=lambda done, total, url: finished.append(url))
        assert finished.index(quiet.url("/article.html")) < 3


def test_options_come_from_the_settings():
    settings = load_settings(env={"QA_FETCH_TIMEOUT": "7.5", "QA_MAX_FILE_MB": "3"}, dotenv=None)
    options = FetchOptions.from_settings(settings, per_host=1)
    assert (options.timeout, options.max_file_mb, options.per_host, options.parallel) == (7.5, 3.0, 1, 8)
    assert FetchOptions.from_settings(load_settings(env={}, dotenv=None)).timeout == 20.0


def test_an_interrupted_run_returns_at_once_not_after_the_timeouts(web: WebServer):
    # What Ctrl-C does: the exception leaves fetch_all while requests are still in flight.
    def stop(done: int, total: int, url: str) -> None:
        raise KeyboardInterrupt

    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        fetch_all([web.url("/article.html")] + [web.url(f"/hang?n={n}") for n in range(4)], FAST, None, stop)
    assert time.perf_counter() - start < 1
