"""Check qa's factual question sets against the articles they cite.

A question set is JSONL, one question per line (schema in ``eval/README.md``). ``validate``
returns a list of problems, empty when the set is sound: every field present and typed,
a known category, unique ids, answerable questions with aliases and evidence, unanswerable
ones with neither, and every evidence quote a verbatim substring of its article that does
not come from page furniture ("READ MORE: …", video captions, …). It also checks that at
least one answer alias occurs in the evidence, or that the note explains the inference.

Usage (from the repository root)::

    python eval/validate.py                      # the seed set, the AllSides sample, the unanswerable
                                                 # set, and the corpus-wide bench set if the corpus is there
    python eval/validate.py SET.jsonl --seeds seeds/ --articles more.jsonl --events events.jsonl
    python eval/validate.py --claims eval/claims.jsonl   # a claim set only

The unanswerable set (``eval/unanswerable.jsonl``, over the seeds and the AllSides sample together)
gets ``validate_unanswerable``: the same checks, plus every question unanswerable, with a known
``kind`` of near miss, a ``split``, and a note that records the grep its author ran.

The claim set (``eval/claims.jsonl``, checked by ``validate_claims``) is hand-written answers with
``[n]`` markers, faithful or carrying one planted fault, for the per-claim support checker.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from qa.evaluation.questions import normalise_answer
from qa.jsonl import read_objects
from qa.text import fold_typography, split_sentences

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"
SEED_QUESTIONS = REPO / "eval" / "questions.jsonl"
ALLSIDES_SAMPLE = REPO / "eval" / "allsides_sample.jsonl"
ALLSIDES_QUESTIONS = REPO / "eval" / "allsides_questions.jsonl"
UNANSWERABLE_QUESTIONS = REPO / "eval" / "unanswerable.jsonl"
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
OPTIONAL_FIELDS = ("note", "split", "kind")
QUESTION_SPLITS = ("dev", "test")
# The near misses of the unanswerable set (eval/README.md, "The unanswerable set").
UNANSWERABLE_KINDS = ("modifier", "related_number", "agent", "role", "date", "place", "unit", "unreported")
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
    if "split" in q and q["split"] not in QUESTION_SPLITS:
        problems.append(f"bad split {q['split']!r} (expected dev or test)")
    if "kind" in q and q["kind"] not in UNANSWERABLE_KINDS:
        problems.append(f"bad kind {q['kind']!r} (expected one of {', '.join(UNANSWERABLE_KINDS)})")
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


def _validate_items(path: Path | str, check: Callable[[dict], list[str]], what: str) -> list[str]:
    """Every problem of a JSONL set, each prefixed with its line (and id): unique ids, then ``check``."""
    try:
        items = load_questions(path)
    except (OSError, ValueError) as exc:
        return [str(exc)]
    if not items:
        return [f"{path}: no {what}"]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, 1):
        item_id = item.get("id")
        where = f"{path}:{number}" + (f" [{item_id}]" if item_id else "")
        if not isinstance(item_id, str) or not item_id.strip():
            problems.append(f"{where}: id must be a non-empty string")
        elif item_id in seen:
            problems.append(f"{where}: duplicate id (first on line {seen[item_id]})")
        else:
            seen[item_id] = number
        problems.extend(f"{where}: {p}" for p in check(item))
    return problems


def validate(questions_path: Path | str, articles: Mapping[str, str]) -> list[str]:
    """Return every problem found in the question set, each prefixed with its location; [] if sound."""
    return _validate_items(questions_path, lambda q: _check_question(q, articles), "questions")


def _check_unanswerable(q: dict, articles: Mapping[str, str]) -> list[str]:
    problems = _check_question(q, articles)
    if q.get("answerable") is not False:
        problems.append("the unanswerable set holds only unanswerable questions (answerable: false)")
    for name in ("kind", "split"):
        if name not in q:
            problems.append(f"missing field: {name}")
    if "grep:" not in str(q.get("note", "")).casefold():
        problems.append("note must record the grep run against the articles ('Grep: word, word, ...')")
    return problems


def validate_unanswerable(questions_path: Path | str, articles: Mapping[str, str]) -> list[str]:
    """``validate``, plus: every question unanswerable, with a kind, a split and its grep in the note.

    Whether the articles really leave a question unanswered is not checked: that was done by hand
    (grep for the question's focus words, read every hit), and the note records the words.
    """
    return _validate_items(questions_path, lambda q: _check_unanswerable(q, articles), "questions")


def load_unanswerable_articles() -> dict[str, str]:
    """The unanswerable set's articles: the seeds and the AllSides sample in one mapping."""
    return {**load_seed_articles(SEEDS_DIR), **load_jsonl_articles(ALLSIDES_SAMPLE)}


def _validator_for(path: Path | str) -> Callable[[Path | str, Mapping[str, str]], list[str]]:
    """``validate_unanswerable`` for eval/unanswerable.jsonl, ``validate`` for any other set."""
    return validate_unanswerable if Path(path).resolve() == UNANSWERABLE_QUESTIONS else validate


def summarise(questions_path: Path | str) -> dict[str, int]:
    """Questions per category (and per kind, for the unanswerable set) and per split, plus 'total'."""
    counts: dict[str, int] = {}
    questions = load_questions(questions_path)
    for q in questions:
        keys = [q.get("category", "?")]
        keys += [f"{name}:{q[name]}" for name in ("kind", "split") if name in q]
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    counts["total"] = len(questions)
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------------- the claim set

CLAIMS = REPO / "eval" / "claims.jsonl"
CLAIM_FIELDS = (
    "id",
    "articles",
    "question",
    "answer",
    "citations",
    "faithful",
    "fault",
    "wrong",
    "right",
    "split",
)
CLAIM_OPTIONAL_FIELDS = ("note",)
ARTICLE_GROUPS = ("seeds", "allsides")
SPLITS = ("dev", "test")
# What a lexical check should catch, and what it is not expected to (negation) or must mark (derived).
LEXICAL_FAULTS = ("figure", "date", "name", "quote", "attribution", "uncited")
FAULTS = frozenset({*LEXICAL_FAULTS, "negation", "derived"})
# Faults whose planted words must be absent from the cited text (the others legitimately share words with it).
_ABSENT_FAULTS = frozenset({"figure", "date", "name", "quote", "attribution"})

_MARKER = re.compile(r"\[(\d+)\]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_OPENING_QUOTES = "\"'“‘"
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def load_claim_articles() -> dict[str, dict[str, str]]:
    """The claim set's article groups: ``seeds`` (seeds/) and ``allsides`` (eval/allsides_sample.jsonl)."""
    return {"seeds": load_seed_articles(SEEDS_DIR), "allsides": load_jsonl_articles(ALLSIDES_SAMPLE)}


def spelled_numbers(n: int) -> set[str]:
    """English spellings of ``n`` below a million, normalised: 168 -> "one hundred (and) sixty eight"."""

    def below_thousand(k: int) -> set[str]:
        if k < 20:
            return {_UNITS[k]}
        if k < 100:
            return {_TENS[k // 10] + ("" if k % 10 == 0 else " " + _UNITS[k % 10])}
        head = _UNITS[k // 100] + " hundred"
        if k % 100 == 0:
            return {head}
        return {f"{head}{joint}{rest}" for rest in below_thousand(k % 100) for joint in (" ", " and ")}

    if n < 0 or n >= 1_000_000:
        return set()
    if n < 1000:
        return below_thousand(n)
    heads = {h + " thousand" for h in below_thousand(n // 1000)}
    if n % 1000 == 0:
        return heads
    tails = below_thousand(n % 1000)
    return {f"{h}{joint}{rest}" for h in heads for rest in tails for joint in (" ", " and ")}


def _occurrences(text: str, quote: str) -> list[int]:
    found, pos = [], text.find(quote)
    while pos != -1:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    return found


def cited_sentences(text: str, quote: str, before: bool = False) -> list[str]:
    """The sentences of ``text`` that hold (part of) ``quote``, with the sentence before each if ``before``.

    Sentences as qa splits them (``qa.text.split_sentences``); every occurrence of the quote counts.
    """
    spans = split_sentences(text)
    picked: set[int] = set()
    for pos in _occurrences(text, quote):
        end = pos + len(quote)
        for i, (s, e) in enumerate(spans):
            if s < end and pos < e:
                picked.add(i)
                if before and i > 0:
                    picked.add(i - 1)
    return [text[spans[i][0] : spans[i][1]] for i in sorted(picked)]


def _numbers_in(text: str) -> set[str]:
    return {m.group(0).replace(",", "") for m in _DIGITS.finditer(text)}


def _number_backed(number: str, cited: str) -> bool:
    """True if ``number`` (digits) is in ``cited`` as digits, or as its value written in words."""
    if number in _numbers_in(cited):
        return True
    if not number.isdigit():
        return False
    haystack = f" {normalise(cited)} "
    return any(f" {words} " in haystack for words in spelled_numbers(int(number)))


def _check_claim(item: dict, groups: Mapping[str, Mapping[str, str]]) -> list[str]:
    problems: list[str] = []
    missing = [f for f in CLAIM_FIELDS if f not in item]
    if missing:
        return [f"missing field(s): {', '.join(missing)}"]
    unknown = sorted(set(item) - set(CLAIM_FIELDS) - set(CLAIM_OPTIONAL_FIELDS))
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    group, answer, citations = item["articles"], item["answer"], item["citations"]
    faithful, fault, wrong, right = item["faithful"], item["fault"], item["wrong"], item["right"]
    for name in ("question", "answer"):
        if not isinstance(item[name], str) or not item[name].strip():
            problems.append(f"{name} must be a non-empty string")
    if not isinstance(answer, str):
        answer = ""
    if not isinstance(item.get("note", ""), str):
        problems.append("note must be a string")
    if group not in ARTICLE_GROUPS:
        problems.append(f"bad articles {group!r} (expected one of {', '.join(ARTICLE_GROUPS)})")
    if item["split"] not in SPLITS:
        problems.append(f"bad split {item['split']!r} (expected dev or test)")
    if not isinstance(faithful, bool):
        problems.append("faithful must be true or false")
    if faithful is True and (fault, wrong, right) != (None, None, None):
        problems.append("a faithful item must have fault, wrong and right all null")
    known_fault = isinstance(fault, str) and fault in FAULTS
    if faithful is False:
        if not known_fault:
            problems.append(f"bad fault {fault!r} (expected one of {', '.join(sorted(FAULTS))})")
        if not isinstance(wrong, str) or not wrong.strip():
            problems.append("an unfaithful item needs wrong: the planted words, a substring of answer")
            wrong = None
        if right is not None and (not isinstance(right, str) or not right.strip()):
            problems.append("right must be null or a non-empty string")
            right = None
        if fault == "derived" and not str(item.get("note", "")).strip():
            problems.append("a derived item needs a note with the arithmetic")
    if not isinstance(citations, list) or not citations:
        return [*problems, 'citations must be a non-empty list of {"doc_id": str, "quote": str}']
    if not all(
        isinstance(c, dict) and isinstance(c.get("doc_id"), str) and isinstance(c.get("quote"), str)
        for c in citations
    ):
        return [*problems, 'citations must be a non-empty list of {"doc_id": str, "quote": str}']

    # Markers: each [n] points at a citation, each citation has a marker.
    markers = {int(m.group(1)) for m in _MARKER.finditer(answer)}
    for n in sorted(markers):
        if not 1 <= n <= len(citations):
            problems.append(f"marker [{n}] has no citation ({len(citations)} given)")
    for n in range(1, len(citations) + 1):
        if n not in markers:
            problems.append(f"citation {n} is referenced by no [{n}] marker in the answer")

    # Quotes: verbatim in their article; gather the sentences they sit in.
    articles = groups.get(group, {}) if isinstance(group, str) else {}
    quotes: list[str] = []
    sentences: list[str] = []  # the sentences holding the quotes
    window: list[str] = []  # the same, with the sentence before each (a pronoun's antecedent)
    for c in citations:
        doc_id, quote = c["doc_id"], c["quote"]
        unknown_keys = sorted(set(c) - {"doc_id", "quote"})
        if unknown_keys:
            problems.append(f"citation has unknown field(s): {', '.join(unknown_keys)}")
        if doc_id not in articles:
            problems.append(f"citation doc_id {doc_id!r} is not an article of {group!r}")
            continue
        text = articles[doc_id]
        if not quote.strip() or quote != quote.strip():
            problems.append(f"quote is empty or has leading/trailing whitespace: {quote!r}")
        if quote not in text:
            hint = ""
            if _loose(quote) in _loose(text):
                hint = " (it matches once whitespace/quotes/dashes are normalised: copy it exactly)"
            problems.append(f"quote is not a verbatim substring of {doc_id}{hint}: {quote!r}")
            continue
        if quote_in_furniture(text, quote):
            problems.append(f"quote comes from page furniture in {doc_id}: {quote!r}")
        quotes.append(quote)
        sentences.extend(cited_sentences(text, quote))
        window.extend(cited_sentences(text, quote, before=True))
    if len(quotes) < len(citations):
        return problems
    cited = " \n ".join([*quotes, *sentences])
    nearby = " \n ".join([*quotes, *window])

    if faithful is True:
        for number in sorted(_numbers_in(_MARKER.sub(" ", answer))):
            if not _number_backed(number, cited):
                problems.append(f"faithful answer has {number!r}, which is not in the cited sentences")
    if faithful is False and wrong is not None and known_fault:
        if wrong not in answer:
            problems.append(f"wrong {wrong!r} is not a substring of the answer")
        if fault == "uncited":
            if _MARKER.search(wrong):
                problems.append(f"the uncited sentence {wrong!r} carries a marker")
            if not re.search(r"\d|\b[A-Z]", wrong[1:]):
                problems.append(f"the uncited sentence {wrong!r} has no figure, name or date")
        if fault in _ABSENT_FAULTS and alias_matches(wrong, nearby):
            problems.append(
                f"wrong {wrong!r} occurs in the cited text or the sentence before it: no fault is planted"
            )
        if fault == "quote":
            pos = answer.find(wrong)
            if pos < 1 or answer[pos - 1] not in _OPENING_QUOTES:
                problems.append(f"quote fault {wrong!r} is not inside quotation marks in the answer")
        if right is not None and right not in cited:
            problems.append(f"right {right!r} is not verbatim in the cited sentences")
    return problems


def validate_claims(claims_path: Path | str, articles: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Return every problem found in the claim set, each prefixed with its location; [] if sound.

    ``articles`` maps each article group an item can name (``seeds``, ``allsides``) to its
    doc_id -> text mapping, as :func:`load_claim_articles` builds it.
    """
    return _validate_items(claims_path, lambda item: _check_claim(item, articles), "claims")


def summarise_claims(claims_path: Path | str) -> dict[str, int]:
    """Items per kind ('faithful' or the fault) and per split, plus 'total'."""
    counts: dict[str, int] = {}
    items = load_questions(claims_path)
    for item in items:
        kind = "faithful" if item.get("faithful") is True else str(item.get("fault"))
        for key in (kind, f"{kind}/{item.get('split')}"):
            counts[key] = counts.get(key, 0) + 1
    counts["total"] = len(items)
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------------- command line


def _default_runs() -> list[tuple[Path, dict[str, str] | None, str]]:
    runs: list[tuple[Path, dict[str, str] | None, str]] = [
        (SEED_QUESTIONS, load_seed_articles(SEEDS_DIR), "seeds"),
        (ALLSIDES_QUESTIONS, load_jsonl_articles(ALLSIDES_SAMPLE), "AllSides sample"),
        (UNANSWERABLE_QUESTIONS, load_unanswerable_articles(), "unanswerable: seeds + AllSides sample"),
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
    parser.add_argument("sets", nargs="*", help="question set(s) to check (default: the project's four sets)")
    parser.add_argument(
        "--seeds", action="append", default=[], help="seed-style article file or folder (doc_id = file stem)"
    )
    parser.add_argument("--articles", action="append", default=[], help="qa JSONL articles file (id, text)")
    parser.add_argument("--events", help="AllSides events.jsonl (articles built by bench/allsides.py)")
    parser.add_argument(
        "--claims",
        action="append",
        default=[],
        help="claim set(s) to check against the seeds and the AllSides sample (default: eval/claims.jsonl)",
    )
    args = parser.parse_args(argv)

    if args.sets or args.claims:
        articles = load_articles_from_paths([*args.seeds, *args.articles], events=args.events)
        if not articles:
            articles = load_seed_articles(SEEDS_DIR)
        runs = [(Path(s), articles, str(s)) for s in args.sets]
        claim_sets = [Path(c) for c in args.claims]
    else:
        runs = _default_runs()
        claim_sets = [CLAIMS]

    failed = False
    for path, articles, label in runs:
        problems = _validator_for(path)(path, articles or {})
        counts = summarise(path) if Path(path).is_file() else {}
        failed = _report(path, label, problems, counts) or failed
    claim_articles = load_claim_articles() if claim_sets else {}
    for path in claim_sets:
        problems = validate_claims(path, claim_articles)
        counts = summarise_claims(path) if path.is_file() else {}
        failed = _report(path, "claims: seeds + AllSides sample", problems, counts) or failed
    return 1 if failed else 0


def _report(path: Path, label: str, problems: list[str], counts: dict[str, int]) -> bool:
    """Print one set's verdict and problems; True if it has problems."""
    status = "OK" if not problems else f"{len(problems)} problem(s)"
    print(f"{path} ({label}): {status}; {json.dumps(counts)}")
    for problem in problems:
        print(f"  - {problem}")
    return bool(problems)


if __name__ == "__main__":
    sys.exit(main())
