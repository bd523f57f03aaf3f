"""The seed articles: where they are, their doc_ids, and settings for a test index."""

from __future__ import annotations

from pathlib import Path

from qa.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GLOBAL_NEWS = "001_459249e74de3275c"
UNNAMED = "000_cd5ad041538ca3e1"


def settings_for(index: Path, **overrides: object) -> Settings:
    """Settings for an index directory, ignoring any .env."""
    return load_settings(env={}, dotenv=None, index=index, **overrides)
