"""A small web server on 127.0.0.1 for the fetcher's tests: pages, feeds and every fault, counted server-side.

Keep-alive HTTP/1.1 (so connection reuse is visible), one thread per connection, and shared
``Stats`` so several servers (several "hosts") can measure the total requests in flight together.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.helpers.local_server import LocalServer

WEB = Path(__file__).resolve().parent.parent / "data" / "web"
ETAG = '"article-v1"'
LAST_MODIFIED = "Mon, 05 Jan 2026 10:00:00 GMT"
CAFE = "Le café était plein; une femme naïve, à côté de l'élève, a commandé un thé glacé. Voilà « très »."
MOSCOW = "Москва — столица России, крупнейший город страны. Здесь живёт более двенадцати миллионов человек."


@dataclass
class Stats:
    """What the server(s) saw: connections, requests by path, headers, and requests in flight."""

    connections: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    headers: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


Route = Callable[["Handler", dict[str, list[str]]], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection serves many requests
    disable_nagle_algorithm = True  # else the body waits for a delayed ACK, 40 ms a response
    server: WebServer

    def log_message(self, format: str, *args: object) -> None:  # quiet under pytest
        pass

    def setup(self) -> None:
        super().setup()
        for stats in self.server.all_stats:
            with stats.lock:
                stats.connections += 1

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        stats_list = self.server.all_stats
        for stats in stats_list:
            with stats.lock:
                stats.requests[parts.path] += 1
                stats.headers[parts.path].append(dict(self.headers))
                stats.in_flight += 1
                stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        try:
            if self.server.latency:
                time.sleep(self.server.latency)
            route = self.server.routes.get(parts.path)
            if route is None:
                self.reply(404, b"not found", "text/plain")
            else:
                route(self, parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading (a body over its limit)
        finally:
            for stats in stats_list:
                with stats.lock:
                    stats.in_flight -= 1

    def reply(
        self, status: int, body: bytes, content_type: str | None = "text/html; charset=utf-8", **headers: str
    ) -> None:
        """Send a whole response with its Content-Length."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, status: int, location: str) -> None:
        """A redirect with a short body, as real servers send."""
        self.reply(status, b"moved", "text/plain", Location=location)


class WebServer(LocalServer):
    """Routes by path; ``url(path)`` gives an address on it. Use as a context manager or call close()."""

    block_on_close = False  # a handler sleeping on /hang must not hold up the test's teardown

    def __init__(self, stats: Stats | None = None, shared: Stats | None = None, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.stats = stats or Stats()
        self.all_stats = [self.stats] + ([shared] if shared is not None else [])
        self.latency = latency
        self.stop = threading.Event()
        self.routes: dict[str, Route] = dict(_routes(self))
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        """``http://127.0.0.1:PORT`` + path."""
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def close(self) -> None:
        """Wake any sleeping handler, stop serving, free the port."""
        self.stop.set()
        self.shutdown()
        self.server_close()
        self._thread.join(5)

    def __enter__(self) -> WebServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _page(name: str) -> bytes:
    return (WEB / name).read_bytes()


def _endless(handler: Handler, content_type: str, declared: int | None) -> None:
    """A body that never ends (chunked) or claims ``declared`` bytes; written until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    if declared is None:
        handler.send_header("Transfer-Encoding", "chunked")
    else:
        handler.send_header("Content-Length", str(declared))
    handler.end_headers()
    piece = b"<p>" + b"filler " * 1400 + b"</p>\n"  # about 10 kB
    sent = 0
    while not handler.server.stop.is_set() and sent < (declared or 200_000_000):
        if declared is None:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        else:
            handler.wfile.write(piece[: declared - sent])
        sent += len(piece)
    handler.close_connection = True


def _routes(server: WebServer) -> dict[str, Route]:
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def article(h: Handler, q: dict[str, list[str]]) -> None:
        if h.headers.get("If-None-Match") == ETAG or h.headers.get("If-Modified-Since") == LAST_MODIFIED:
            h.send_response(304)
            h.send_header("ETag", ETAG)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.reply(200, _page("article.html"), ETag=ETAG, Last_Modified=LAST_MODIFIED)

    def busy(h: Handler, q: dict[str, list[str]]) -> None:
        # 429 (Retry-After in seconds) the first time per ?key=, then the page.
        key = q.get("key", ["x"])[0]
        with lock:
            calls[f"busy:{key}"] += 1
            first = calls[f"busy:{key}"] == 1
        if first:
            h.reply(429, b"slow down", "text/plain", Retry_After=q.get("after", ["1"])[0])
        else:
            h.reply(200, _page("article.html"))

    def unavailable(h: Handler, q: dict[str, list[str]]) -> None:
        h.reply(503, b"down", "text/plain")  # no Retry-After: the client's own backoff

    def hang(h: Handler, q: dict[str, list[str]]) -> None:
        server.stop.wait(10)  # accepts, reads the request, never answers
        h.close_connection = True

    def slow(h: Handler, q: dict[str, list[str]]) -> None:
        time.sleep(float(q.get("s", ["0.2"])[0]))
        h.reply(200, b"<html><body><p>slow page</p></body></html>")

    def chain(h: Handler, q: dict[str, list[str]]) -> None:
        n = int(q.get("n", ["0"])[0])
        h.redirect(302, f"/chain?n={n + 1}")  # never the same URL twice, never an end

    def ua(h: Handler, q: dict[str, list[str]]) -> None:
        h.reply(200, f"<html><body><p>{h.headers.get('User-Agent')}</p></body></html>".encode())

    def gzipped(h: Handler, q: dict[str, list[str]]) -> None:
        h.reply(200, gzip.compress(_page("article.html")), Content_Encoding="gzip")

    latin = f"<html><head><title>Café</title></head><body><p>{CAFE}</p><p>{CAFE}</p></body></html>"
    cyrillic = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        f"<title>Москва</title></head><body><p>{MOSCOW}</p></body></html>"
    )
    return {
        "/article.html": article,
        "/second.html": lambda h, q: h.reply(200, _page("second.html")),
        "/notes.txt": lambda h, q: h.reply(200, b"Plain notes.\n", "text/plain"),
        "/feed.rss": lambda h, q: h.reply(200, _page("feed.rss"), "application/rss+xml"),
        "/feed.atom": lambda h, q: h.reply(200, _page("feed.atom"), "application/atom+xml; charset=utf-8"),
        "/feed.xml": lambda h, q: h.reply(200, _page("feed.rss"), "text/xml"),
        "/broken.rss": lambda h, q: h.reply(200, b"<rss><channel><item><link>x</item></rss>", "text/xml"),
        "/404": lambda h, q: h.reply(404, b"gone", "text/plain"),
        "/500": lambda h, q: h.reply(500, b"oops", "text/plain"),
        "/hang": hang,
        "/slow": slow,
        "/loop/a": lambda h, q: h.redirect(302, "/loop/b"),
        "/loop/b": lambda h, q: h.redirect(302, "/loop/a"),
        "/chain": chain,
        "/moved": lambda h, q: h.redirect(301, "/article.html"),
        "/doc.pdf": lambda h, q: h.reply(200, b"%PDF-1.7\n\x00\x01binary", "application/pdf"),
        "/blob": lambda h, q: h.reply(200, bytes(range(256)), "application/octet-stream"),
        "/untyped": lambda h, q: h.reply(200, bytes(range(256)), None),
        "/big-declared": lambda h, q: _endless(h, "text/html", 45_000_000),
        "/big-chunked": lambda h, q: _endless(h, "text/html", None),
        "/latin1": lambda h, q: h.reply(200, latin.encode("cp1252")),
        "/cyrillic": lambda h, q: h.reply(200, cyrillic.encode("cp1251"), "text/html"),
        "/gzip": gzipped,
        "/busy": busy,
        "/unavailable": unavailable,
        "/ua": ua,
    }
