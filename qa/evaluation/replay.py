"""Record an eval run's chat requests and replies, and replay them offline.

``qa eval --live --record FILE`` stores every exchange with the model; ``qa eval --replay
FILE`` serves those replies through a mocked transport, so a real model's run can be
re-scored (new metrics, a changed resolver) offline and for free. A request is matched by
its exact body (model, messages): when the prompt files, the retrieved passages or the
question change, the request changes, and the replay stops with a clear error instead of
serving a reply to a different question.

The file is one JSON document::

    {"format": "qa-eval-recording/1", "model": "...", "endpoint": "...", "recorded": "<UTC time>",
     "prompts": {"answer": "<sha256>", ...},
     "exchanges": [{"key": "<sha256 of the request body>", "question": "...",
                    "request": {...}, "status": 200, "response": {...}}]}
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.answer.judge import JUDGE_PROMPT
from qa.answer.llm import ANSWER_PROMPT, CLAIM_REPAIR_PROMPT, PASSAGE_PROMPT
from qa.errors import QAError
from qa.evaluation.simulated import parse_request
from qa.files import write_whole
from qa.openai_client import REPAIR_PROMPT, recording_http_client
from qa.prompts import prompt_path

if TYPE_CHECKING:  # pragma: no cover
    import httpx2

FORMAT = "qa-eval-recording/1"
REPLAY_BASE_URL = "http://replay.invalid/v1"
REPLAY_KEY = "replay-no-key"


class ReplayMissError(QAError):
    """A request has no recorded reply: the prompt, the passages or the question changed."""


def request_key(body: dict[str, Any]) -> str:
    """A stable fingerprint of a request body."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def question_of(body: dict[str, Any]) -> str:
    """The question inside a request's user message, for error messages ("" if none)."""
    return parse_request(body)[0]


def prompt_hashes() -> dict[str, str]:
    """sha256 of each prompt file the LLM reader and its judge send (answer, passage, repairs, judge)."""
    names = (ANSWER_PROMPT, PASSAGE_PROMPT, REPAIR_PROMPT, CLAIM_REPAIR_PROMPT, JUDGE_PROMPT)
    return {name: hashlib.sha256(prompt_path(name).read_bytes()).hexdigest() for name in names}


def _decode(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


class Recorder:
    """Collects exchanges through an httpx2 response hook; :meth:`save` writes the file."""

    def __init__(self, model: str, endpoint: str) -> None:
        self.model = model
        self.endpoint = endpoint
        self.exchanges: list[dict[str, Any]] = []

    def on_response(self, response: httpx2.Response) -> None:
        """httpx2 ``event_hooks["response"]`` callback."""
        response.read()
        status = response.status_code
        if status == 429 or status >= 500:
            return  # transient: the client retries, and the retry's reply is what counts
        body = _decode(response.request.content)
        if not isinstance(body, dict):
            return
        self.exchanges.append(
            {
                "key": request_key(body),
                "question": question_of(body),
                "request": body,
                "status": status,
                "response": _decode(response.content),
            }
        )

    def http_client(self, transport: httpx2.BaseTransport | None = None) -> httpx2.Client:
        """An httpx2 client with the SDK's defaults that records every reply it receives."""
        return recording_http_client(self.on_response, transport)

    def save(self, path: Path) -> None:
        """Write the recording (atomically: a crash never leaves half a file)."""
        document = {
            "format": FORMAT,
            "model": self.model,
            "endpoint": self.endpoint,
            "recorded": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "prompts": prompt_hashes(),
            "exchanges": self.exchanges,
        }
        write_whole(Path(path), json.dumps(document, ensure_ascii=False, indent=1) + "\n")


class Replayer:
    """Serves recorded replies by request body; an unknown request raises :class:`ReplayMissError`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise QAError(
                f"No recording at {self.path}: make one with `qa eval --live --record {self.path}`."
            ) from None
        except (OSError, ValueError) as exc:
            raise QAError(f"Cannot read the recording {self.path}: {exc}.") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise QAError(f"{self.path} is not a qa eval recording (expected format {FORMAT!r}).")
        self.model = str(document.get("model") or "")
        self.endpoint = str(document.get("endpoint") or "")
        self.recorded = str(document.get("recorded") or "")
        self.prompts: dict[str, str] = dict(document.get("prompts") or {})
        self.replies: dict[str, list[tuple[int, Any]]] = {}
        for item in document.get("exchanges") or []:
            self.replies.setdefault(item["key"], []).append((int(item["status"]), item["response"]))
        self.served: dict[str, int] = {}

    def changed_prompts(self) -> list[str]:
        """Names of prompt files whose hash differs from the recording's."""
        now = prompt_hashes()
        return sorted(
            name for name in set(now) | set(self.prompts) if now.get(name) != self.prompts.get(name)
        )

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        """The MockTransport handler."""
        import httpx2

        body = _decode(request.content)
        key = request_key(body) if isinstance(body, dict) else ""
        replies = self.replies.get(key)
        if not replies:
            raise ReplayMissError(self._miss_message(body if isinstance(body, dict) else {}))
        n = self.served.get(key, 0)
        self.served[key] = n + 1
        status, response = replies[min(n, len(replies) - 1)]  # repeated requests get the replies in order
        if isinstance(response, str):
            return httpx2.Response(status, content=response.encode())
        return httpx2.Response(status, json=response)

    def _miss_message(self, body: dict[str, Any]) -> str:
        question = question_of(body)
        changed = self.changed_prompts()
        why = (
            f"the prompt file(s) {', '.join(changed)} changed since it was recorded"
            if changed
            else "the request changed since it was recorded "
            "(different retrieved passages, question, k or model)"
        )
        about = f" for the question {question!r}" if question else ""
        return (
            f"The recording {self.path} has no reply to the request{about}: {why}. "
            f"Record it again with `qa eval --live --record {self.path}`."
        )

    def http_client(self) -> httpx2.Client:
        """An httpx2 client whose transport serves the recording."""
        import httpx2

        return httpx2.Client(transport=httpx2.MockTransport(self.handle))
