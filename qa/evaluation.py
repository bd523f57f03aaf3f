"""``qa eval``: run a factual question set through retrieval and a reader, and score it.

Every question goes down the same path as ``qa ask`` (:func:`qa.answer.ask`: hybrid search,
then the reader, then citation resolution) against an index holding the set's articles.
Scores, per question and overall:

* accuracy — answerable: answered and an accepted alias occurs in the answer text
  (normalised: case, accents, punctuation and thousands separators ignored, whole words
  only); unanswerable: ``not_found``. ``answerable_accuracy`` is the same on the
  answerable questions alone.
* citation_validity — verified citations / all citations.
* citation_support — answered answerable questions with at least one verified citation
  overlapping a gold evidence span / answered answerable questions.
* recall_at_k, mrr — answerable questions with a gold evidence span lying wholly inside a
  retrieved chunk (reciprocal rank of the first such chunk for MRR).
* not_found_precision, not_found_recall — on ``not_found`` replies vs the unanswerable questions.

A set names its articles in a sidecar next to it: ``eval/questions.jsonl`` →
``eval/questions.articles``, one file or folder per line, relative to the sidecar
(``#`` starts a comment). ``--articles`` overrides it.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence

from qa.config import Settings
from qa.errors import ConfigError, LLMError, QAError

if TYPE_CHECKING:
    import numpy as np

    from qa.answer import Reader
    from qa.corpus import Corpus
    from qa.embedding import Embedder
    from qa.replay import Recorder, Replayer
    from qa.types import Answer

ReaderKind = Literal["simulated", "extractive", "live", "replay"]
DEFAULT_SET = Path("eval/questions.jsonl")
SIDECAR_SUFFIX = ".articles"
# Metrics a threshold can gate on, in display order.
GATED = ("accuracy", "citation_validity", "citation_support", "recall_at_k", "mrr", "not_found_precision", "not_found_recall")
METRICS = ("accuracy", "answerable_accuracy", *GATED[1:])
# A live endpoint that fails this many questions in a row is down, not flaky: stop.
MAX_CONSECUTIVE_ERRORS = 3


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


def load_questions(path: Path) -> list[Question]:
    """Read a question set; a malformed line is a clear error naming the line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QAError(f"Cannot read the question set {path}: {exc.strerror or exc}.") from None
    questions: list[Question] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            questions.append(
                Question(
                    id=str(raw["id"]),
                    question=str(raw["question"]),
                    answers=tuple(str(a) for a in raw["answers"]),
                    evidence=tuple(Evidence(str(e["doc_id"]), str(e["quote"])) for e in raw["evidence"]),
                    category=str(raw["category"]),
                    answerable=bool(raw["answerable"]),
                    note=str(raw.get("note") or ""),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise QAError(f"{path}:{number} is not a valid question ({type(exc).__name__}: {exc}); see eval/README.md.") from None
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

# The same rules as eval/validate.py's normalise (tests keep the two in step).
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00ad": None,
    }
)
_THOUSANDS = re.compile(r"(?<=\d)[,\u202f\u2009](?=\d{3}(?!\d))")
_PUNCT = re.compile(r"[^\w\s]|_")


def normalise_answer(text: str) -> str:
    """Casefold, strip accents, drop thousands separators, punctuation to spaces: "5,000 U.S." -> "5000 u s"."""
    text = unicodedata.normalize("NFKD", text.translate(_TYPOGRAPHIC))
    text = unicodedata.normalize("NFKC", "".join(ch for ch in text if not unicodedata.combining(ch))).casefold()
    return " ".join(_PUNCT.sub(" ", _THOUSANDS.sub("", text)).split())


def matches_alias(aliases: Sequence[str], text: str) -> bool:
    """True if any alias occurs in the text as whole words, after :func:`normalise_answer`."""
    haystack = f" {normalise_answer(text)} "
    return any((needle := normalise_answer(a)) and f" {needle} " in haystack for a in aliases)


# ----------------------------------------------------------------------------- scoring

Span = tuple[str, int, int]  # doc_id, start, end


@dataclass(frozen=True)
class QuestionResult:
    """How one reader did on one question."""

    id: str
    category: str
    answerable: bool
    question: str
    status: str  # answered, not_found, or error
    answer: str
    correct: bool
    citations: int
    verified: int
    supported: bool | None  # None unless an answerable question was answered
    rank: int | None  # 1-based rank of the first retrieved chunk holding gold evidence; 0 = none; None if unanswerable
    cited: tuple[dict[str, Any], ...] = ()


def gold_spans(question: Question, article_text: Callable[[str], str]) -> list[Span]:
    """Locate each gold quote in its article; a quote not found is an error in the set."""
    from qa.citations import locate

    spans: list[Span] = []
    for item in question.evidence:
        try:
            text = article_text(item.doc_id)
        except QAError:
            raise QAError(f"Question {question.id} cites {item.doc_id!r}, which is not among the set's articles.") from None
        where = locate(item.quote, text)
        if where is None:
            raise QAError(f"Question {question.id}: its evidence quote is not in {item.doc_id}: {item.quote[:80]!r}.")
        spans.append((item.doc_id, *where))
    return spans


def score(question: Question, answer: "Answer", spans: Sequence[Span]) -> QuestionResult:
    """Score one answer against the question's aliases and gold spans."""
    answered = answer.status == "answered"
    correct = (answered and matches_alias(question.answers, answer.text)) if question.answerable else answer.status == "not_found"
    supported = None
    if question.answerable and answered:
        supported = any(
            c.verified and c.start is not None and c.end is not None and c.doc_id == d and c.start < e and s < c.end
            for c in answer.citations
            for d, s, e in spans
        )
    rank = None
    if question.answerable:
        rank = next(
            (n for n, h in enumerate(answer.retrieved, start=1) if any(h.doc_id == d and h.start <= s and e <= h.end for d, s, e in spans)),
            0,
        )
    cited = tuple({"doc_id": c.doc_id, "start": c.start, "end": c.end, "verified": c.verified, "quote": c.quote} for c in answer.citations)
    return QuestionResult(
        question.id, question.category, question.answerable, question.question, answer.status, answer.text, correct,
        len(answer.citations), sum(c.verified for c in answer.citations), supported, rank, cited,
    )


def _error_result(question: Question, message: str) -> QuestionResult:
    return QuestionResult(question.id, question.category, question.answerable, question.question, "error", message, False, 0, 0,
                          False if question.answerable else None, None if not question.answerable else 0)


@dataclass(frozen=True)
class Metric:
    """A ratio with its counts, so a reader of the report can see how many questions it rests on."""

    hits: float
    total: int

    @property
    def value(self) -> float | None:
        """hits / total, or None when nothing was counted."""
        return self.hits / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        value = self.value
        return {"value": None if value is None else round(value, 4), "hits": round(self.hits, 4), "total": self.total}


def summarise(results: Sequence[QuestionResult]) -> dict[str, Metric]:
    """Overall metrics of one run."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    answered = [r for r in answerable if r.status == "answered"]
    said_not_found = [r for r in results if r.status == "not_found"]
    return {
        "accuracy": Metric(sum(r.correct for r in results), len(results)),
        "answerable_accuracy": Metric(sum(r.correct for r in answerable), len(answerable)),
        "citation_validity": Metric(sum(r.verified for r in results), sum(r.citations for r in results)),
        "citation_support": Metric(sum(bool(r.supported) for r in answered), len(answered)),
        "recall_at_k": Metric(sum(bool(r.rank) for r in answerable), len(answerable)),
        "mrr": Metric(sum(1 / r.rank for r in answerable if r.rank), len(answerable)),
        "not_found_precision": Metric(sum(not r.answerable for r in said_not_found), len(said_not_found)),
        "not_found_recall": Metric(sum(r.status == "not_found" for r in unanswerable), len(unanswerable)),
    }


# ----------------------------------------------------------------------------- running


class MemoEmbedder:
    """Wraps an embedder and embeds each distinct text once: the extractive reader sees the
    same sentences again and again across a question set."""

    def __init__(self, inner: "Embedder") -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, Any] = {}

    @property
    def dim(self) -> int:
        """The wrapped embedder's dimension."""
        return self.inner.dim

    def embed(self, texts: Sequence[str]) -> "np.ndarray":
        """Vectors for texts, computing only the ones not seen before."""
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self.inner.embed(missing)))
        return np.stack([self._cache[t] for t in texts]) if texts else self.inner.embed([])


@dataclass
class Run:
    """One reader over one question set."""

    reader: str
    backend: str
    model: str
    results: list[QuestionResult]
    seconds: float

    @property
    def metrics(self) -> dict[str, Metric]:
        """Overall metrics."""
        return summarise(self.results)


@dataclass
class SetReport:
    """All runs over one question set."""

    path: str
    articles: list[str]
    questions: list[Question]
    runs: list[Run]
    index_articles: int = 0
    index_chunks: int = 0


@dataclass
class EvalReport:
    """Everything one ``qa eval`` produced, for the table, the JSON and the report file."""

    date: str
    primary: str
    k: int
    embedder: str
    chunking: str
    prompts: dict[str, str]
    sets: list[SetReport]
    thresholds: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    command: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EvalOptions:
    """What to run: see ``qa eval --help``."""

    sets: tuple[Path, ...] = (DEFAULT_SET,)
    articles: tuple[Path, ...] = ()
    reader: ReaderKind = "simulated"
    record: Path | None = None
    replay: Path | None = None
    k: int | None = None
    index: Path | None = None
    compare: bool = False  # also run the other offline readers (simulated, extractive) for a side-by-side
    thresholds: dict[str, float] = field(default_factory=dict)
    command: str = ""


def evaluate(corpus: "Corpus", questions: Sequence[Question], reader: "Reader", k: int, label: str, model: str) -> Run:
    """Ask every question through :func:`qa.answer.ask` and score the answers."""
    from qa.answer import ask

    results: list[QuestionResult] = []
    errors = 0
    started = time.perf_counter()
    for question in questions:
        spans = gold_spans(question, corpus.article_text) if question.answerable else []
        try:
            answer = ask(corpus, question.question, reader, k)
        except LLMError as exc:
            errors += 1
            if errors >= MAX_CONSECUTIVE_ERRORS:
                raise LLMError(f"{MAX_CONSECUTIVE_ERRORS} questions in a row failed; the last: {exc}") from None
            results.append(_error_result(question, str(exc)))
            continue
        errors = 0
        results.append(score(question, answer, spans))
    return Run(label, getattr(reader, "backend", label), model, results, time.perf_counter() - started)


class _Readers:
    """Builds the readers of a run; owns the HTTP clients, the recorder and the replayer."""

    def __init__(self, options: EvalOptions, settings: Settings) -> None:
        from qa.replay import Recorder, Replayer

        self.options = options
        self.settings = settings
        self.replayer: Replayer | None = Replayer(options.replay) if options.replay else None
        self.recorder: Recorder | None = None
        self.clients: list[Any] = []
        if options.reader == "live" and not settings.llm_configured:
            raise ConfigError("qa eval --live needs a model: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server (and QA_MODEL).")
        if options.record and options.reader in ("extractive", "replay"):
            raise ConfigError("--record saves a model's replies: use it with --live or the simulated model, not --offline or --replay.")
        if options.record:
            model, endpoint = self._model_endpoint(options.reader)
            self.recorder = Recorder(model, endpoint)

    def _model_endpoint(self, kind: ReaderKind) -> tuple[str, str]:
        from qa.llm import DEFAULT_BASE_URL, _shown_url
        from qa.simulated import SIMULATED_BASE_URL, SIMULATED_MODEL

        if kind == "simulated":
            return SIMULATED_MODEL, SIMULATED_BASE_URL
        if kind == "replay" and self.replayer is not None:
            return self.replayer.model, f"replay of {self.replayer.path}"
        if kind == "live":
            return self.settings.model, _shown_url(self.settings.openai_base_url or DEFAULT_BASE_URL)
        return "", ""

    def kinds(self) -> list[ReaderKind]:
        """The primary reader first, then (with compare) the other offline readers."""
        kinds: list[ReaderKind] = [self.options.reader]
        if self.options.compare:
            kinds += [k for k in ("simulated", "extractive") if k not in kinds]  # type: ignore[misc]
        return kinds

    def model(self, kind: ReaderKind) -> str:
        """The model name a run reports."""
        return self._model_endpoint(kind)[0] or "none (extractive)"

    def build(self, kind: ReaderKind, corpus: "Corpus") -> "Reader":
        """A reader of the given kind; only the primary one is recorded."""
        import httpx2

        from qa.llm import LLMReader, make_client

        if kind == "extractive":
            from qa.extractive import ExtractiveReader

            return ExtractiveReader(corpus.embedder)
        recorder = self.recorder if kind == self.options.reader else None
        if kind == "simulated":
            from qa.simulated import SIMULATED_BASE_URL, SIMULATED_KEY, SIMULATED_MODEL, SimulatedModel

            settings = replace(self.settings, openai_api_key=SIMULATED_KEY, openai_base_url=SIMULATED_BASE_URL, model=SIMULATED_MODEL, max_retries=0)
            transport = httpx2.MockTransport(SimulatedModel().handle)
            client = recorder.http_client(transport) if recorder else httpx2.Client(transport=transport)
        elif kind == "replay":
            from qa.replay import REPLAY_BASE_URL, REPLAY_KEY

            assert self.replayer is not None
            settings = replace(self.settings, openai_api_key=REPLAY_KEY, openai_base_url=REPLAY_BASE_URL, model=self.replayer.model, max_retries=0)
            client = self.replayer.http_client()
        else:
            settings = self.settings
            client = recorder.http_client() if recorder else None
        if client is not None:
            self.clients.append(client)
        return LLMReader(settings, client=make_client(settings, http_client=client))

    def close(self) -> None:
        """Close the HTTP clients and write the recording."""
        for client in self.clients:
            client.close()
        if self.recorder is not None and self.options.record is not None:
            self.recorder.save(self.options.record)


def _open_corpus(settings: Settings, articles: Sequence[Path], on_notice: Callable[[str], None]) -> "Corpus":
    from qa.corpus import Corpus
    from qa.embedding import load_embedder
    from qa.ingest import ingest

    report = ingest(list(articles), settings)
    if report.failed:
        raise QAError("Some of the set's articles could not be ingested: " + "; ".join(report.failed))
    on_notice(f"indexed {len(report.added) + len(report.replaced) + len(report.unchanged)} article(s) in {settings.index}")
    corpus = Corpus(settings, embedder=MemoEmbedder(load_embedder(settings)))
    corpus.require_articles()
    return corpus


def run_eval(options: EvalOptions, settings: Settings, on_notice: Callable[[str], None] = lambda m: None) -> EvalReport:
    """Run every reader over every set; the index is a temporary one unless ``options.index`` is given."""
    from qa.replay import prompt_hashes

    unknown = sorted(set(options.thresholds) - set(GATED))
    if unknown:
        raise ConfigError(f"Unknown eval threshold(s) {', '.join(unknown)}; known: {', '.join(GATED)}.")
    k = options.k or settings.k
    readers = _Readers(options, settings)
    report = EvalReport(
        date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        primary=options.reader,
        k=k,
        embedder=settings.embedding,
        chunking=f"{settings.chunk_size} chars, {settings.chunk_overlap} overlap",
        prompts=prompt_hashes(),
        sets=[],
        thresholds=dict(options.thresholds),
        command=options.command,
    )
    if readers.replayer is not None:
        report.notes.append(f"replayed from {readers.replayer.path} (recorded {readers.replayer.recorded} against {readers.replayer.endpoint})")
        changed = readers.replayer.changed_prompts()
        if changed:
            report.notes.append(f"prompt file(s) changed since the recording: {', '.join(changed)}")
    try:
        with tempfile.TemporaryDirectory(prefix="qa-eval-", ignore_cleanup_errors=True) as scratch:
            for number, set_path in enumerate(options.sets):
                questions = load_questions(set_path)
                articles = list(options.articles) or set_articles(set_path)
                if options.index is not None:
                    set_settings = replace(settings, index=options.index)
                else:  # a private embedded index, whatever QA_CHROMA_URL says
                    set_settings = replace(settings, index=Path(scratch) / f"set-{number}", chroma_url="")
                on_notice(f"eval: {set_path} ({len(questions)} questions)")
                with _open_corpus(set_settings, articles, on_notice) as corpus:
                    runs = []
                    for kind in readers.kinds():
                        on_notice(f"eval: {kind} reader…")
                        runs.append(evaluate(corpus, questions, readers.build(kind, corpus), k, kind, readers.model(kind)))
                    indexed = corpus.store.sources()
                report.sets.append(
                    SetReport(str(set_path), [_shown(a) for a in articles], questions, runs, len(indexed), sum(s.chunks for s in indexed))
                )
    finally:
        readers.close()
    report.failures = check_thresholds(report)
    return report


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_thresholds(report: EvalReport) -> list[str]:
    """One sentence per metric of the primary reader below its threshold, in every set."""
    failures = []
    for set_report in report.sets:
        run = set_report.runs[0]
        metrics = run.metrics
        for name, minimum in report.thresholds.items():
            if not minimum:
                continue
            value = metrics[name].value
            if value is None:
                failures.append(f"{set_report.path}: {name} is undefined for the {run.reader} reader (nothing to count), below --min {minimum}")
            elif value < minimum:
                failures.append(f"{set_report.path}: {name} {value:.3f} is below the threshold {minimum} ({run.reader} reader)")
    return failures
