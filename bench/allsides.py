"""Convert the AllSides events corpus into qa's JSONL article format.

The corpus (``../shared/corpora/allsides/events.jsonl``, from the NeuS authors' public
repository) holds one news event per line: ``id``, ``issue``, ``date`` and ``news``, a
mapping of stance (``left``/``center``/``right``) to one outlet's article, whose body
``newBody`` is a list of paragraph strings.

Each article becomes one line of qa's ``.jsonl`` ingest format::

    {"id": "as-<event id>-<stance>", "title": ..., "outlet": ..., "published": "YYYY-MM-DD",
     "url": ..., "text": "<paragraphs joined by a blank line>"}

The ``text`` built here is the reference text: evidence quotes in the AllSides question
sets must be verbatim substrings of it, so never change how it is built without
re-validating ``eval/allsides_questions.jsonl`` and ``bench/data/allsides_questions.jsonl``.

Usage::

    python bench/allsides.py OUT.jsonl [--events PATH] [--event-ids 5607,5610]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from qa.jsonl import read_objects

STANCES = ("left", "center", "right")
DEFAULT_EVENTS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "allsides" / "events.jsonl"


def load_events(path: str | Path) -> list[dict]:
    """Read the events file (one JSON object per line, blank lines ignored)."""
    return read_objects(path)


def article_id(event_id: object, stance: str) -> str:
    """The doc_id qa gives one outlet's article of one event."""
    return f"as-{event_id}-{stance}"


def article_text(paragraphs: Iterable[str] | str) -> str:
    """The article text: paragraphs joined by a blank line, each kept exactly as stored."""
    if isinstance(paragraphs, str):
        return paragraphs
    return "\n\n".join(paragraphs)


def to_articles(events: Iterable[dict]) -> Iterator[dict]:
    """Yield one qa article per (event, stance), stances in left/center/right order.

    Events without coverage (an empty ``news``) yield nothing; outlets with an empty body
    are skipped, since there is nothing to index or cite.
    """
    for event in events:
        news = event.get("news") or {}
        stances = [s for s in STANCES if s in news] + sorted(s for s in news if s not in STANCES)
        for stance in stances:
            item = news[stance] or {}
            text = article_text(item.get("newBody") or [])
            if not text.strip():
                continue
            yield {
                "id": article_id(event["id"], stance),
                "title": item.get("newsTitle") or "",
                "outlet": item.get("newsSource") or "",
                "published": str(event.get("date") or "")[:10],
                "url": item.get("newsLink") or "",
                "text": text,
            }


def write_jsonl(articles: Iterable[dict], out: str | Path) -> int:
    """Write articles one per line (UTF-8, characters kept as they are); return the count."""
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Convert AllSides events.jsonl into qa's JSONL article format."
    )
    parser.add_argument("out", help="output .jsonl path (one article per line)")
    parser.add_argument(
        "--events", default=str(DEFAULT_EVENTS), help=f"events.jsonl path (default: {DEFAULT_EVENTS})"
    )
    parser.add_argument("--event-ids", default="", help="comma-separated event ids to keep (default: all)")
    args = parser.parse_args(argv)
    try:
        events = load_events(args.events)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read events: {exc}", file=sys.stderr)
        return 1
    if args.event_ids:
        wanted = [part.strip() for part in args.event_ids.split(",") if part.strip()]
        by_id = {str(event["id"]): event for event in events}
        missing = [i for i in wanted if i not in by_id]
        if missing:
            print(f"error: unknown event ids: {', '.join(missing)}", file=sys.stderr)
            return 1
        events = [by_id[i] for i in wanted]
    count = write_jsonl(to_articles(events), args.out)
    print(f"wrote {count} articles from {len(events)} events to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
