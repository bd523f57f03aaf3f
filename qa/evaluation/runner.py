"""``qa eval``: run factual question sets through retrieval and a reader, and score them.

Every question goes down the same path as ``qa ask`` (:func:`qa.answer.ask.ask`: hybrid search,
then the reader, then citation resolution) against an index holding the set's articles.
The set, its articles and answer matching are :mod:`qa.evaluation.questions`; the scores and metrics
:mod:`qa.evaluation.score`; the table, JSON and report file :mod:`qa.evaluation.render`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import numpy as np

from qa.answer.ask import Reader, ask
from qa.answer.extractive import ExtractiveReader
from qa.answer.judge import Judge
from qa.answer.llm import LLMReader
from qa.config import DEFAULT_BASE_URL, Settings
from qa.errors import ConfigError, LLMError, QAError
from qa.evaluation.claimset import ClaimSetReport, score_claim_set
from qa.evaluation.questions import DEFAULT_SET, Question, gold_spans, load_questions, set_articles
from qa.evaluation.replay import REPLAY_BASE_URL, REPLAY_KEY, Recorder, Replayer, prompt_hashes
from qa.evaluation.score import (
    GATED,
    FaultCount,
    Metric,
    QuestionResult,
    count_faults,
    error_result,
    faults_caught,
    score,
    summarise,
)
from qa.evaluation.simulated import (
    FAULT_KINDS,
    SIMULATED_BASE_URL,
    SIMULATED_KEY,
    SIMULATED_MODEL,
    Planted,
    SimulatedModel,
)
from qa.index.corpus import Corpus
from qa.index.embedding import Embedder, load_embedder
from qa.ingest.pipeline import ingest
from qa.openai_client import make_client
from qa.urls import shown_url

ReaderKind = Literal["simulated", "extractive", "live", "replay"]
# A live endpoint that fails this many questions in a row is down, not flaky: stop.
MAX_CONSECUTIVE_ERRORS = 3


# ----------------------------------------------------------------------------- running


class MemoEmbedder:
    """Wraps an embedder and embeds each distinct text once: the extractive reader sees the
    same sentences again and again across a question set."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, Any] = {}

    @property
    def dim(self) -> int:
        """The wrapped embedder's dimension."""
        return self.inner.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for texts, computing only the ones not seen before."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self.inner.embed(missing), strict=True))
        return np.stack([self._cache[t] for t in texts]) if texts else self.inner.embed([])


@dataclass
class Run:
    """One reader over one question set."""

    reader: str
    backend: str
    model: str
    results: list[QuestionResult]
    seconds: float
    fault: str = ""  # the fault the simulated model planted in this run ("" for honest replies)

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
    # qa eval --faults: one run of the simulated model per fault kind, in FAULT_KINDS order.
    fault_runs: list[Run] = field(default_factory=list)

    @property
    def faults(self) -> dict[str, FaultCount]:
        """Planted and caught faults per kind (empty without --faults)."""
        return {r.fault: count_faults(r.fault, r.results) for r in self.fault_runs}

    def metrics(self) -> dict[str, Metric]:
        """The primary run's metrics, plus faults_caught when faults were planted."""
        metrics = dict(self.runs[0].metrics)
        if self.fault_runs:
            metrics["faults_caught"] = faults_caught(self.faults)
        return metrics


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
    claim_set: ClaimSetReport | None = None  # the claim check on a hand-written claim set (--claims)


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
    fault: str = ""  # plant this fault (FAULT_KINDS) in every simulated reader's answers
    faults: bool = False  # also run the simulated reader once per fault kind, counting what the check catches
    claims: Path | None = None  # a claim set (eval/claims.jsonl) to score the claim check on
    judge: bool = False  # also ask the model judge about every claim (through the same client, so recorded)


def evaluate(
    corpus: Corpus,
    questions: Sequence[Question],
    reader: Reader,
    k: int,
    label: str,
    model: str,
    model_under_test: SimulatedModel | None = None,
    judge: Judge | None = None,
) -> Run:
    """Ask every question through :func:`qa.answer.ask.ask` and score the answers.

    With the simulated model behind the reader, each answer is scored with the fault it planted.
    """
    results: list[QuestionResult] = []
    errors = 0
    started = time.perf_counter()
    for question in questions:
        spans = gold_spans(question, corpus.article_text) if question.answerable else []
        try:
            answer = ask(corpus, question.question, reader, k, judge)
        except LLMError as exc:
            errors += 1
            if errors >= MAX_CONSECUTIVE_ERRORS:
                raise LLMError(
                    f"{MAX_CONSECUTIVE_ERRORS} questions in a row failed; the last: {exc}"
                ) from None
            results.append(error_result(question, str(exc)))
            continue
        errors = 0
        planted: Planted | None = None
        if model_under_test is not None:
            planted = model_under_test.planted.get(question.question)
        results.append(score(question, answer, spans, planted))
    fault = model_under_test.fault if model_under_test is not None else ""
    seconds = time.perf_counter() - started
    return Run(label, getattr(reader, "backend", label), model, results, seconds, fault)


class _Readers:
    """Builds the readers of a run; owns the HTTP clients, the recorder and the replayer."""

    def __init__(self, options: EvalOptions, settings: Settings) -> None:
        self.options = options
        self.settings = settings
        self.replayer: Replayer | None = Replayer(options.replay) if options.replay else None
        self.recorder: Recorder | None = None
        self.clients: list[Any] = []
        if options.reader == "live" and not settings.llm_configured:
            raise ConfigError(
                "qa eval --live needs a model: set OPENAI_API_KEY, "
                "or OPENAI_BASE_URL for a local server (and QA_MODEL)."
            )
        if options.record and options.reader in ("extractive", "replay"):
            raise ConfigError(
                "--record saves a model's replies: use it with --live "
                "or the simulated model, not --offline or --replay."
            )
        if options.record:
            model, endpoint = self._model_endpoint(options.reader)
            self.recorder = Recorder(model, endpoint)

    def _model_endpoint(self, kind: ReaderKind) -> tuple[str, str]:
        if kind == "simulated":
            return SIMULATED_MODEL, SIMULATED_BASE_URL
        if kind == "replay" and self.replayer is not None:
            return self.replayer.model, f"replay of {self.replayer.path}"
        if kind == "live":
            return self.settings.model, shown_url(self.settings.openai_base_url or DEFAULT_BASE_URL)
        return "", ""

    def kinds(self) -> list[ReaderKind]:
        """The primary reader first, then (with compare) the other offline readers."""
        kinds: list[ReaderKind] = [self.options.reader]
        if self.options.compare:
            others: tuple[ReaderKind, ...] = ("simulated", "extractive")
            kinds += [k for k in others if k not in kinds]
        return kinds

    def model(self, kind: ReaderKind) -> str:
        """The model name a run reports."""
        return self._model_endpoint(kind)[0] or "none (extractive)"

    def build(
        self, kind: ReaderKind, corpus: Corpus, fault: str | None = None
    ) -> tuple[Reader, SimulatedModel | None]:
        """A reader of the given kind, and the simulated model behind it if any; only the primary
        reader is recorded, never a --faults run (``fault`` given)."""
        import httpx2  # only the simulated and replayed readers need it, and it is not light

        if kind == "extractive":
            return ExtractiveReader(corpus.embedder), None
        recorder = self.recorder if kind == self.options.reader and fault is None else None
        simulated: SimulatedModel | None = None
        client: httpx2.Client | None
        if kind == "simulated":
            settings = replace(
                self.settings,
                openai_api_key=SIMULATED_KEY,
                openai_base_url=SIMULATED_BASE_URL,
                model=SIMULATED_MODEL,
                max_retries=0,
            )
            simulated = SimulatedModel(self.options.fault if fault is None else fault)
            transport = httpx2.MockTransport(simulated.handle)
            client = recorder.http_client(transport) if recorder else httpx2.Client(transport=transport)
        elif kind == "replay":
            assert self.replayer is not None
            settings = replace(
                self.settings,
                openai_api_key=REPLAY_KEY,
                openai_base_url=REPLAY_BASE_URL,
                model=self.replayer.model,
                max_retries=0,
            )
            client = self.replayer.http_client()
        else:
            settings = self.settings
            client = recorder.http_client() if recorder else None
        if client is not None:
            self.clients.append(client)
        return LLMReader(settings, client=make_client(settings, http_client=client)), simulated

    def judge(self, reader: Reader) -> Judge | None:
        """With --judge, a judge on the model reader's own client (so it is recorded and replayed alike)."""
        if not self.options.judge or not isinstance(reader, LLMReader):
            return None
        return Judge(reader.settings, client=reader.client)

    def close(self) -> None:
        """Close the HTTP clients and write the recording."""
        for client in self.clients:
            client.close()
        if self.recorder is not None and self.options.record is not None:
            self.recorder.save(self.options.record)


def open_set_corpus(settings: Settings, articles: Sequence[Path], on_notice: Callable[[str], None]) -> Corpus:
    """Ingest a set's articles into ``settings.index`` and open it, with embeddings memoised per text."""
    report = ingest(list(articles), settings)
    if report.failed:
        raise QAError("Some of the set's articles could not be ingested: " + "; ".join(report.failed))
    on_notice(
        f"indexed {len(report.added) + len(report.replaced) + len(report.unchanged)} "
        f"article(s) in {settings.index}"
    )
    corpus = Corpus(settings, embedder=MemoEmbedder(load_embedder(settings)))
    corpus.require_articles()
    return corpus


def run_eval(
    options: EvalOptions, settings: Settings, on_notice: Callable[[str], None] = lambda m: None
) -> EvalReport:
    """Run every reader over every set; the index is a temporary one unless ``options.index`` is given."""
    unknown = sorted(set(options.thresholds) - set(GATED))
    if unknown:
        raise ConfigError(f"Unknown eval threshold(s) {', '.join(unknown)}; known: {', '.join(GATED)}.")
    if options.fault and options.fault not in FAULT_KINDS:
        raise ConfigError(f"Unknown fault {options.fault!r}; known: {', '.join(FAULT_KINDS)}.")
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
        report.notes.append(
            f"replayed from {readers.replayer.path} "
            f"(recorded {readers.replayer.recorded} against {readers.replayer.endpoint})"
        )
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
                with open_set_corpus(set_settings, articles, on_notice) as corpus:
                    runs = []
                    for kind in readers.kinds():
                        on_notice(f"eval: {kind} reader…")
                        reader, simulated = readers.build(kind, corpus)
                        runs.append(
                            evaluate(
                                corpus,
                                questions,
                                reader,
                                k,
                                kind,
                                readers.model(kind),
                                simulated,
                                readers.judge(reader),
                            )
                        )
                    fault_runs = []
                    for fault in FAULT_KINDS if options.faults else ():
                        on_notice(f"eval: simulated reader with planted {fault} faults…")
                        reader, simulated = readers.build("simulated", corpus, fault)
                        judge = readers.judge(reader)
                        fault_runs.append(
                            evaluate(
                                corpus, questions, reader, k, "simulated", SIMULATED_MODEL, simulated, judge
                            )
                        )
                    indexed = corpus.store.sources()
                report.sets.append(
                    SetReport(
                        str(set_path),
                        [_shown(a) for a in articles],
                        questions,
                        runs,
                        len(indexed),
                        sum(s.chunks for s in indexed),
                        fault_runs,
                    )
                )
    finally:
        readers.close()
    report.failures = check_thresholds(report)
    if options.claims is not None:
        on_notice(f"eval: the claim check on {options.claims}")
        report.claim_set = score_claim_set(options.claims)
        report.failures += report.claim_set.gate_failures()
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
        metrics = set_report.metrics()
        for name, minimum in report.thresholds.items():
            if not minimum:
                continue
            value = metrics[name].value if name in metrics else None
            if name == "faults_caught" and value is None:
                failures.append(
                    f"{set_report.path}: faults_caught is undefined (no lexical fault was planted; "
                    f"run qa eval --faults), below --min {minimum}"
                )
            elif value is None:
                failures.append(
                    f"{set_report.path}: {name} is undefined for the {run.reader} "
                    f"reader (nothing to count), below --min {minimum}"
                )
            elif value < minimum:
                failures.append(
                    f"{set_report.path}: {name} {value:.3f} is below "
                    f"the threshold {minimum} ({run.reader} reader)"
                )
    return failures
