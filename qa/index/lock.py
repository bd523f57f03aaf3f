"""The index's writer lock: one ingest or remove at a time, readers never wait."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from qa.errors import IndexStateError


def _open_lock_file(directory: Path) -> IO[str]:
    """The lock file, created with its directory; an OSError becomes a message about the index."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return open(directory / "ingest.lock", "a+")
    except OSError as exc:
        raise IndexStateError(
            f"Cannot write to the index at {directory} ({exc.strerror or exc}): "
            "check the path and its permissions, or pass another --index."
        ) from None


@contextmanager
def ingest_lock(directory: Path, timeout: float, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the index's writer lock; wait (saying so once) up to ``timeout`` seconds for another writer."""
    with _open_lock_file(directory) as handle:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    on_wait()
                    waited = True
                if time.monotonic() > deadline:
                    raise IndexStateError(
                        f"Another qa ingest has held the index at {directory} for over {timeout:.0f} s; "
                        "try again when it finishes (or raise QA_LOCK_TIMEOUT)."
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
