"""Showing a configured endpoint URL (OPENAI_BASE_URL, QA_CHROMA_URL) to the user."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/@]*@")


def shown_url(url: object, *, path: bool = True) -> str:
    """A URL fit to print: ``scheme://host[:port][/path]``, never ``user:password@``, query or fragment.

    ``path=False`` drops the path too (a Chroma client uses host and port only). Text that is not
    a scheme://host URL (``localhost:8000``) is shown as given, minus any ``user:password@``.
    """
    text = str(url)
    parts = urlsplit(text)
    hostport = parts.netloc.rpartition("@")[2]  # as typed: a bad port or [::1] must not break this
    if not parts.scheme or not hostport:
        return _USERINFO.sub(r"\1", text)
    shown = f"{parts.scheme}://{hostport}{parts.path if path else ''}"
    return shown.rstrip("/")
