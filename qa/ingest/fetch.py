"""Fetching web pages for ingest: one keep-alive client, a few requests at once, every failure one line.

Built on httpx2, not httpx: httpx2 is the HTTP client qa already declares and the one openai 3.x sends
through, so the fetcher adds no second client library to keep patched (httpx only comes in with
chromadb). It is imported inside functions: ``qa --help`` must not pay for it.

Threads, not httpx2's AsyncClient: the callers (the ingest pipeline, the CLI's progress bar) are
synchronous, a run fetches tens of pages rather than thousands, and eight threads blocked on sockets
cost nothing next to the embedder; httpx2's Client is shared (its connection pool takes a lock).
The main thread schedules: it starts a URL only while its host has fewer than ``per_host`` requests
running and fewer than ``parallel`` run in all, so a list that is mostly one site never leaves
another site's URLs waiting behind it. Redirects are followed here, not
by the client, so each hop holds its own host's slot and a loop is told apart from a long chain.
"""

from __future__ import annotations

import contextlib
import email.utils
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

from qa.ingest.charsets import decode_body
from qa.ingest.urls import WEB_SCHEMES, is_url

if TYPE_CHECKING:
    import httpx2

    from qa.config import Settings

# Media types qa can read: pages, feeds (which feeds.py turns into more pages) and plain text.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"})
TEXT_TYPES = frozenset({"text/plain"})
ACCEPTED_TYPES = HTML_TYPES | FEED_TYPES | TEXT_TYPES
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
)
_RETRY_STATUSES = frozenset({429, 503})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Validators:
    """What a server said about a page's version last time, for a conditional request."""

    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class FetchOptions:
    """How fetching behaves; ``from_settings`` fills the user's knobs, the rest are fixed politeness."""

    timeout: float = 20.0  # seconds, for connecting and for each read (QA_FETCH_TIMEOUT)
    max_file_mb: float = 20.0  # QA_MAX_FILE_MB: a larger body is refused
    per_host: int = 2  # requests in flight to one scheme://host:port
    parallel: int = 8  # requests in flight in all
    max_redirects: int = 10
    attempts: int = 3  # tries of one URL answered 429/503
    max_wait: float = 30.0  # seconds of backoff one URL may spend in all
    backoff: float = 1.0  # first wait when a 429/503 has no Retry-After; it doubles

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> FetchOptions:
        """Options from qa's settings (QA_FETCH_TIMEOUT, QA_MAX_FILE_MB), with any field overridden."""
        base = cls(timeout=settings.fetch_timeout, max_file_mb=settings.max_file_mb)
        return replace(base, **overrides) if overrides else base


@dataclass(frozen=True)
class Fetched:
    """A page that came back: its bytes, its text and where it really came from."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # media type only, lower case ("text/html"); "" for a 304
    charset: str  # the Python codec the text was decoded with; "" for a 304
    body: bytes
    text: str
    fetched_at: str  # ISO 8601 UTC, "2026-01-31T12:00:00Z"
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False  # a 304: the page is as it was when ``previous`` was recorded

    @property
    def validators(self) -> Validators:
        """What to pass back as ``previous[url]`` next time."""
        return Validators(self.etag, self.last_modified)

    @property
    def is_feed_type(self) -> bool:
        """True when the server calls it RSS, Atom or XML (feeds.is_feed also reads the body)."""
        return self.content_type in FEED_TYPES


@dataclass(frozen=True)
class FetchFailed:
    """A URL that gave no page; ``reason`` is one line (``HTTP 404``, ``timed out after 20 s``)."""

    url: str
    reason: str


FetchResult = Fetched | FetchFailed
Progress = Callable[[int, int, str], None]


def user_agent() -> str:
    """``qa/<version> python-httpx2/<version>``: who is asking, as servers' logs should show it."""
    import httpx2

    from qa import __version__

    try:
        from importlib.metadata import PackageNotFoundError, version

        ours = version("qa")
    except PackageNotFoundError:  # running from a source tree that was never installed
        ours = __version__
    return f"qa/{ours} python-httpx2/{httpx2.__version__}"


def fetch_all(
    urls: Sequence[str],
    options: FetchOptions,
    previous: Mapping[str, Validators] | None = None,
    on_progress: Progress | None = None,
) -> list[FetchResult]:
    """Fetch every distinct URL, a few at once; one result per URL in the order given, never raising for one.

    ``previous`` maps a URL to the validators of its last fetch, sent as If-None-Match /
    If-Modified-Since. ``on_progress(done, total, url)`` is called from this thread as each finishes.
    """
    import httpx2

    distinct = list(dict.fromkeys(urls))
    results: dict[str, FetchResult] = {}
    queues: dict[str, deque[str]] = {}
    for url in distinct:
        if is_url(url):
            queues.setdefault(_origin(url), deque()).append(url)
        else:
            results[url] = FetchFailed(url, "not a valid URL")
    total, done = len(distinct), 0
    for url in results:
        done += 1
        if on_progress:
            on_progress(done, total, url)
    if not queues:
        return [results[u] for u in distinct]
    slots = _HostSlots(options.per_host)
    client = _client(options)
    # Daemon threads fed by a queue rather than a ThreadPoolExecutor, whose workers the interpreter
    # joins at exit: after Ctrl-C a request stuck on a silent server would hold the exit for up to
    # QA_FETCH_TIMEOUT. A daemon worker is simply dropped with the process.
    tasks: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    finished: queue.SimpleQueue[tuple[str, FetchResult]] = queue.SimpleQueue()

    def work() -> None:
        while (url := tasks.get()) is not None:
            finished.put((url, _fetch_one(client, url, options, (previous or {}).get(url), slots)))

    workers = [
        threading.Thread(target=work, name=f"qa-fetch-{n}", daemon=True)
        for n in range(min(options.parallel, len(distinct) - len(results)))
    ]
    for worker in workers:
        worker.start()
    running: dict[str, str] = {}  # url -> its origin
    started: Counter[str] = Counter()

    def dispatch() -> None:
        # Round-robin over hosts, one URL each per pass, until every slot is taken or nothing can start.
        moved = True
        while moved and len(running) < options.parallel:
            moved = False
            for host in list(queues):
                if len(running) >= options.parallel:
                    break
                if started[host] < options.per_host:
                    url = queues[host].popleft()
                    tasks.put(url)
                    running[url] = host
                    started[host] += 1
                    moved = True
                if not queues[host]:
                    del queues[host]

    try:
        dispatch()
        while running:
            url, result = finished.get()
            started[running.pop(url)] -= 1
            results[url] = result
            done += 1
            if on_progress:
                on_progress(done, total, url)
            dispatch()
    finally:
        for _ in workers:
            tasks.put(None)
        # After Ctrl-C (or a failing progress callback) workers may still be mid-request; closing
        # the pool makes theirs fail fast where it can, and they exit at their next get().
        with contextlib.suppress(httpx2.HTTPError, OSError, RuntimeError):
            client.close()
    return [results[u] for u in distinct]


def fetch_one(url: str, options: FetchOptions, previous: Validators | None = None) -> FetchResult:
    """Fetch one URL (a feed, before its items are known) with the same rules as ``fetch_all``."""
    found = fetch_all([url], options, {url: previous} if previous else None)
    return found[0]


def _client(options: FetchOptions) -> httpx2.Client:
    import httpx2

    return httpx2.Client(
        headers={"User-Agent": user_agent(), "Accept": _ACCEPT},
        # One timeout for connect, each read, each write and waiting for a pooled connection.
        timeout=httpx2.Timeout(options.timeout),
        limits=httpx2.Limits(max_connections=options.parallel, max_keepalive_connections=options.parallel),
        follow_redirects=False,  # followed in _fetch, hop by hop
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    default = 443 if parts.scheme.lower() == "https" else 80
    try:
        port = parts.port or default
    except ValueError:
        port = default
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


class _HostSlots:
    """At most ``per_host`` requests to one origin at a time, across all worker threads."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}

    @contextlib.contextmanager
    def hold(self, url: str) -> Iterator[None]:
        """Wait for a free slot on ``url``'s host; hold it for the block."""
        key = _origin(url)
        with self._lock:
            semaphore = self._semaphores.setdefault(key, threading.BoundedSemaphore(self._per_host))
        with semaphore:
            yield


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _fetch_one(
    client: httpx2.Client, url: str, options: FetchOptions, previous: Validators | None, slots: _HostSlots
) -> FetchResult:
    """One URL to a result; every failure becomes a FetchFailed whose reason is one line."""
    import httpx2

    try:
        return _fetch(client, url, options, previous, slots)
    except httpx2.TimeoutException:
        return FetchFailed(url, f"timed out after {options.timeout:g} s")
    except httpx2.ConnectError as exc:
        return FetchFailed(url, f"cannot connect ({_one_line(exc)})")
    except (httpx2.InvalidURL, httpx2.UnsupportedProtocol):
        return FetchFailed(url, "not a valid URL")
    except httpx2.DecodingError as exc:
        return FetchFailed(url, f"cannot decode the compressed body ({_one_line(exc)})")
    except httpx2.ProtocolError as exc:
        return FetchFailed(url, f"bad HTTP response ({_one_line(exc)})")
    except httpx2.HTTPError as exc:
        return FetchFailed(url, f"connection failed ({_one_line(exc)})")
    except Exception as exc:
        # The last guard of "one bad URL never stops the rest": a library below httpx2 (idna, ssl,
        # h11) raising something unexpected for one odd server. Named, so it is not hidden.
        return FetchFailed(url, f"unexpected {type(exc).__name__} ({_one_line(exc)})")


def _fetch(
    client: httpx2.Client, url: str, options: FetchOptions, previous: Validators | None, slots: _HostSlots
) -> FetchResult:
    headers: dict[str, str] = {}
    if previous and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    current, seen, redirects, attempt, waited = url, {urldefrag(url).url}, 0, 1, 0.0
    while True:
        request = client.build_request("GET", current, headers=headers)
        with slots.hold(current):
            response = client.send(request, stream=True)
            try:
                status = response.status_code
                if status in _RETRY_STATUSES:
                    delay = _retry_delay(response.headers.get("Retry-After"), attempt, options)
                    if attempt >= options.attempts:
                        return FetchFailed(url, f"HTTP {status} after {attempt} attempts")
                    if waited + delay > options.max_wait:
                        wait_limit = f"over the {options.max_wait:g} s limit"
                        return FetchFailed(url, f"HTTP {status} (asked to wait {delay:.0f} s, {wait_limit})")
                    # The host's slot stays held while waiting: a server that asked for a pause gets one.
                    response.close()
                    time.sleep(delay)
                    waited += delay
                    attempt += 1
                    continue
                if response.has_redirect_location:
                    target = response.next_request
                    if target is None:
                        return FetchFailed(url, f"HTTP {status} with an unusable Location header")
                    redirects += 1
                    nxt = str(target.url)
                    key = urldefrag(nxt).url
                    if key in seen:
                        return FetchFailed(url, "redirect loop")
                    if redirects > options.max_redirects:
                        return FetchFailed(url, f"more than {options.max_redirects} redirects")
                    if target.url.scheme not in WEB_SCHEMES:
                        return FetchFailed(url, f"redirected to a non-web URL ({target.url.scheme}:)")
                    seen.add(key)
                    current = nxt
                    continue
                return _finish(url, response, options, previous)
            finally:
                response.close()


def _retry_delay(header: str | None, attempt: int, options: FetchOptions) -> float:
    """Seconds to wait before retrying: Retry-After (seconds or an HTTP date), else doubling backoff."""
    fallback = float(options.backoff * 2 ** (attempt - 1))
    if not header:
        return fallback
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return fallback
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _megabytes(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def _finish(
    url: str, response: httpx2.Response, options: FetchOptions, previous: Validators | None
) -> FetchResult:
    """The last hop's response (not a redirect, not to retry) to a result, reading at most the limit."""
    status = response.status_code
    etag = response.headers.get("ETag", "")
    modified = response.headers.get("Last-Modified", "")
    final = str(response.url)
    if status == 304:
        old = previous or Validators()
        return Fetched(
            url, final, status, "", "", b"", "", _now(), etag or old.etag, modified or old.last_modified, True
        )
    if not 200 <= status < 300:
        return FetchFailed(url, f"HTTP {status}")
    media = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if media and media not in ACCEPTED_TYPES:
        return FetchFailed(url, f"not a web page: {media}")
    limit = int(options.max_file_mb * 1_000_000)
    over = f"over the {options.max_file_mb:g} MB limit (QA_MAX_FILE_MB)"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        return FetchFailed(url, f"{_megabytes(int(declared))} is {over}")
    chunks: list[bytes] = []
    size = 0
    # Decoded bytes are counted (what would be stored), so a small gzip body that inflates past the
    # limit is stopped too; reading stops at the first chunk over it.
    for chunk in response.iter_bytes(_CHUNK):
        size += len(chunk)
        if size > limit:
            return FetchFailed(url, f"more than {_megabytes(limit)}: {over}")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not media:
        media = _sniff(body)
        if not media:
            return FetchFailed(url, "not a web page: no Content-Type and a binary body")
    text, charset = decode_body(body, response.charset_encoding)
    return Fetched(url, final, status, media, charset, body, text, _now(), etag, modified)


def _sniff(body: bytes) -> str:
    """A media type for a body served without one: markup, plain text, or "" for binary."""
    head = body[:1024]
    if b"\x00" in head:
        return ""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    if start.startswith(b"<?xml"):
        return "application/xml"
    if start.startswith(b"<"):
        return "text/html"
    return "text/plain"
