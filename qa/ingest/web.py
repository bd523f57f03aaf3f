"""Articles from the web: URLs and feeds fetched, each page extracted and kept with its snapshot.

The pipeline commits an article and its snapshot in one transaction; this module only turns URLs
(or stored snapshots, for ``--reextract``) into articles, one line per URL that gives none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from qa.config import Settings
from qa.errors import LoadError
from qa.ingest.charsets import decode_body
from qa.ingest.feeds import feed_links, is_feed
from qa.ingest.fetch import TEXT_TYPES, Fetched, FetchFailed, FetchOptions, Validators, fetch_all
from qa.ingest.loaders import content_hash, load_html_text, url_doc_id
from qa.types import Article, Snapshot

FetchProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class WebItem:
    """What one URL gave: an article with its snapshot, a 304 for a stored one, or one error line."""

    url: str
    article: Article | None = None
    snapshot: Snapshot | None = None
    unchanged: str = ""  # the doc_id a 304 says is as stored
    error: str = ""


def fetch_articles(
    urls: Sequence[str],
    settings: Settings,
    stored: Mapping[str, tuple[str, Snapshot]],
    feed_limit: int | None = None,
    on_progress: FetchProgress | None = None,
    follow_feeds: bool = True,
) -> list[WebItem]:
    """Fetch pages and feeds (a feed's items are fetched in turn), in the order given, one item per page.

    ``stored`` maps a URL fetched before to (doc_id, snapshot): its validators make the request
    conditional, and a 304 gives an ``unchanged`` item.
    """
    options = FetchOptions.from_settings(settings)
    previous = {url: Validators(s.etag, s.last_modified) for url, (_, s) in stored.items()}
    items: list[WebItem] = []
    from_feeds: list[str] = []
    for result in fetch_all(urls, options, previous, on_progress):
        if isinstance(result, FetchFailed):
            items.append(WebItem(result.url, error=f"{result.url}: {result.reason}"))
        elif result.not_modified:
            items.append(WebItem(result.url, unchanged=stored[result.url][0]))
        elif not is_feed(result.body, result.content_type):
            items.append(page_item(snapshot_of(result), result.text))
        elif not follow_feeds:
            # Feeds list articles; a feed listed by a feed is not followed (no chains, no cycles).
            items.append(WebItem(result.url, error=f"{result.url}: a feed listed by a feed is not followed"))
        else:
            try:
                links = feed_links(result.body, result.final_url, feed_limit)
            except LoadError as exc:
                items.append(WebItem(result.url, error=str(exc)))
                continue
            if not links:
                items.append(WebItem(result.url, error=f"{result.url}: the feed lists no articles"))
            from_feeds.extend(link for link in links if link not in urls)
    if from_feeds:
        items += fetch_articles(list(dict.fromkeys(from_feeds)), settings, stored, None, on_progress, False)
    return items


def snapshot_of(page: Fetched) -> Snapshot:
    """The snapshot kept of a fetched page."""
    return Snapshot(
        page.url,
        page.final_url,
        page.fetched_at,
        page.status,
        page.content_type,
        page.charset,
        page.etag,
        page.last_modified,
        page.body,
    )


def page_item(snapshot: Snapshot, text: str | None = None, doc_id: str = "") -> WebItem:
    """The article of a fetched page (``text``: its decoded body, decoded from the snapshot if None;
    ``doc_id``: the one it is stored under, for a page fetched before)."""
    if text is None:
        text = decode_body(snapshot.body, snapshot.charset or None)[0]
    url = snapshot.url
    doc_id = doc_id or url_doc_id(url)
    try:
        if snapshot.content_type in TEXT_TYPES:
            article = _text_article(url, snapshot.final_url, text, doc_id)
        else:
            article = load_html_text(text, url, snapshot.final_url, origin=url, doc_id=doc_id)
    except LoadError as exc:
        return WebItem(url, error=str(exc))
    return WebItem(url, article=article, snapshot=snapshot)


def _text_article(url: str, final_url: str, text: str, doc_id: str) -> Article:
    if not text.strip():
        raise LoadError(f"{url}: the page is empty")
    meta = {"url": final_url}
    return Article(
        doc_id=doc_id,
        source=url,
        title="",
        outlet="",
        published="",
        url=final_url,
        text=text,
        sha256=content_hash(text, meta),
        origin=url,
    )


def reextract(stored: Mapping[str, tuple[str, Snapshot]]) -> list[WebItem]:
    """Every stored snapshot extracted again, with no network (after an extractor change)."""
    return [page_item(snapshot, doc_id=doc_id) for doc_id, snapshot in stored.values()]
