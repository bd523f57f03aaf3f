"""JSON Lines: one record a line, each bad line reported with its number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def parse_lines(raw: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, value, error) for every non-blank line; ``error`` is None when the line parsed."""
    # Records end at "\n" only: str.splitlines() would also split at U+2028/U+0085, which JSON
    # allows raw inside strings.
    for lineno, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield lineno, None, f"malformed JSON ({exc.msg})"


def read_objects(path: Path | str) -> list[dict[str, Any]]:
    """Every line of a JSONL file as a dict; ValueError names the first bad line."""
    objects: list[dict[str, Any]] = []
    for lineno, value, error in parse_lines(Path(path).read_text(encoding="utf-8")):
        if error is None and not isinstance(value, dict):
            error = "not a JSON object"
        if error is not None:
            raise ValueError(f"{path}:{lineno}: {error}")
        objects.append(value)
    return objects
