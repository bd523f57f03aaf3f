"""Web addresses given to ``qa ingest``: telling a URL from a path, and reading a ``--urls`` list file."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from qa.errors import LoadError

WEB_SCHEMES = ("http", "https")
# A comment after a URL needs whitespace before its "#": a "#" inside a URL is its fragment.
_TRAILING_COMMENT = re.compile(r"\s+#.*$")


def is_url(arg: str) -> bool:
    """True when ``arg`` is an absolute http(s) URL with a host (anything else is a path or an error)."""
    if not arg or arg != arg.strip() or any(c.isspace() for c in arg):
        return False
    try:
        parts = urlsplit(arg)
        parts.port  # noqa: B018 -- raises ValueError on a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def read_url_list(path: Path | str) -> list[str]:
    """The URLs of a ``--urls`` file: one per line; blank lines and ``#`` comments (whole-line, or after
    whitespace) are skipped.

    Raises LoadError, one line naming the file and line, for an unreadable file or a line that is
    not an http(s) URL. Duplicates are kept once, in the order first seen.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror or exc}).") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        raise LoadError(f"{path} line {bad_line}: not valid UTF-8; save the file as UTF-8.") from None
    urls: dict[str, None] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _TRAILING_COMMENT.sub("", raw).strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            shown = line if len(line) <= 60 else line[:57] + "..."
            raise LoadError(f"{path} line {number}: not an http(s) URL: {shown!r}.")
        urls.setdefault(line, None)
    return list(urls)
