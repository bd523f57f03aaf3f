"""Small, distinct, realistic articles for tests that need many of them (from eval/allsides_sample.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.seeds import ROOT

SAMPLE = ROOT / "eval" / "allsides_sample.jsonl"


def sample_rows() -> list[dict[str, str]]:
    """The 12 AllSides excerpts bundled with the eval set (id, title, outlet, text, ...)."""
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_articles(folder: Path, count: int, prefix: str) -> dict[str, str]:
    """Write ``count`` one-chunk .md articles named PREFIX-NNN.md; return doc_id -> first sentence."""
    rows = sample_rows()
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for i in range(count):
        row = rows[i % len(rows)]
        doc_id = f"{prefix}-{i:03d}"
        lead = f"Dispatch {prefix} number {i} was filed by the {row['outlet']} desk."
        body = f"{lead}\n\n{row['text'][:450]}"
        title = json.dumps(row["title"] + f" ({prefix} {i})")
        front = f"---\nid: {doc_id}\ntitle: {title}\noutlet: {row['outlet']}\n---\n"
        (folder / f"{doc_id}.md").write_text(front + body, encoding="utf-8")
        written[doc_id] = lead
    return written
