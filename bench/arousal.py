"""Benchmark: is the offline briefing calmer than the articles it briefs, and does it cite several outlets?

For each of ``n_events`` AllSides events (../shared/corpora/allsides/events.jsonl; the first
events, by file order, that have three outlets with text) the event's articles are ingested
into a fresh temporary index, ``qa summarize --offline`` is run on them, and three texts are
scored:

* ``sources``  — the articles themselves (every outlet's text, as ingested);
* ``briefing`` — the briefing body (its sentences; "Where the sources differ" is scored
  separately as ``briefing_all``, since it quotes charged words on purpose when they are the
  difference);
* ``lead``     — a baseline: the articles' first sentences, taken in turn from each outlet,
  up to the briefing's length. It shows what shortening alone does.

Measures (higher = more emotionally charged; all are means over events):

* ``vader_intensity`` — the independent arousal proxy: mean absolute valence per word,
  from the VADER lexicon (Hutto & Gilbert 2014; MIT licence, ``pip install vaderSentiment``),
  with words not in the lexicon counting 0. Emotional intensity in VADER's 0-4 scale tracks
  arousal (strongly positive or negative words are high-arousal words). The briefing
  selection never looks at VADER, so this measure is not circular. Reported as None when
  vaderSentiment is not installed.
* ``charged_rate`` — share of words in qa's own loaded-terms lexicon
  (qa/data/loaded_terms.txt). The extractive briefing avoids these words when it picks
  sentences, so this measure is partly circular: it shows the avoidance works, not that
  the briefing is calmer in general.

Each briefing must also cite at least two outlets (verified citations).

``--events`` also takes a qa JSONL of AllSides articles (ids ``as-<event>-<stance>``), such as the
in-project eval/allsides_sample.jsonl (4 events), which is what ``python -m bench --quick`` and the
smoke test use. ``python -m bench`` runs this as its ``arousal`` item.

Usage: ``python -m bench.arousal [N_EVENTS] [--words N] [--events PATH]`` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from statistics import mean
from typing import Any

from bench.allsides import DEFAULT_EVENTS, load_events, to_articles

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def vader_lexicon() -> dict[str, float] | None:
    """VADER's word -> valence (-4..4) table, or None when vaderSentiment is not installed."""
    try:
        from importlib import resources

        text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        return None
    table = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                table[parts[0].lower()] = float(parts[1])
            except ValueError:
                continue
    return table


def vader_intensity(text: str, table: dict[str, float]) -> float:
    """Mean |valence| per word (0 for words VADER does not list)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return sum(abs(table.get(w, 0.0)) for w in words) / len(words) if words else 0.0


def _scores(text: str, table: dict[str, float] | None) -> dict[str, float | None]:
    from qa.briefing.loaded_language import charged_share

    return {
        "vader_intensity": vader_intensity(text, table) if table is not None else None,
        "charged_rate": charged_share(text),
        "words": len(text.split()),
    }


def events_from_articles(rows: list[dict]) -> list[dict]:
    """Regroup qa-format AllSides articles (ids ``as-<event>-<stance>``, e.g. eval/allsides_sample.jsonl)
    into events that :func:`to_articles` turns back into the same articles, text unchanged."""
    events: dict[str, dict] = {}
    for row in rows:
        parts = str(row["id"]).split("-")
        if len(parts) < 3 or parts[0] != "as":
            raise ValueError(f"{row['id']!r}: not an AllSides article id (as-<event>-<stance>)")
        event_id, stance = "-".join(parts[1:-1]), parts[-1]
        event = events.setdefault(
            event_id,
            {"id": event_id, "issue": row.get("title", ""), "date": row.get("published", ""), "news": {}},
        )
        event["news"][stance] = {
            "newsTitle": row.get("title", ""),
            "newsSource": row.get("outlet", ""),
            "newsLink": row.get("url", ""),
            "newBody": row["text"],
        }
    return list(events.values())


def load_event_source(path: str | Path) -> list[dict]:
    """Events from the AllSides events file, or from a qa article JSONL of AllSides articles."""
    rows = load_events(path)
    if rows and all("news" not in r and "text" in r for r in rows):
        return events_from_articles(rows)
    return rows


def paired(
    rows: list[dict],
    measure: str,
    a: str = "briefing",
    b: str = "sources",
    resamples: int = 10_000,
    seed: int = 0,
) -> dict[str, Any] | None:
    """Per-event ``a - b`` for one measure: how many events are lower/equal/higher, the mean
    difference and a 95% percentile-bootstrap interval for it (events resampled; fixed seed)."""
    import random

    values = [(row[a][measure], row[b][measure]) for row in rows]
    if not values or any(x is None or y is None for x, y in values):
        return None
    diffs = [round(x - y, 9) for x, y in values]  # equal texts score equal, not ±1e-17
    rng = random.Random(seed)
    boots = sorted(mean(rng.choices(diffs, k=len(diffs))) for _ in range(resamples))
    return {
        "lower": sum(d < 0 for d in diffs),
        "equal": sum(d == 0 for d in diffs),
        "higher": sum(d > 0 for d in diffs),
        "mean_diff": round(mean(diffs), 5),
        "relative": round(mean(diffs) / mean(y for _, y in values), 4)
        if mean(y for _, y in values)
        else None,
        "ci95": [round(boots[int(0.025 * resamples)], 5), round(boots[int(0.975 * resamples) - 1], 5)],
    }


def pick_events(events: list[dict], n: int) -> list[dict]:
    """The first ``n`` events (file order) with at least three outlets that have text."""
    chosen = []
    for event in events:
        if len(list(to_articles([event]))) >= 3:
            chosen.append(event)
        if len(chosen) == n:
            break
    return chosen


def lead_text(pool: Any, words: int) -> str:
    """The lead baseline: each outlet's pool sentences taken in turn, first ones first, whole
    sentences until ``words`` words are reached (so it may run past ``words`` by one sentence)."""
    by_outlet: dict[str, list[str]] = {}
    for s in pool.sentences:
        by_outlet.setdefault(s.outlet, []).append(s.text)
    taken: list[str] = []
    count = 0
    for turn in range(max((len(v) for v in by_outlet.values()), default=0)):
        for sentences in by_outlet.values():
            if turn < len(sentences) and count < words:
                taken.append(sentences[turn])
                count += len(sentences[turn].split())
    return " ".join(taken)


def brief_event(event: dict, words: int, table: dict[str, float] | None, workdir: Path) -> dict[str, Any]:
    """Ingest one event into a fresh index, brief it offline, and score the texts."""
    from qa.briefing.pool import build_pool
    from qa.briefing.summarize import summarize
    from qa.config import load_settings
    from qa.index.corpus import Corpus
    from qa.ingest.pipeline import ingest

    articles = list(to_articles([event]))
    source = workdir / f"event-{event['id']}.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    settings = load_settings(env={}, dotenv=None, index=workdir / f"index-{event['id']}")
    report = ingest([source], settings)
    if report.failed:
        raise RuntimeError(f"event {event['id']}: ingest failed: {report.failed}")
    with Corpus(settings) as corpus:
        briefing = summarize(corpus, words=words, offline=True)
        pool = build_pool(
            corpus, [a for a in (corpus.store.article(d) for d in report.added) if a is not None]
        )
        body = " ".join(s.text for s in briefing.sentences)
        everything = " ".join([body, *(d.text for d in briefing.differences)])
        cited = {
            c.outlet or c.doc_id
            for item in [*briefing.sentences, *briefing.differences]
            for c in item.citations
            if c.verified
        }
        cited_body = {c.outlet or c.doc_id for s in briefing.sentences for c in s.citations if c.verified}
        all_verified = all(
            c.verified for item in [*briefing.sentences, *briefing.differences] for c in item.citations
        )
        sources_text = "\n".join(a["text"] for a in articles)
        return {
            "event": event["id"],
            "issue": event.get("issue", ""),
            "outlets": [a["outlet"] for a in articles],
            "outlets_cited": len(cited),
            "outlets_cited_in_body": len(cited_body),
            "all_citations_verified": all_verified,
            "sentences": len(briefing.sentences),
            "differences": len(briefing.differences),
            "loaded_terms_flagged": len(briefing.loaded_terms),
            "sources": _scores(sources_text, table),
            "briefing": _scores(body, table),
            "briefing_all": _scores(everything, table),
            "lead": _scores(lead_text(pool, len(body.split())), table),
        }


def run(n_events: int = 8, words: int = 80, events_path: str | Path = DEFAULT_EVENTS) -> dict[str, Any]:
    """Brief ``n_events`` events offline; return per-event rows and the means of every measure."""
    table = vader_lexicon()
    events = pick_events(load_event_source(events_path), n_events)
    with tempfile.TemporaryDirectory(prefix="qa-arousal-") as tmp:
        rows = [brief_event(event, words, table, Path(tmp)) for event in events]
    means: dict[str, dict[str, float | None]] = {}
    for text in ("sources", "briefing", "briefing_all", "lead"):
        means[text] = {}
        for measure in ("vader_intensity", "charged_rate", "words"):
            values = [row[text][measure] for row in rows]
            means[text][measure] = None if any(v is None for v in values) else round(mean(values), 5)  # type: ignore[arg-type]
    vader = means["briefing"]["vader_intensity"], means["sources"]["vader_intensity"]
    return {
        "events": len(rows),
        "words": words,
        "measure": (
            "vader_intensity = mean |VADER valence| per word (arousal proxy, independent of selection); "
            "charged_rate = share of words in qa/data/loaded_terms.txt (partly circular)"
        ),
        "vader_installed": table is not None,
        "means": means,
        "briefing_calmer_vader": None if None in vader else vader[0] < vader[1],  # type: ignore[operator]
        "briefing_calmer_charged": means["briefing"]["charged_rate"] <= means["sources"]["charged_rate"],  # type: ignore[operator]
        "paired_vader": paired(rows, "vader_intensity"),
        "paired_charged": paired(rows, "charged_rate"),
        "lead_vs_sources_vader": paired(rows, "vader_intensity", a="lead"),
        "every_briefing_cites_two_outlets": all(row["outlets_cited"] >= 2 for row in rows),
        "every_briefing_body_cites_two_outlets": all(row["outlets_cited_in_body"] >= 2 for row in rows),
        "every_citation_verified": all(row["all_citations_verified"] for row in rows),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Emotional arousal of offline briefings vs their source articles."
    )
    parser.add_argument("n_events", nargs="?", type=int, default=8)
    parser.add_argument(
        "--words", type=int, default=80, help="briefing length (the AllSides excerpts are ~95 words each)"
    )
    parser.add_argument(
        "--events",
        default=str(DEFAULT_EVENTS),
        help="AllSides events.jsonl, or a qa JSONL of AllSides articles (e.g. eval/allsides_sample.jsonl)",
    )
    args = parser.parse_args(argv)
    result = run(args.n_events, args.words, args.events)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["every_briefing_cites_two_outlets"] and result["every_citation_verified"] else 1


if __name__ == "__main__":
    sys.exit(main())
