"""Check qa's factual question sets against the articles they cite.

A question set is JSONL, one question per line (schema in ``eval/README.md``). ``validate``
returns a list of problems, empty when the set is sound: every field present and typed,
a known category, unique ids, answerable questions with aliases and evidence, unanswerable
ones with neither, and every evidence quote a verbatim substring of its article that does
not come from page furniture ("READ MORE: …", video captions, …). It also checks that at
least one answer alias occurs in the evidence, or that the note explains the inference.

Usage (from the repository root)::

    python eval/validate.py                      # the seed set, the AllSides sample, and
                                                 # the corpus-wide bench set if the corpus is there
    python eval/validate.py SET.jsonl --seeds seeds/ --articles more.jsonl --events events.jsonl
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from qa.evaluation.questions import normalise_answer
from qa.jsonl import read_objects
from qa.text import fold_typography

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"
SEED_QUESTIONS = REPO / "eval" / "questions.jsonl"
ALLSIDES_SAMPLE = REPO / "eval" / "allsides_sample.jsonl"
ALLSIDES_QUESTIONS = REPO / "eval" / "allsides_questions.jsonl"
BENCH_QUESTIONS = REPO / "bench" / "data" / "allsides_questions.jsonl"
ALLSIDES_EVENTS = REPO.parent / "shared" / "corpora" / "allsides" / "events.jsonl"

CATEGORIES = frozenset(
    {
        "number",
        "inference",
        "person",
        "role",
        "place",
        "date",
        "who_said",
        "nature",
        "single_outlet",
        "unanswerable",
    }
)
REQUIRED_FIELDS = ("id", "question", "answers", "evidence", "category", "answerable")
OPTIONAL_FIELDS = ("note",)
MIN_QUOTE_CHARS = 15

# Page furniture: lines that are links, captions or notices rather than reporting.
_FURNITURE = re.compile(
    r"^\s*(?:read more\s*:|read\s*:|related\s*:|opinion\s*:|watch\s*:|click to play video"
    r"|story continues below advertisement|advertisement\s*$|[-–—]\s*with files from"
    r"|note: this page was updated)",
    re.IGNORECASE,
)
_CAPTION_LEAD = re.compile(r"^\s*click to play video", re.IGNORECASE)

_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- matching


def normalise(text: str) -> str:
    """Lowercase, strip accents, drop thousands separators, punctuation to spaces, collapse whitespace.

    "5,000 U.S. troops" -> "5000 u s troops"; "al‑Muhandis’s" -> "al muhandis s". The scorer's own
    rule, so that a set this script passes is matched by ``qa eval`` the same way.
    """
    return normalise_answer(text)


def alias_matches(alias: str, text: str) -> bool:
    """True if the normalised alias occurs in the normalised text on word boundaries.

    Word boundaries keep "3" from matching "2013" and "Sunday" from matching "Sundays".
    """
    needle = normalise(alias)
    return bool(needle) and f" {needle} " in f" {normalise(text)} "


def answer_matches(answers: Iterable[str], text: str) -> bool:
    """True if any accepted alias occurs in the answer text (see ``alias_matches``)."""
    haystack = f" {normalise(text)} "
    return any((n := normalise(a)) and f" {n} " in haystack for a in answers)


def _loose(text: str) -> str:
    """Whitespace and typographic quotes/dashes normalised, case kept: to explain a near miss."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", fold_typography(text))).strip()


# --------------------------------------------------------------------------- furniture


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def is_furniture_line(text: str, pos: int) -> bool:
    """True if the line of ``text`` holding offset ``pos`` is page furniture.

    Furniture is a line starting with a link/notice prefix (READ MORE:, Read:, Opinion:,
    WATCH:, Click to play video, Story continues below advertisement, –With files from, …)
    or a video caption: a line repeated inside the "Click to play video" line before it.
    """
    start, end = _line_bounds(text, pos)
    line = text[start:end]
    if _FURNITURE.match(line):
        return True
    # The previous non-blank line.
    prev_end = start - 1
    while prev_end > 0:
        p_start, p_end = _line_bounds(text, prev_end - 1)
        prev = text[p_start:p_end]
        if prev.strip():
            return bool(_CAPTION_LEAD.match(prev)) and bool(line.strip()) and line.strip() in prev
        prev_end = p_start - 1
    return False


def quote_in_furniture(text: str, quote: str) -> bool:
    """True if every occurrence of ``quote`` in ``text`` touches a furniture line."""
    found = False
    pos = text.find(quote)
    while pos != -1:
        found = True
        end = pos + len(quote)
        cursor, clean = pos, True
        while cursor <= max(pos, end - 1):
            if is_furniture_line(text, cursor):
                clean = False
                break
            nxt = text.find("\n", cursor, end)
            if nxt == -1:
                break
            cursor = nxt + 1
        if clean:
            return False
        pos = text.find(quote, pos + 1)
    return found


# --------------------------------------------------------------------------- loading


def load_seed_articles(paths: Path | str | Iterable[Path | str] = SEEDS_DIR) -> dict[str, str]:
    """Seed-style articles: doc_id is the file stem, text is the file's full text (exact bytes, UTF-8).

    Accepts a folder (its ``*.txt`` and ``*.md`` files) or an iterable of files.
    """
    if isinstance(paths, (str, Path)):
        root = Path(paths)
        files = sorted(p for p in root.iterdir() if p.suffix in (".txt", ".md")) if root.is_dir() else [root]
    else:
        files = [Path(p) for p in paths]
    return {f.stem: f.read_bytes().decode("utf-8-sig") for f in files}


def load_jsonl_articles(path: Path | str) -> dict[str, str]:
    """Articles in qa's JSONL format (``id`` and ``text`` per line), e.g. eval/allsides_sample.jsonl."""
    return {str(obj["id"]): obj["text"] for obj in read_objects(path)}


def _allsides_module():
    spec = importlib.util.spec_from_file_location("_qa_bench_allsides", REPO / "bench" / "allsides.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def load_allsides_articles(events_path: Path | str = ALLSIDES_EVENTS) -> dict[str, str]:
    """Every article of the AllSides corpus, doc_id -> text, built by bench/allsides.py."""
    module = _allsides_module()
    return {a["id"]: a["text"] for a in module.to_articles(module.load_events(events_path))}


def load_articles_from_paths(paths: Iterable[Path | str], events: Path | str | None = None) -> dict[str, str]:
    """Merge articles from seed files/folders, qa JSONL files, and optionally an AllSides events file."""
    articles: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.suffix == ".jsonl":
            articles.update(load_jsonl_articles(path))
        else:
            articles.update(load_seed_articles(path))
    if events is not None:
        articles.update(load_allsides_articles(events))
    return articles


def load_questions(path: Path | str) -> list[dict]:
    """The questions of a set (raises ValueError on a line that is not a JSON object)."""
    return read_objects(path)


# --------------------------------------------------------------------------- validation


def _check_question(q: dict, articles: Mapping[str, str]) -> list[str]:
    problems: list[str] = []
    missing = [f for f in REQUIRED_FIELDS if f not in q]
    if missing:
        return [f"missing field(s): {', '.join(missing)}"]
    unknown = sorted(set(q) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    if not isinstance(q["question"], str) or not q["question"].strip():
        problems.append("question must be a non-empty string")
    note = q.get("note", "")
    if not isinstance(note, str):
        problems.append("note must be a string")
        note = ""
    category, answerable, answers, evidence = q["category"], q["answerable"], q["answers"], q["evidence"]
    if category not in CATEGORIES:
        problems.append(f"bad category {category!r} (expected one of {', '.join(sorted(CATEGORIES))})")
    if not isinstance(answerable, bool):
        problems.append("answerable must be true or false")
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        problems.append("answers must be a list of non-empty strings")
        answers = []
    if not isinstance(evidence, list) or not all(
        isinstance(e, dict) and isinstance(e.get("doc_id"), str) and isinstance(e.get("quote"), str)
        for e in evidence
    ):
        problems.append('evidence must be a list of {"doc_id": str, "quote": str}')
        evidence = []

    if answerable is False:
        if category != "unanswerable":
            problems.append("answerable is false but category is not 'unanswerable'")
        if answers:
            problems.append("unanswerable question has answers")
        if evidence:
            problems.append("unanswerable question has evidence")
        return problems
    if category == "unanswerable":
        problems.append("category 'unanswerable' but answerable is true")
    if not answers:
        problems.append("answerable question has no answers")
    if not evidence:
        problems.append("answerable question has no evidence")

    seen_aliases: set[str] = set()
    for alias in answers:
        # "5,000" and "5000" normalise alike; both are kept on purpose for matchers that differ.
        if alias in seen_aliases:
            problems.append(f"answer alias {alias!r} is listed twice")
        seen_aliases.add(alias)
        if not normalise(alias):
            problems.append(f"answer alias {alias!r} is empty once normalised")
            continue
        if alias_matches(alias, q.get("question", "")):
            problems.append(
                f"answer alias {alias!r} occurs in the question: an answer echoing the question would match"
            )

    quotes: list[str] = []
    for item in evidence:
        doc_id, quote = item["doc_id"], item["quote"]
        unknown_keys = sorted(set(item) - {"doc_id", "quote"})
        if unknown_keys:
            problems.append(f"evidence has unknown field(s): {', '.join(unknown_keys)}")
        if doc_id not in articles:
            problems.append(f"evidence doc_id {doc_id!r} is not a known article")
            continue
        text = articles[doc_id]
        if quote != quote.strip():
            problems.append(f"quote has leading/trailing whitespace: {quote!r}")
        if len(quote.strip()) < MIN_QUOTE_CHARS:
            problems.append(f"quote too short to be a clause ({len(quote.strip())} chars): {quote!r}")
        if quote not in text:
            hint = ""
            if _loose(quote) in _loose(text):
                hint = (
                    " (it matches once whitespace/quotes/dashes are normalised: "
                    "copy it character for character)"
                )
            elif quote.casefold() in text.casefold():
                hint = " (it differs only in letter case)"
            problems.append(f"quote is not a verbatim substring of {doc_id}{hint}: {quote!r}")
            continue
        if quote_in_furniture(text, quote):
            problems.append(f"quote comes from page furniture in {doc_id}: {quote!r}")
        quotes.append(quote)

    if (
        answers
        and quotes
        and not any(alias_matches(a, " \n ".join(quotes)) for a in answers)
        and not note.strip()
    ):
        problems.append("no answer alias occurs in the evidence and no note explains the inference")
    if category == "inference" and not note.strip():
        problems.append("inference question needs a note explaining the inference")
    return problems


def validate(questions_path: Path | str, articles: Mapping[str, str]) -> list[str]:
    """Return every problem found in the question set, each prefixed with its location; [] if sound."""
    try:
        questions = load_questions(questions_path)
    except (OSError, ValueError) as exc:
        return [str(exc)]
    if not questions:
        return [f"{questions_path}: no questions"]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, q in enumerate(questions, 1):
        qid = q.get("id")
        where = f"{questions_path}:{number}" + (f" [{qid}]" if qid else "")
        if not isinstance(qid, str) or not qid.strip():
            problems.append(f"{where}: id must be a non-empty string")
        elif qid in seen:
            problems.append(f"{where}: duplicate id (first on line {seen[qid]})")
        else:
            seen[qid] = number
        problems.extend(f"{where}: {p}" for p in _check_question(q, articles))
    return problems


def summarise(questions_path: Path | str) -> dict[str, int]:
    """Questions per category, plus 'total' and 'unanswerable' counts."""
    counts: dict[str, int] = {}
    questions = load_questions(questions_path)
    for q in questions:
        counts[q.get("category", "?")] = counts.get(q.get("category", "?"), 0) + 1
    counts["total"] = len(questions)
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------------- command line


def _default_runs() -> list[tuple[Path, dict[str, str] | None, str]]:
    runs: list[tuple[Path, dict[str, str] | None, str]] = [
        (SEED_QUESTIONS, load_seed_articles(SEEDS_DIR), "seeds"),
        (ALLSIDES_QUESTIONS, load_jsonl_articles(ALLSIDES_SAMPLE), "AllSides sample"),
    ]
    if ALLSIDES_EVENTS.is_file():
        runs.append((BENCH_QUESTIONS, load_allsides_articles(ALLSIDES_EVENTS), "AllSides corpus"))
    else:
        print(
            f"note: {ALLSIDES_EVENTS} not found; skipping {BENCH_QUESTIONS.relative_to(REPO)}",
            file=sys.stderr,
        )
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate qa question sets against their articles.")
    parser.add_argument(
        "sets", nargs="*", help="question set(s) to check (default: the project's three sets)"
    )
    parser.add_argument(
        "--seeds", action="append", default=[], help="seed-style article file or folder (doc_id = file stem)"
    )
    parser.add_argument("--articles", action="append", default=[], help="qa JSONL articles file (id, text)")
    parser.add_argument("--events", help="AllSides events.jsonl (articles built by bench/allsides.py)")
    args = parser.parse_args(argv)

    if args.sets:
        articles = load_articles_from_paths([*args.seeds, *args.articles], events=args.events)
        if not articles:
            articles = load_seed_articles(SEEDS_DIR)
        runs = [(Path(s), articles, str(s)) for s in args.sets]
    else:
        runs = _default_runs()

    failed = False
    for path, articles, label in runs:
        problems = validate(path, articles or {})
        counts = summarise(path) if Path(path).is_file() else {}
        status = "OK" if not problems else f"{len(problems)} problem(s)"
        print(f"{path} ({label}): {status}; {json.dumps(counts)}")
        for problem in problems:
            print(f"  - {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
