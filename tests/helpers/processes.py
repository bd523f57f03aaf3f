"""Run the real `qa` CLI in separate OS processes, fast enough to kill it dozens of times.

* :func:`qa_env` and :func:`run_qa` run ``python -m qa ...`` as a plain subprocess.
* :class:`QAForkServer` starts ONE helper process that imports qa and its heavy dependencies
  (chromadb, onnxruntime, langchain, ~1.5 s) once, then forks a fresh child per command that
  runs ``qa.cli.main()`` with its own argv, environment, working directory and output files.
  Each child is a real process: it opens the index, loads the embedder, writes, and can be
  SIGKILLed like any ``qa ingest``; only the import time is shared. The helper holds no
  threads when it forks (checked at start), so forking is safe. Settings a library reads at
  import time (e.g. OPENAI_LOG) do not reach forked children: use :func:`run_qa` for those.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.seeds import ROOT


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def qa_env(**extra: str) -> dict[str, str]:
    """The current environment without any QA_/OPENAI_ setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OPENAI_"))}
    env.update(extra)
    return env


def run_qa(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m qa ARGS`` to completion and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "qa", *args],
        capture_output=True,
        text=True,
        env=dict(env or qa_env()),
        cwd=cwd,
        timeout=timeout,
    )


@dataclass
class Outcome:
    """How a forked qa process ended."""

    code: int  # exit code, or -signal number when killed
    stdout: str
    stderr: str


_SERVER = r"""
import atexit, json, os, sys, threading
import qa.cli, qa.ingest.pipeline, qa.index.vectors, qa.index.corpus, qa.ingest.chunking, qa.ingest.loaders
import qa.index.embedding, qa.index.search, qa.index.manifest
import qa.answer.llm, qa.answer.ask, qa.answer.extractive, qa.render.terminal
import chromadb, langchain_text_splitters, onnxruntime, tokenizers, yaml, openai, httpx2
# Imported late by chromadb and the loaders; preloaded so a child dropped to an unprivileged
# user still has them when the Python install itself is private (e.g. pyenv under /root).
import resource, encodings.utf_8_sig
assert threading.active_count() == 1, threading.enumerate()
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            out = os.open(req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1); os.dup2(err, 2)
            if req.get("uid") is not None:  # run as an unprivileged user
                os.setgroups([]); os.setgid(req["gid"]); os.setuid(req["uid"])
            os.chdir(req["cwd"])
            os.environ.clear(); os.environ.update(req["env"])
            sys.argv = ["qa", *req["args"]]
            try:
                qa.cli.main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            atexit._run_exitfuncs()
        except BaseException:
            import traceback; traceback.print_exc(); code = 99
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"pid": pid, "code": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class QAForkServer:
    """Forks one real process per `qa` command from a helper that has already imported qa."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.runs = 0
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=qa_env(),
            cwd=ROOT,
        )
        assert json.loads(self._read()) == {"ready": True}

    def _read(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the qa fork server died")
        return line

    def start(
        self, *args: str, env: Mapping[str, str], cwd: Path, user: tuple[int, int] | None = None
    ) -> int:
        """Fork a child running ``qa ARGS`` (as ``user`` = (uid, gid) if given); return its pid."""
        assert self.proc.stdin is not None
        self.runs += 1
        self._out = self.workdir / f"run{self.runs}.out"
        self._err = self.workdir / f"run{self.runs}.err"
        request = {
            "args": list(args),
            "env": dict(env),
            "cwd": str(cwd),
            "stdout": str(self._out),
            "stderr": str(self._err),
        }
        if user is not None:
            request["uid"], request["gid"] = user
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return int(json.loads(self._read())["pid"])

    def wait(self) -> Outcome:
        """Wait for the running child to end."""
        code = int(json.loads(self._read())["code"])
        return Outcome(code, self._out.read_text(encoding="utf-8"), self._err.read_text(encoding="utf-8"))

    def run(
        self,
        *args: str,
        env: Mapping[str, str],
        cwd: Path,
        kill_after: float | None = None,
        user: tuple[int, int] | None = None,
    ) -> Outcome:
        """Run ``qa ARGS`` in a fresh child; with ``kill_after``, SIGKILL it after that many seconds."""
        pid = self.start(*args, env=env, cwd=cwd, user=user)
        if kill_after is not None:
            time.sleep(kill_after)
            with contextlib.suppress(ProcessLookupError):  # it already finished
                os.kill(pid, signal.SIGKILL)
        return self.wait()

    def close(self) -> None:
        """Stop the helper process."""
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
