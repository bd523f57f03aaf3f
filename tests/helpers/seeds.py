"""The seed articles: where they are, their doc_ids, and settings for a test index."""

from __future__ import annotations

import json
from pathlib import Path

from qa.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GLOBAL_NEWS = "001_459249e74de3275c"
UNNAMED = "000_cd5ad041538ca3e1"
# The keys of one citation in `--json` output (answers and briefings alike).
CITATION_KEYS = frozenset(
    {"id", "doc_id", "source", "title", "outlet", "start", "end", "quote", "verified", "answer_span"}
)


def settings_for(index: Path, **overrides: object) -> Settings:
    """Settings for an index directory, ignoring any .env."""
    return load_settings(env={}, dotenv=None, index=index, **overrides)


# A three-question set over the seeds (two answerable, one not), for runs of `qa eval` in seconds.
SMALL_SET: tuple[dict[str, object], ...] = (
    {
        "id": "s1",
        "question": "How many US troops remain in Iraq?",
        "answers": ["5,000"],
        "evidence": [{"doc_id": UNNAMED, "quote": "Around 5,000 US troops remain in Iraq"}],
        "category": "number",
        "answerable": True,
    },
    {
        "id": "s2",
        "question": "How many lawmakers were present at the session?",
        "answers": ["168"],
        "evidence": [
            {"doc_id": GLOBAL_NEWS, "quote": "the 168 lawmakers present were just three more than the quorum"}
        ],
        "category": "number",
        "answerable": True,
    },
    {
        "id": "s3",
        "question": "What is the name of the speaker of the Iraqi parliament?",
        "answers": [],
        "evidence": [],
        "category": "unanswerable",
        "answerable": False,
    },
)


def small_set(folder: Path, answerable_only: bool = False) -> Path:
    """Write SMALL_SET (or its answerable questions) and its sidecar naming the seeds into ``folder``."""
    rows = [r for r in SMALL_SET if r["answerable"] or not answerable_only]
    path = folder / "small.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (folder / "small.articles").write_text(f"# the seeds\n{SEEDS}\n", encoding="utf-8")
    return path
