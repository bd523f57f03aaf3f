"""Shared plumbing for the benchmarks: paths, child processes with peak memory, machine facts, stats."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.allsides import DEFAULT_EVENTS, load_events, to_articles, write_jsonl
from qa.jsonl import read_objects

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# The AllSides corpus beside the project (the same override bench/embedder.py honours).
EVENTS = Path(os.environ.get("QA_BENCH_CORPUS") or DEFAULT_EVENTS)
# 12 AllSides articles copied into the project: what the smoke test and --quick fall back on.
SAMPLE = ROOT / "eval" / "allsides_sample.jsonl"
SAMPLE_QUESTIONS = ROOT / "eval" / "allsides_questions.jsonl"
BENCH_QUESTIONS = ROOT / "bench" / "data" / "allsides_questions.jsonl"
SEED_QUESTIONS = ROOT / "eval" / "questions.jsonl"
SEEDS = ROOT / "seeds"
PACKAGES = ("chromadb", "onnxruntime", "tokenizers", "numpy", "langchain-text-splitters", "typer", "openai")


def have_allsides() -> bool:
    """True when the full AllSides corpus is readable (it lives outside the project)."""
    return EVENTS.is_file()


def qa_command() -> list[str]:
    """The `qa` console script of this interpreter's environment (what a user runs)."""
    script = Path(PY).parent / "qa"
    return [str(script)] if script.is_file() else [PY, "-m", "qa"]


def child_env() -> dict[str, str]:
    """Environment for child processes: no user QA_/OPENAI_ settings, telemetry off, bench importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OPENAI_"))}
    if os.environ.get("QA_CACHE_DIR"):
        env["QA_CACHE_DIR"] = os.environ["QA_CACHE_DIR"]  # where the built ONNX graph is cached
    env.update(
        ORT_DISABLE_TELEMETRY="1", ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(ROOT), PYTHONHASHSEED="0"
    )
    return env


@dataclass(frozen=True)
class Run:
    """One finished child process: wall time, peak resident memory, exit code and output."""

    wall_s: float
    peak_rss_mb: float
    cpu_s: float
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        """The child's last stdout line as JSON (the bench children print one result document)."""
        if self.returncode != 0:
            raise RuntimeError(f"child failed with exit {self.returncode}:\n{self.stderr[-3000:]}")
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        return dict(json.loads(lines[-1]))


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """A process's peak resident memory (VmHWM) in MB, or None once it has exited."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _watch_peak(pid: int, peak: list[float], stop: threading.Event) -> None:
    # VmHWM belongs to the program the child exec'd; rusage's ru_maxrss would also count the
    # (large) bench parent's pages at fork time, which Linux carries across exec.
    while not stop.is_set():
        value = vm_hwm_mb(pid)
        if value is None:
            return
        peak[0] = max(peak[0], value)
        stop.wait(0.01)


def run_process(cmd: Sequence[str], cwd: Path | None = None, timeout: float = 1800) -> Run:
    """Run a command to completion, recording wall time, CPU time and peak memory of exactly this child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, cwd=cwd, env=child_env())
        peak = [0.0]
        stop = threading.Event()
        watcher = threading.Thread(target=_watch_peak, args=(proc.pid, peak, stop), daemon=True)
        watcher.start()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            stop.set()
        wall = time.perf_counter() - start
        watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall_s=wall,
            peak_rss_mb=peak[0] or usage.ru_maxrss / 1024,  # ru_maxrss (KiB) only where /proc is missing
            cpu_s=usage.ru_utime + usage.ru_stime,
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def child(task: str, cwd: Path | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run ``bench/_child.py TASK`` in a fresh interpreter; its JSON result plus wall time and peak RSS."""
    run = run_process([PY, "-m", "bench._child", task, json.dumps(kwargs, default=str)], cwd=cwd or ROOT)
    result = run.json()
    result.setdefault("process_wall_s", round(run.wall_s, 3))
    # The child's own VmHWM read just before it printed (exact) beats the parent's 10 ms polling.
    result["peak_rss_mb"] = round(max(result.pop("vm_hwm_mb", 0.0) or 0.0, run.peak_rss_mb), 1)
    return result


FLOOR_CODE = (
    "import chromadb\n"
    "from qa.config import load_settings\n"
    "from qa.index.embedding import load_embedder\n"
    "load_embedder(load_settings(env={}, dotenv=None))\n"
)


def floor_command() -> list[str]:
    """The floor of a cold `qa ask`: a process that only imports chromadb and loads the embedder."""
    return [PY, "-c", FLOOR_CODE]


def interleaved(commands: dict[str, list[str]], rounds: int, cwd: Path | None = None) -> dict[str, list[Run]]:
    """Run each command once per round, alternating, so machine noise hits all of them alike."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            run = run_process(cmd, cwd=cwd)
            if run.returncode != 0:
                raise RuntimeError(f"{name} failed ({run.returncode}): {' '.join(cmd)}\n{run.stderr[-2000:]}")
            runs[name].append(run)
    return runs


def median(values: Iterable[float]) -> float:
    """Median of a non-empty sequence."""
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (as numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def load_questions(path: Path, answerable_only: bool = True) -> list[dict[str, Any]]:
    """Questions of one set (the eval/ schema), answerable ones only by default."""
    rows = read_objects(path)
    return [r for r in rows if r.get("answerable", True) or not answerable_only]


def write_corpus(dest: Path, quick: bool = False) -> Path:
    """Write the base corpus as qa JSONL: all AllSides articles, or the in-project sample."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if quick or not have_allsides():
        dest.write_bytes(SAMPLE.read_bytes())
    else:
        write_jsonl(to_articles(load_events(EVENTS)), dest)
    return dest


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (or platform's guess elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ram_gb() -> float:
    """Total RAM in GB."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return float("nan")


def load_average() -> str:
    """The 1/5/15-minute load averages: how busy the (shared) machine was."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine() -> dict[str, Any]:
    """Machine, Python and package facts for the report header."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": ram_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
        "load_before": load_average(),
    }


def save_item(name: str, result: dict[str, Any]) -> Path:
    """Merge one item's result into bench/results.json and re-render bench/RESULTS.md (a lone item's run)."""
    from bench import report

    store = ROOT / "bench" / "results.json"
    results = json.loads(store.read_text(encoding="utf-8"))
    results[name] = result
    store.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    (ROOT / "bench" / "RESULTS.md").write_text(report.render(results), encoding="utf-8")
    return store


def item_main(
    name: str, module: str, doc: str, run: Callable[[Path], dict[str, Any] | None], argv: list[str] | None
) -> int:
    """The command line of one bench item: run it in a temp dir, then store it as ``name`` in
    bench/results.json (or ``--print`` it); ``module`` and ``doc`` make its usage line."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=doc.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the JSON; do not store it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix=f"qa-bench-{name}-") as tmp:
        result = run(Path(tmp))
    if result is None:
        print("skipped: the AllSides corpus is not beside the project")
        return 0
    if args.print:
        print(json.dumps(result, indent=1, default=str))
    else:
        print(f"stored in {save_item(name, result)}")
    return 0 if result["pass"] else 1


def allsides_corpus(work: Path, index: Path | None = None) -> Any:
    """A ``Corpus`` of every AllSides article: ``index`` when given, else one built in ``work``."""
    from qa.config import load_settings
    from qa.evaluation.runner import open_set_corpus
    from qa.index.corpus import Corpus

    if index is not None:
        return Corpus(load_settings(env={}, dotenv=None, index=index))
    settings = load_settings(env={}, dotenv=None, index=work / "allsides")
    return open_set_corpus(settings, [write_corpus(work / "base.jsonl")], lambda message: None)
