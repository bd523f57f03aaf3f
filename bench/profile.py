"""Profiles behind bench/profile_notes.md: where a cold `qa ask`, warm searches and an ingest spend time.

    python -m bench --only ingest --keep /tmp/qa-bench     # build the indexes once
    python -m bench.profile /tmp/qa-bench/ingest/index-100000 [OUT_DIR]

Needs pyinstrument (`pip install pyinstrument`; a profiling tool, not a qa dependency). Writes
one text profile per case to OUT_DIR (default: a temporary directory) and prints the paths.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.common import (
    BENCH_QUESTIONS,
    PY,
    SEED_QUESTIONS,
    have_allsides,
    load_questions,
    qa_command,
    run_process,
)

SEARCH_LOOP = """
import sys
from qa.config import load_settings
from qa.index.corpus import Corpus
from qa.index.search import search
corpus = Corpus(load_settings(env={{}}, dotenv=None, index={index!r}))
questions = {questions!r}
search(corpus, questions[0], 6)
for _ in range(2):
    for q in questions:
        search(corpus, q, 6)
"""


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    index = Path(argv[0]).resolve()
    out = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="qa-profile-"))
    out.mkdir(parents=True, exist_ok=True)
    questions = [
        q["question"] for q in load_questions(BENCH_QUESTIONS if have_allsides() else SEED_QUESTIONS)
    ]
    loop = out / "search_loop.py"
    loop.write_text(SEARCH_LOOP.format(index=str(index), questions=questions), encoding="utf-8")
    qa = qa_command()
    qa_script = qa if qa[0] != PY else ["-m", "qa"]  # pyinstrument runs a script path or -m module
    cases = {
        "cold_ask": [*qa_script, "ask", questions[0], "--offline", "--json", "--index", str(index)],
        "cold_search": [*qa_script, "search", questions[0], "--json", "--index", str(index)],
        "warm_search_loop": [str(loop)],
    }
    for name, args in cases.items():
        target = out / f"{name}.txt"
        run = run_process([PY, "-m", "pyinstrument", "-r", "text", "-o", str(target), *args], cwd=out)
        if run.returncode != 0:
            print(f"{name}: failed ({run.returncode})\n{run.stderr[-2000:]}", file=sys.stderr)
            return 1
        print(json.dumps({"case": name, "profile": str(target), "wall_s": round(run.wall_s, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
