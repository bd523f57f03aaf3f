"""A fetched body to text: the declared charset when it decodes, else the page's own, else a guess."""

from __future__ import annotations

import codecs
import re

# How far into the body a <meta charset> or XML declaration is looked for. The HTML standard's prescan
# reads 1024 bytes; real pages put long scripts and styles before the meta, so a little more is read.
_PRESCAN = 4096
_META = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The WHATWG Encoding standard decodes these labels as windows-1252 (what such pages really are), and
# Python's cp1252 is the closest codec; ASCII and Latin-1 would fail or mis-map bytes 0x80-0x9F.
_AS_CP1252 = frozenset({"ascii", "iso8859-1", "latin-1", "cp1252"})
# A page declared UTF-8 with a few stray bytes (a pasted quote) is still UTF-8: up to this share of
# undecodable bytes is replaced rather than the whole page re-read in another charset.
_UTF8_SLACK = 0.001
# windows-1252 is the web's legacy default; charset_normalizer ranks near-equal single-byte codecs
# by small "chaos" differences on short texts (French comes out as cp1257), so cp1252 wins near-ties.
_CP1252_MARGIN = 0.1


def codec_name(label: str | None) -> str | None:
    """Python's codec for a charset label (``windows-1251`` → ``cp1251``), or None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def byte_order_mark(body: bytes) -> str | None:
    """The codec a byte-order mark names, or None; a BOM overrides any declared charset (WHATWG)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    return None


def declared_in_body(body: bytes) -> str | None:
    """The charset a page names itself: ``<meta charset>``, ``http-equiv``, or ``<?xml encoding>``."""
    head = body[:_PRESCAN]
    found = _XML_DECL.match(head) or _META.search(head)
    name = codec_name(found.group(1).decode("ascii")) if found else None
    # A page read as bytes cannot be UTF-16 without a BOM; the HTML standard reads such a meta as UTF-8.
    return "utf-8" if name and name.startswith("utf-16") else name


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _lenient_utf8(body: bytes) -> str | None:
    text = body.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - body.count("\ufffd".encode())
    return text if bad <= max(1, int(len(body) * _UTF8_SLACK)) else None


def _detected(body: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(body))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos + _CP1252_MARGIN:
            best = match
            break
    codec = "cp1252" if "cp1252" in best.could_be_from_charset else (codec_name(best.encoding) or "utf-8")
    text = _strict(body, codec)
    return (text, codec) if text is not None else None


def decode_body(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """``(text, codec)``: a BOM's codec, else the header's charset if the body decodes in it, else the
    page's own, else a guess.

    Never raises: a body no charset decodes is read as UTF-8 with replacement characters.
    """
    tried: list[str] = []
    for codec in (byte_order_mark(body), codec_name(header_charset), declared_in_body(body)):
        if not codec or codec in tried:
            continue
        tried.append(codec)
        text = _lenient_utf8(body) if codec in ("utf-8", "utf-8-sig") else _strict(body, codec)
        if text is not None:
            return text.removeprefix("\ufeff"), codec
    if not tried:
        # Nothing declared: most of the web is UTF-8, and text that decodes as UTF-8 almost never is
        # anything else, so it goes first; detection is for the rest.
        text = _strict(body, "utf-8-sig")
        if text is not None:
            return text, "utf-8"
    detected = _detected(body) if body else None
    if detected is not None:
        return detected
    return body.decode("utf-8", errors="replace"), "utf-8"
