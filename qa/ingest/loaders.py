"""Turn files (.txt, .md, .html, .jsonl) into Articles, one clear error per bad file or line."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import LoadError
from qa.jsonl import parse_lines
from qa.types import Article

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
SIDECAR_SUFFIX = ".meta.yaml"
META_FIELDS = ("title", "outlet", "published", "url", "authors", "language")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
MIN_HTML_WORDS = 8
# Letters and digits of any script stay (two Arabic or Chinese file names must not both become "doc").
_SLUG = re.compile(r"[^\w.-]+")
# How doc_ids are made when an article has no `id` (recorded in the manifest, see qa/ingest/pipeline.py).
DOC_ID_SCHEME = "stem-origin-sha256-8"
DOC_ID_HASH_CHARS = 8


@dataclass(frozen=True)
class LoadResult:
    """Articles read from one file, plus one message per part of it that failed."""

    path: Path
    articles: tuple[Article, ...] = ()
    errors: tuple[str, ...] = field(default_factory=tuple)


def slugify(value: str) -> str:
    """Make a doc_id safe for `DOC_ID:START-END` references (no colons, no spaces)."""
    slug = _SLUG.sub("-", value.strip()).strip("-.")
    return slug or "doc"


def origin_of(path: Path, line: int | None = None) -> str:
    """Where an article comes from: the resolved file path, plus ":LINE" for one line of a JSONL file."""
    try:
        resolved = str(path.resolve())
    except (OSError, RuntimeError):  # a symlink loop or a vanished folder: the absolute path will do
        resolved = os.path.abspath(path)
    return resolved if line is None else f"{resolved}:{line}"


def split_line(where: str) -> tuple[str, int | None]:
    """A source or origin as (file, line): "a.jsonl:3" names line 3 of a JSONL file; other text is a file."""
    head, sep, tail = where.rpartition(":")
    if sep and tail.isdigit() and head.lower().endswith(".jsonl"):
        return head, int(tail)
    return where, None


def origin_file(origin: str) -> str:
    """The file part of an origin (drops the ":LINE" of a JSONL line)."""
    return split_line(origin)[0]


def default_doc_id(path: Path, line: int | None = None) -> str:
    """The doc_id of an article with no `id` of its own: its file name plus a short hash of its origin.

    The hash makes two saved pages both called index.html two articles, not one replacing the other.
    """
    stem = path.stem if line is None else f"{path.stem}-{line}"
    digest = hashlib.sha256(origin_of(path, line).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{slugify(stem)}-{digest[:DOC_ID_HASH_CHARS]}"


def content_hash(text: str, meta: dict[str, str]) -> str:
    """Hash text and metadata together, so a metadata fix also counts as a change."""
    h = hashlib.sha256(text.encode("utf-8"))
    h.update(json.dumps(meta, sort_keys=True).encode("utf-8"))
    return h.hexdigest()


def iter_files(paths: list[Path]) -> Iterator[Path | LoadResult]:
    """Expand files and folders (recursively, sorted), yielding a failed LoadResult for missing paths."""
    for path in paths:
        if path.is_dir():
            seen: set[tuple[int, int]] = set()
            unreadable: list[OSError] = []  # folders os.walk could not list, reported, not skipped silently
            # followlinks=False, and a seen-set on real directories: symlink loops cannot recurse.
            for root, dirs, files in os.walk(path, followlinks=False, onerror=unreadable.append):
                yield from _folder_errors(unreadable)
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen:
                    dirs[:] = []
                    continue
                seen.add((st.st_dev, st.st_ino))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                        continue
                    yield Path(root) / name
            yield from _folder_errors(unreadable)
        elif path.exists():
            yield path
        else:
            yield LoadResult(path, errors=(f"{path}: no such file or directory",))


def _folder_errors(errors: list[OSError]) -> Iterator[LoadResult]:
    while errors:
        exc = errors.pop(0)
        folder = Path(str(exc.filename))
        yield LoadResult(folder, errors=(f"{folder}: cannot read folder ({exc.strerror or exc})",))


def _read_text(path: Path, max_bytes: int) -> str:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A FIFO would block the read forever; a device could be endless.
            raise LoadError(f"{path}: not a regular file")
        size = info.st_size
        if size > max_bytes:
            raise LoadError(
                f"{path}: file is {size / 1e6:.1f} MB, "
                f"over the {max_bytes / 1e6:.0f} MB limit (QA_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except PermissionError:
        raise LoadError(f"{path}: permission denied") from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise LoadError(f"{path}: file is empty")
    if b"\x00" in data[:8192]:
        raise LoadError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _parse_yaml(text: str, where: str) -> dict[str, Any]:
    import yaml

    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise LoadError(f"{where}: invalid YAML metadata ({str(exc).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise LoadError(f"{where}: metadata must be a YAML mapping")
    return meta


def _clean_meta(meta: dict[str, Any]) -> dict[str, str]:
    return {k: str(meta[k]).strip() for k in META_FIELDS if meta.get(k) is not None}


def _article(
    path: Path, source: str, text: str, meta: dict[str, Any], body_start: int = 0, line: int | None = None
) -> Article:
    clean = _clean_meta(meta)
    given = meta.get("id")
    given = str(given).strip() if given is not None and str(given).strip() else None
    doc_id = slugify(given) if given is not None else default_doc_id(path, line)
    return Article(
        doc_id=doc_id,
        source=source,
        title=clean.get("title", ""),
        outlet=clean.get("outlet", ""),
        published=clean.get("published", ""),
        url=clean.get("url", ""),
        text=text,
        sha256=content_hash(text, clean),
        body_start=body_start,
        origin=origin_of(path, line),
        id_given=given is not None,
        authors=clean.get("authors", ""),
        language=clean.get("language", ""),
    )


def _sidecar(path: Path) -> dict[str, Any]:
    side = path.with_name(path.name + SIDECAR_SUFFIX)
    if not side.is_file():
        return {}
    return _parse_yaml(side.read_text(encoding="utf-8"), str(side))


def _load_text(path: Path, text: str) -> Article:
    meta: dict[str, Any] = {}
    body_start = 0
    match = _FRONT_MATTER.match(text)
    if match:
        meta = _parse_yaml(match.group(1), str(path))
        body_start = match.end()
    meta = {**meta, **_sidecar(path)}
    if not text[body_start:].strip():
        raise LoadError(f"{path}: no article text after the front matter")
    return _article(path, str(path), text, meta, body_start)


def _load_html(path: Path, html: str) -> Article:
    return load_html_text(
        html,
        str(path),
        meta=_sidecar(path),
        origin=origin_of(path),
        doc_id=default_doc_id(path),
        where=str(path),
    )


def url_doc_id(url: str) -> str:
    """The doc_id of a fetched page with no `id` of its own: its URL's last segment plus a hash of the URL."""
    from urllib.parse import urlsplit

    stem = Path(urlsplit(url).path.rstrip("/")).stem or urlsplit(url).hostname or "page"
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{slugify(stem)}-{digest[:DOC_ID_HASH_CHARS]}"


def load_html_text(
    html: str,
    source: str,
    url: str | None = None,
    *,
    meta: dict[str, Any] | None = None,
    origin: str | None = None,
    doc_id: str | None = None,
    where: str | None = None,
) -> Article:
    """An Article from a page's HTML; ``meta`` (a sidecar's or the caller's) overrides what the page says.

    ``source`` is what citations name (a path, or the URL a page was fetched from); ``url`` is where
    the page came from, used to resolve its canonical link and name its outlet. ``origin`` and
    ``doc_id`` default to ``source`` and :func:`url_doc_id`; raises LoadError for a page with no article.
    """
    from qa.ingest.html import extract_page

    where = where or source
    page = extract_page(html, url)
    # A handful of words is navigation or a caption that the extractor fell back to, not an article.
    if page is None or len(_kept_text(page.text, page.left_out).split()) < MIN_HTML_WORDS:
        raise LoadError(f"{where}: no article text found in the HTML")
    found = {k: getattr(page, k) for k in META_FIELDS}
    given = dict(meta or {})
    merged: dict[str, Any] = {**{k: v for k, v in found.items() if v}, **given}
    clean = _clean_meta(merged)
    given_id = given.get("id")
    given_id = str(given_id).strip() if given_id is not None and str(given_id).strip() else None
    return Article(
        doc_id=slugify(given_id) if given_id is not None else doc_id or url_doc_id(url or source),
        source=source,
        title=clean.get("title", ""),
        outlet=clean.get("outlet", ""),
        published=clean.get("published", ""),
        url=clean.get("url", ""),
        text=page.text,
        # The left-out spans are part of what was ingested: a change to them re-chunks the page.
        sha256=content_hash(page.text, {**clean, "left_out": json.dumps(page.left_out)}),
        origin=origin if origin is not None else source,
        id_given=given_id is not None,
        authors=clean.get("authors", ""),
        language=clean.get("language", ""),
        left_out=page.left_out,
    )


def _kept_text(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    parts, cursor = [], 0
    for start, end in sorted(spans):
        parts.append(text[cursor:start])
        cursor = max(cursor, end)
    return " ".join([*parts, text[cursor:]])


def _load_jsonl(path: Path, raw: str) -> LoadResult:
    articles: list[Article] = []
    errors: list[str] = []
    for lineno, obj, error in parse_lines(raw):
        where = f"{path}:{lineno}"
        if error is not None:
            errors.append(f"{where}: {error}")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            errors.append(f'{where}: each line needs a JSON object with a non-empty "text" field')
            continue
        articles.append(_article(path, where, obj["text"], obj, line=lineno))
    if not articles and not errors:
        errors.append(f"{path}: no articles in the file")
    return LoadResult(path, tuple(articles), tuple(errors))


def load_file(path: Path, max_bytes: int) -> LoadResult:
    """Read one file into Articles; never raises for bad content, reports it in ``errors``."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        kind = f"'{suffix}'" if suffix else "with no extension"
        return LoadResult(
            path, errors=(f"{path}: unsupported file type {kind} (expected {', '.join(SUPPORTED)})",)
        )
    try:
        raw = _read_text(path, max_bytes)
        if suffix == ".jsonl":
            return _load_jsonl(path, raw)
        article = _load_html(path, raw) if suffix in (".html", ".htm") else _load_text(path, raw)
    except LoadError as exc:
        return LoadResult(path, errors=(str(exc),))
    return LoadResult(path, (article,))
