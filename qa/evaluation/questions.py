"""A ``qa eval`` question set: its questions, its articles, and how an answer is matched.

The schema is in eval/README.md. A set names its articles in a sidecar next to it:
``eval/questions.jsonl`` → ``eval/questions.articles``, one file or folder per line, relative
to the sidecar (``#`` starts a comment); ``qa eval --articles`` overrides it.

An answer matches when an accepted alias occurs in it as whole words, after normalising both
(case, accents, punctuation and thousands separators ignored); gold evidence quotes are
located in their articles as character spans.

The default sets ship inside the wheel as ``qa/_eval/eval/`` beside ``qa/_eval/seeds/``: the
repository's own layout, so every sidecar's relative paths (``../seeds/``) resolve unchanged.
:func:`default_path` finds them from any working directory.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.answer.citations import locate
from qa.errors import QAError
from qa.jsonl import parse_lines
from qa.text import fold_typography

DEFAULT_SET = Path("eval/questions.jsonl")
SIDECAR_SUFFIX = ".articles"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
Span = tuple[str, int, int]  # doc_id, start, end


# ----------------------------------------------------------------------------- the set


@dataclass(frozen=True)
class Evidence:
    """A gold quote: verbatim text of one article."""

    doc_id: str
    quote: str


@dataclass(frozen=True)
class Question:
    """One line of a question set (schema in eval/README.md)."""

    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    category: str
    answerable: bool
    note: str = ""
    split: str = ""  # "dev" (constants are set on it) or "test" (they are only reported on it)


def eval_roots(package_dir: Path = _PACKAGE_DIR) -> tuple[Path, ...]:
    """Where a default set's repository-relative path is looked up, in order.

    The working directory first (a checkout, or the user's own ``eval/``), then the copy inside
    the installed package (hatch's force-include), then the source tree the package sits in.
    """
    return (Path.cwd(), package_dir / "_eval", package_dir.parent)


def default_path(relative: Path, package_dir: Path = _PACKAGE_DIR) -> Path:
    """A default set such as ``eval/questions.jsonl``, found from any directory (see :func:`eval_roots`).

    Only for the defaults: a path the user names is read as given. Nothing found gives back the
    relative path, so the error that follows names what was asked for.
    """
    for root in eval_roots(package_dir):
        if (root / relative).is_file():
            # Relative when it is the working directory's, as the user would type it.
            return relative if root == Path.cwd() else root / relative
    return relative


def load_questions(path: Path) -> list[Question]:
    """Read a question set; a malformed line is a clear error naming the line."""
    try:
        raw_text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        hint = ""
        shipped = default_path(Path(path))
        if not Path(path).is_absolute() and shipped != Path(path):
            hint = f" (qa ships a set of that name: --set {shipped})"
        raise QAError(f"Cannot read the question set {path}: {exc.strerror or exc}{hint}.") from None
    questions: list[Question] = []
    for number, raw, error in parse_lines(raw_text):
        try:
            if error is not None:
                raise ValueError(error)
            questions.append(
                Question(
                    id=str(raw["id"]),
                    question=str(raw["question"]),
                    answers=tuple(str(a) for a in raw["answers"]),
                    evidence=tuple(Evidence(str(e["doc_id"]), str(e["quote"])) for e in raw["evidence"]),
                    category=str(raw["category"]),
                    answerable=bool(raw["answerable"]),
                    note=str(raw.get("note") or ""),
                    split=str(raw.get("split") or ""),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise QAError(
                f"{path}:{number} is not a valid question ({type(exc).__name__}: {exc}); see eval/README.md."
            ) from None
    if not questions:
        raise QAError(f"The question set {path} is empty.")
    return questions


def sidecar_path(set_path: Path) -> Path:
    """Where a set lists its articles: the set's path with ``.articles`` for its suffix."""
    return Path(set_path).with_suffix(SIDECAR_SUFFIX)


def set_articles(set_path: Path) -> list[Path]:
    """The article files/folders a set's sidecar names, resolved relative to the sidecar."""
    sidecar = sidecar_path(set_path)
    if not sidecar.is_file():
        raise QAError(
            f"The question set {set_path} names no articles: list its article files or folders in {sidecar} "
            "(one per line, relative to that file), or pass --articles PATH."
        )
    paths = []
    for line in sidecar.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            path = (sidecar.parent / entry).resolve()
            if not path.exists():
                raise QAError(f"{sidecar} names {entry}, which does not exist ({path}).")
            paths.append(path)
    if not paths:
        raise QAError(f"{sidecar} lists no article files or folders.")
    return paths


# ----------------------------------------------------------------------------- matching

_THOUSANDS = re.compile(r"(?<=\d)[,\u202f\u2009](?=\d{3}(?!\d))")
_PUNCT = re.compile(r"[^\w\s]|_")


def normalise_answer(text: str) -> str:
    """Casefold, strip accents, drop thousands separators, punctuation to spaces.

    "5,000 U.S." -> "5000 u s".
    """
    text = unicodedata.normalize("NFKD", fold_typography(text))
    text = unicodedata.normalize(
        "NFKC", "".join(ch for ch in text if not unicodedata.combining(ch))
    ).casefold()
    return " ".join(_PUNCT.sub(" ", _THOUSANDS.sub("", text)).split())


def matches_alias(aliases: Sequence[str], text: str) -> bool:
    """True if any alias occurs in the text as whole words, after :func:`normalise_answer`."""
    haystack = f" {normalise_answer(text)} "
    return any((needle := normalise_answer(a)) and f" {needle} " in haystack for a in aliases)


# ----------------------------------------------------------------------------- gold evidence


def gold_spans(question: Question, article_text: Callable[[str], str]) -> list[Span]:
    """Locate each gold quote in its article; a quote not found is an error in the set."""
    spans: list[Span] = []
    for item in question.evidence:
        try:
            text = article_text(item.doc_id)
        except QAError:
            raise QAError(
                f"Question {question.id} cites {item.doc_id!r}, which is not among the set's articles."
            ) from None
        where = locate(item.quote, text)
        if where is None:
            raise QAError(
                f"Question {question.id}: its evidence quote is not in {item.doc_id}: {item.quote[:80]!r}."
            )
        spans.append((item.doc_id, *where))
    return spans
