"""LLM endpoint faults, each played by a real HTTP server on 127.0.0.1 to a real `qa ask` process.

Every case runs in plain text (some also with ``--json``) with a recognisable API key, and the results
are cached for the session: tests/test_llm_faults.py checks each outcome, tests/test_secrets.py
greps everything those runs printed for the key.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.fake_llm import completion_body, error_body
from tests.helpers.index_checks import Snapshot, snapshot
from tests.helpers.openai_server import OpenAICompatibleServer, Scripted
from tests.helpers.processes import Outcome, QAForkServer, free_port, qa_env

# A key nobody would type by accident; any of these pieces in any output is a leak.
API_KEY = "sk-qa-LEAKCANARY-7f3e9c2a1b5d4e6f8a0b"
KEY_PIECES = (API_KEY, "LEAKCANARY", "7f3e9c2a1b5d4e6f8a0b")
MODEL = "local-model"
QUESTION = "How many lawmakers attended the session?"
QUOTE = "the 168 lawmakers present were just three more than the quorum"
GOOD = completion_body(
    json.dumps(
        {
            "status": "answered",
            "answer": "168 lawmakers attended [1].",
            "citations": [{"source": "P1", "quote": QUOTE}],
        }
    ),
    model=MODEL,
)
RETRY_NOW = {"retry-after-ms": "1"}
URL = r"http://127\.0\.0\.1:\d+/v1"


@dataclass(frozen=True)
class Case:
    """One fault: what the server does, and the sentence qa must end with (None: success)."""

    name: str
    replies: tuple[Scripted, ...] | None  # None: nothing listens on the port
    expect: str | None
    requests: int = 0
    env: dict[str, str] = field(default_factory=dict)
    min_seconds: float = 0.0
    retries: int = 0  # QA_MAX_RETRIES; the openai client does the retrying
    json_too: bool = False  # also run with --json (the error path is the same; a few suffice)


CASES = (
    Case(
        "connection-refused",
        None,
        (
            rf"^error: Cannot reach the LLM endpoint at {URL}: is "
            r"the server running, and is OPENAI_BASE_URL right\?$"
        ),
    ),
    Case(
        "timeout",
        (Scripted(200, GOOD, delay=1.5),),
        rf"^error: The LLM endpoint at {URL} did not answer within 0\.5 s: .*Raise QA_TIMEOUT",
        1,
        {"QA_TIMEOUT": "0.5"},
        json_too=True,
    ),
    Case(
        "401-bad-key",
        (
            Scripted(
                401,
                error_body(
                    f"Incorrect API key provided: {API_KEY}.", "invalid_request_error", "invalid_api_key"
                ),
            ),
        ),
        rf"^error: The LLM endpoint at {URL} rejected the API key \(HTTP 401\): check OPENAI_API_KEY\.$",
        1,
        json_too=True,
    ),
    Case(
        "404-unknown-model",
        (
            Scripted(
                404,
                error_body(f"The model `{MODEL}` does not exist", "invalid_request_error", "model_not_found"),
            ),
        ),
        rf"^error: Model '{MODEL}' was not found at {URL} \(HTTP 404\): set QA_MODEL",
        1,
    ),
    Case(
        "429-retry-after-then-ok",
        (Scripted(429, error_body("Rate limit reached"), {"retry-after": "1"}), Scripted(200, GOOD)),
        None,
        2,
        min_seconds=0.9,
        retries=1,
        json_too=True,
    ),
    Case(
        "429-persistent",
        (Scripted(429, error_body("Rate limit reached"), {"retry-after": "1"}),) * 2,
        (
            rf"^error: The LLM endpoint at {URL} was still rate "
            r"limiting after 1 retry \(HTTP 429\): wait a minute"
        ),
        2,
        retries=1,
    ),
    Case(
        "500",
        (Scripted(500, error_body(f"upstream failed for key {API_KEY}"), RETRY_NOW),) * 2,
        (
            rf"^error: The LLM endpoint at {URL} failed \(HTTP 500: upstream "
            r"failed for key \*\*\*\) after 1 retry: try again later"
        ),
        2,
        retries=1,
        json_too=True,
    ),
    Case(
        "400-echoing-the-key",
        (Scripted(400, error_body(f"context too long (key {API_KEY})", "invalid_request_error")),),
        (
            rf"^error: The LLM endpoint at {URL} rejected the request "
            r"\(HTTP 400: context too long \(key \*\*\*\)\): check QA_MODEL"
        ),
        1,
        json_too=True,
    ),
    Case(
        "200-html-body",
        (Scripted(200, "<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"),),
        (
            rf"^error: The LLM endpoint at {URL} replied without a chat completion: "
            r"check that OPENAI_BASE_URL points to an OpenAI-compatible server\.$"
        ),
        1,
    ),
    Case(
        "200-non-json-body",
        (Scripted(200, "upstream error: try later"),),
        (
            rf"^error: The LLM endpoint at {URL} sent a reply qa could "
            r"not read \(JSONDecodeError\): check that OPENAI_BASE_URL"
        ),
        1,
    ),
    Case(
        "truncated-body",
        (Scripted(200, GOOD, truncate_to=60),),
        (
            rf"^error: The LLM endpoint at {URL} closed the connection "
            r"before a complete reply \(RemoteProtocolError\)"
        ),
        1,
        json_too=True,
    ),
    Case(
        "connection-dropped",
        (Scripted(drop=True),),
        (
            rf"^error: The LLM endpoint at {URL} closed the connection "
            r"before a complete reply \(RemoteProtocolError\)"
        ),
        1,
    ),
    Case(
        "model-reply-not-json-twice",
        (
            Scripted(200, completion_body("Sure! 168 lawmakers.", model=MODEL)),
            Scripted(200, completion_body("168.", model=MODEL)),
        ),
        r"^error: The model did not return valid JSON after one repair attempt\.$",
        2,
    ),
)


@dataclass
class Run:
    """One `qa ask` run against a fault."""

    case: Case
    as_json: bool
    outcome: Outcome
    seconds: float
    requests: int
    auth_headers: list[str]
    index_before: tuple[str, Snapshot]
    index_after: tuple[str, Snapshot]


_RUNS: list[Run] = []


def _manifest_digest(index: Path) -> str:
    return hashlib.sha256((index / "manifest.sqlite").read_bytes()).hexdigest()


def _free_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


def fault_runs(fork_server: QAForkServer, seed_index_dir: Path, workdir: Path) -> list[Run]:
    """Run every case (text, and --json where asked) once per session; later calls return the cache."""
    if _RUNS:
        return _RUNS
    index = workdir / "index"
    shutil.copytree(seed_index_dir, index)
    with OpenAICompatibleServer() as server:
        for case in CASES:
            for as_json in (False, True) if case.json_too else (False,):
                before = (_manifest_digest(index), snapshot(index))
                for log in (server.queue, server.requests, server.headers, server.paths):
                    log.clear()
                server.queue.extend(case.replies or ())
                base_url = server.base_url if case.replies is not None else _free_url()
                env = qa_env(
                    OPENAI_API_KEY=API_KEY,
                    OPENAI_BASE_URL=base_url,
                    QA_MODEL=MODEL,
                    QA_MAX_RETRIES=str(case.retries),
                    **case.env,
                )
                args = ["ask", QUESTION, "--index", str(index)] + (["--json"] if as_json else [])
                started = time.monotonic()
                outcome = fork_server.run(*args, env=env, cwd=workdir)
                seconds = time.monotonic() - started
                headers = [h.get("Authorization", h.get("authorization", "")) for h in server.headers]
                after = (_manifest_digest(index), snapshot(index))
                _RUNS.append(
                    Run(case, as_json, outcome, seconds, len(server.requests), headers, before, after)
                )
                assert not server.queue, (
                    f"{case.name}: {len(server.queue)} scripted replies were never requested"
                )
    return _RUNS
