"""The CI gate on the claim set: no faithful answer flagged, every lexical fault caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from qa.evaluation.claimset import LEXICAL, claim_set_markdown, score_claim_set
from tests.helpers.seeds import ROOT

CLAIM_SET = ROOT / "eval" / "claims.jsonl"


def test_no_faithful_answer_is_flagged_and_every_lexical_fault_is_caught() -> None:
    report = score_claim_set(CLAIM_SET)
    assert report.gate_failures() == []
    assert report.count("faithful") >= 40 and all(report.count(kind) >= 5 for kind in LEXICAL)
    assert report.precision_recall() == (1.0, 1.0)


def test_derived_figures_are_reported_or_flagged_never_passed_silently() -> None:
    report = score_claim_set(CLAIM_SET)
    derived = [i for i in report.items if i.fault == "derived"]
    assert derived and all(i.caught for i in derived)


def test_the_gate_fails_on_a_fault_the_check_misses(tmp_path: Path) -> None:
    """The gate is not vacuous: a faithful answer turned unfaithful without a lexical trace is missed,
    and a faithful-marked answer with a wrong figure is flagged."""
    items = [json.loads(line) for line in CLAIM_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    figure = next(i for i in items if i["fault"] == "figure")
    faithful = next(i for i in items if i["faithful"])
    mislabelled = {**figure, "id": "x-1", "faithful": True, "fault": None}
    missed = {**faithful, "id": "x-2", "faithful": False, "fault": "name"}
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "claims.jsonl").write_text(
        "\n".join(json.dumps(i) for i in (mislabelled, missed)), encoding="utf-8"
    )
    shutil.copy(ROOT / "eval" / "allsides_sample.jsonl", tmp_path / "eval")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    failures = score_claim_set(tmp_path / "eval" / "claims.jsonl").gate_failures()
    assert [f.split(":")[0] for f in failures] == ["x-1", "x-2"]


def test_the_report_section_shows_both_splits() -> None:
    lines = claim_set_markdown(score_claim_set(CLAIM_SET))
    table = "\n".join(lines)
    assert "| figure |" in table and "dev: caught" in table and "recall of lexical faults 1.000" in table
