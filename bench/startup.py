"""Item 6: wall time of `qa --help` vs a bare `python -c pass`, in the same run, interleaved."""

from __future__ import annotations

import json
from typing import Any

from bench.common import PY, interleaved, median, qa_command

TARGET_S = 0.5


def run(rounds: int = 7) -> dict[str, Any]:
    """Median wall time of `qa --help` and of an empty interpreter; target: help under 0.5 s."""
    runs = interleaved({"help": [*qa_command(), "--help"], "python": [PY, "-c", "pass"]}, rounds)
    help_s = median(r.wall_s for r in runs["help"])
    python_s = median(r.wall_s for r in runs["python"])
    return {
        "rounds": rounds,
        "help_s": round(help_s, 3),
        "python_s": round(python_s, 3),
        "help_beyond_python_s": round(help_s - python_s, 3),
        "target_s": TARGET_S,
        "pass": help_s < TARGET_S,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
