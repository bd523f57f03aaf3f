"""LLM faults through a real OpenAI-compatible HTTP server on 127.0.0.1 (cases: tests/llm_faults.py).

Each fault ends in exactly one sentence on stderr and exit 1 (or, for a 429 with Retry-After,
success after one retry); never a traceback; stdout stays empty on failure (also with --json);
and the index is not written to.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers.llm_faults import API_KEY, CASES, QUOTE, Run, fault_runs
from tests.helpers.processes import QAForkServer
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(
    fork_server: QAForkServer, seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Run]:
    return fault_runs(fork_server, seed_index_dir, tmp_path_factory.mktemp("llm-faults"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_ends_in_one_clear_sentence(case, runs: list[Run]):
    mine = [r for r in runs if r.case == case]
    assert len(mine) == (2 if case.json_too else 1)
    for run in mine:
        out, err = run.outcome.stdout, run.outcome.stderr
        assert "Traceback" not in out + err and "Error:" not in err.replace("error:", "")
        assert run.requests == case.requests, f"{run.requests} requests reached the server"
        assert all(h == f"Bearer {API_KEY}" for h in run.auth_headers)  # the key was really in play
        assert run.index_after[0] == run.index_before[0], "the manifest file changed"
        assert run.index_after[1] == run.index_before[1], "the index changed"
        if case.expect is None:
            assert run.outcome.code == 0, err
            assert run.seconds >= case.min_seconds, "Retry-After was not honoured"
            if run.as_json:
                doc = json.loads(out)
                [citation] = doc["citations"]
                assert (
                    doc["status"] == "answered" and citation["verified"] and citation["doc_id"] == GLOBAL_NEWS
                )
                article = (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8")
                assert article[citation["start"] : citation["end"]] == QUOTE
            else:
                assert out.startswith("168 lawmakers attended [1].") and "UNVERIFIED" not in out
            continue
        assert run.outcome.code == 1, (run.outcome.code, err)
        assert out == "", "nothing on stdout when the command failed"
        lines = err.splitlines()
        assert len(lines) == 1, err
        assert re.search(case.expect, lines[0]), lines[0]
