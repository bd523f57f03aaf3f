"""The claim set: hand-written faithful and unfaithful answers, and how the claim check judges them.

``eval/claims.jsonl`` (described in ``eval/README.md``) holds answers written the way models phrase
them, each with verbatim citations, over the seeds and the AllSides sample. A faithful answer must
pass the check (:mod:`qa.answer.claims`) untouched; an unfaithful one carries one planted fault, and
the check must flag it when the fault is lexical (figure, date, name, quote, attribution, uncited).
A ``derived`` figure counts as caught when it is flagged or reported as derived. ``negation`` is
not lexical: it is reported, never gated (only ``qa ask --judge`` can see it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from qa.answer.citations import locate
from qa.answer.claims import check_claims
from qa.errors import QAError
from qa.ingest.loaders import iter_files, load_file
from qa.jsonl import read_objects
from qa.types import Citation, Claim

DEFAULT_CLAIM_SET = Path("eval/claims.jsonl")
LEXICAL = ("figure", "date", "name", "quote", "attribution", "uncited")
KINDS = (*LEXICAL, "derived", "negation")
# Where each group of articles the items name lives, relative to the claim set's folder.
GROUPS = {"seeds": "../seeds", "allsides": "allsides_sample.jsonl"}
_MAX_MB = 50.0


@dataclass(frozen=True)
class ClaimItem:
    """One hand-written answer of the set, as the check judged it."""

    id: str
    split: str
    fault: str  # "faithful" or the kind of the planted fault
    answer: str
    flagged: bool  # some claim is unsupported
    derived: bool  # some claim reports a derived figure
    problems: tuple[str, ...]

    @property
    def caught(self) -> bool:
        """For an unfaithful item: the check flagged it (or, for a derived figure, reported it)."""
        return self.flagged or (self.fault == "derived" and self.derived)


@dataclass(frozen=True)
class ClaimSetReport:
    """The check over the whole set: what it flagged, per kind and split."""

    path: str
    items: tuple[ClaimItem, ...]

    def count(self, fault: str, split: str | None = None, caught: bool | None = None) -> int:
        """Items of one kind (and split), optionally only the caught (flagged, for faithful) ones."""
        out = 0
        for i in self.items:
            if i.fault != fault or (split is not None and i.split != split):
                continue
            hit = i.flagged if fault == "faithful" else i.caught
            out += caught is None or hit == caught
        return out

    def precision_recall(self, split: str | None = None) -> tuple[float | None, float | None]:
        """Of the flags on faithful and lexical-fault items: precision, and recall of the lexical faults."""
        caught = sum(self.count(k, split, caught=True) for k in LEXICAL)
        planted = sum(self.count(k, split) for k in LEXICAL)
        false = self.count("faithful", split, caught=True)
        precision = caught / (caught + false) if caught + false else None
        return precision, (caught / planted if planted else None)

    def gate_failures(self) -> list[str]:
        """What breaks the CI gate: a faithful answer flagged, or a lexical fault not caught."""
        out = [
            f"{i.id}: a faithful answer is flagged: {'; '.join(i.problems)}"
            for i in self.items
            if i.fault == "faithful" and i.flagged
        ]
        out += [
            f"{i.id}: the planted {i.fault} fault is not caught"
            for i in self.items
            if i.fault in LEXICAL and not i.caught
        ]
        return out


def _articles(folder: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for group in GROUPS.values():
        for path in iter_files([(folder / group).resolve()]):
            if not isinstance(path, Path):
                continue
            result = load_file(path, int(_MAX_MB * 1024 * 1024))
            texts.update((article.doc_id, article.text) for article in result.articles)
    return texts


def _citation(raw: Mapping[str, object], article_text: Callable[[str], str]) -> Citation:
    doc_id, quote = str(raw.get("doc_id", "")), str(raw.get("quote", ""))
    span = locate(quote, article_text(doc_id))
    if span is None:
        return Citation(doc_id, None, None, quote, False)
    return Citation(doc_id, span[0], span[1], quote, True)


def score_claim_set(path: Path = DEFAULT_CLAIM_SET) -> ClaimSetReport:
    """Run the claim check over every answer of the set, with citations located in their articles."""
    if not path.is_file():
        raise QAError(f"Cannot read the claim set {path}.")
    texts = _articles(path.parent)

    def article_text(doc_id: str) -> str:
        return texts.get(doc_id, "")

    items = []
    for record in read_objects(path):
        citations = [_citation(c, article_text) for c in record.get("citations", [])]
        answer = str(record.get("answer", ""))
        claims: tuple[Claim, ...] = check_claims(answer, citations, article_text)
        items.append(
            ClaimItem(
                id=str(record.get("id", "")),
                split=str(record.get("split", "")),
                fault=str(record.get("fault") or "faithful"),
                answer=answer,
                flagged=any(not c.supported for c in claims),
                derived=any(c.derived for c in claims),
                problems=tuple(p for c in claims for p in c.problems),
            )
        )
    return ClaimSetReport(str(path), tuple(items))


def claim_set_markdown(report: ClaimSetReport) -> list[str]:
    """The report's section on the claim set: per kind and split, then precision and recall."""
    lines = [
        f"## The claim check on `{report.path}`",
        "",
        "Hand-written answers with verbatim citations (see eval/README.md). A faithful answer counts "
        "against the check when it is flagged; a fault counts for it when it is caught.",
        "",
        "| kind | dev: caught / items | test: caught / items |",
        "|---|---:|---:|",
    ]
    for kind in ("faithful", *KINDS):
        cells = [f"{report.count(kind, s, caught=True)} / {report.count(kind, s)}" for s in ("dev", "test")]
        label = "faithful (flagged)" if kind == "faithful" else kind
        label += " — not lexical: only `--judge` sees it" if kind == "negation" else ""
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    lines.append("")
    for split in ("dev", "test", None):
        precision, recall = report.precision_recall(split)
        shown = "all" if split is None else split
        lines.append(
            f"- {shown}: precision of flags {ratio(precision)}, recall of lexical faults {ratio(recall)}"
        )
    return lines


def claim_set_json(report: ClaimSetReport) -> dict[str, object]:
    """The claim set's part of the ``qa eval --json`` document."""
    precision, recall = report.precision_recall()
    return {
        "path": report.path,
        "items": len(report.items),
        "precision": precision,
        "recall": recall,
        "kinds": {
            kind: {
                split: [report.count(kind, split, caught=True), report.count(kind, split)]
                for split in ("dev", "test")
            }
            for kind in ("faithful", *KINDS)
        },
        "failures": report.gate_failures(),
    }


def ratio(value: float | None) -> str:
    """A share to three places, or n/a."""
    return "n/a" if value is None else f"{value:.3f}"
