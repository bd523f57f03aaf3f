"""write_whole: the old file or the new one, never half; permissions a team can share."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from qa.files import SHARED, write_whole


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_written_whole_and_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "page.html"
    write_whole(target, "café\r\nline two")  # text: UTF-8, newlines untouched
    assert target.read_bytes() == "café\r\nline two".encode()
    assert _mode(target) == SHARED, "mkstemp's private 0600 must not leak into shared files"
    write_whole(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.html"]


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_whole(target, "new")
    assert target.read_text() == "new" and _mode(target) == 0o600
    fresh = tmp_path / "private.json"
    write_whole(fresh, "x", mode=0o600)
    assert _mode(fresh) == 0o600


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "recording.json"
    target.write_text("the old recording")

    def no_rename(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OSError, match="No space"):
        write_whole(target, "the new one")
    assert target.read_text() == "the old recording"
    assert [p.name for p in tmp_path.iterdir()] == ["recording.json"]


def test_writers_at_once_leave_one_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "notices.json"
    bodies = [(chr(ord("a") + i) * 200_000) for i in range(8)]
    threads = [threading.Thread(target=write_whole, args=(target, body)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.read_text() in bodies
    assert [p.name for p in tmp_path.iterdir()] == ["notices.json"]
