"""Whole-file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

# What open() gives a new file under the usual umask (022). mkstemp makes its file 0600, which
# would leave a shared cache, a recording or a written page unreadable to the rest of the team.
SHARED = 0o644


def write_whole(path: Path, data: str | bytes, mode: int = SHARED) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and one rename; OSError on failure.

    A file that already exists keeps its permissions; a new one gets ``mode``. Text is written as
    UTF-8 with its newlines untouched. Nothing is left behind when the write fails.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
    # Beside the target, so the rename stays on one filesystem and is atomic; mkstemp's unique
    # name lets two runs write at once (the last rename wins, whole).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
