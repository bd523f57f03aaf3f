"""Notices said once per index: which ones an index has already shown, kept in a file beside its data."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from qa.files import write_whole

NOTICES_FILE = "notices-shown.json"


def first_time(index: Path, key: str) -> bool:
    """True the first time ``key`` is asked about for ``index`` (and remember it); False afterwards.

    An index that does not exist (yet) or cannot be written to remembers nothing: the notice is
    shown every time rather than lost.
    """
    path = Path(index) / NOTICES_FILE
    if not path.parent.is_dir():
        return True
    try:
        shown = set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        shown = set()
    if key in shown:
        return False
    # Written whole: two runs at once at worst both show the notice. An unwritable index just
    # shows it again next time.
    with contextlib.suppress(OSError):
        write_whole(path, json.dumps(sorted(shown | {key})))
    return True
