"""qa eval's default sets work from any directory: from a checkout and from the wheel's own copy.

The wheel layout is rebuilt here from pyproject.toml's force-include table (no wheel is built), so a
set, sidecar or article file missing from that table fails the test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.evaluation.claimset import DEFAULT_CLAIM_SET, score_claim_set
from qa.evaluation.questions import DEFAULT_SET, default_path, load_questions, set_articles
from qa.ingest.loaders import iter_files, load_file
from tests.helpers.processes import qa_env, run_qa
from tests.helpers.seeds import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

SETS = ("questions", "unanswerable", "allsides_questions")


def _as_installed(site: Path) -> Path:
    """Copy what the wheel force-includes to where it puts it under ``site``; return the package dir."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for source, target in table.items():
        src, dst = ROOT / source, site / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    return site / "qa"


def _doc_ids(paths: list[Path]) -> set[str]:
    return {
        article.doc_id
        for path in iter_files(paths)
        if isinstance(path, Path)
        for article in load_file(path, 50 * 1024 * 1024).articles
    }


def test_the_default_sets_resolve_inside_an_installed_package(tmp_path: Path) -> None:
    package = _as_installed(tmp_path / "site")
    assert not (tmp_path / "eval").exists()  # the working directory (tmp_path) has no eval/
    for name in SETS:
        path = default_path(Path(f"eval/{name}.jsonl"), package_dir=package)
        assert path == package / "_eval" / "eval" / f"{name}.jsonl"
        # The sidecar's relative entries (../seeds/) land on the shipped copies, not the checkout.
        articles = set_articles(path)
        assert articles and all(a.is_relative_to(package.resolve()) for a in articles), articles
        cited = {e.doc_id for q in load_questions(path) for e in q.evidence}
        assert cited <= _doc_ids(articles), name
    claims = default_path(DEFAULT_CLAIM_SET, package_dir=package)
    assert claims == package / "_eval" / "eval" / "claims.jsonl"
    # Every citation of the claim set finds its article in the shipped copies: the gate holds there too.
    assert score_claim_set(claims).gate_failures() == []


def test_the_working_directory_comes_first_then_the_package(tmp_path: Path) -> None:
    package = _as_installed(tmp_path / "site")
    bare = tmp_path / "bare" / "qa"  # a package dir with no copy, in no checkout
    bare.mkdir(parents=True)
    assert default_path(DEFAULT_SET, package_dir=bare) == DEFAULT_SET  # so the error names it
    # The checkout this test runs from: the package's parent holds eval/.
    assert default_path(DEFAULT_SET) == ROOT / "eval" / "questions.jsonl"
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "questions.jsonl").write_text("{}\n", encoding="utf-8")
    assert default_path(DEFAULT_SET, package_dir=package) == DEFAULT_SET


def test_a_missing_set_named_like_a_shipped_one_gets_a_hint(tmp_path: Path) -> None:
    from qa.errors import QAError

    with pytest.raises(QAError, match=r"Cannot read the question set eval/allsides_questions\.jsonl") as info:
        load_questions(Path("eval/allsides_questions.jsonl"))
    assert f"--set {ROOT / 'eval' / 'allsides_questions.jsonl'}" in str(info.value)
    with pytest.raises(QAError) as info:
        load_questions(Path("mine.jsonl"))
    assert "ships" not in str(info.value)


@pytest.mark.slow
def test_qa_eval_runs_from_a_directory_without_eval(tmp_path: Path) -> None:
    result = run_qa(
        "eval", "--offline", "--json", env=qa_env(PYTHONPATH=str(ROOT)), cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    [set_doc] = doc["sets"]
    assert set_doc["set"] == str(ROOT / "eval" / "questions.jsonl")
    assert set_doc["articles"] == [str(ROOT / "seeds")]
    [run] = set_doc["runs"]
    assert run["reader"] == "extractive" and len(run["questions"]) == set_doc["questions"] >= 44
    assert not (tmp_path / ".qa-index").exists()  # a temporary index, as from the checkout
