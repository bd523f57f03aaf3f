"""A fake OpenAI-compatible endpoint behind the REAL openai client.

Only the HTTP transport is replaced (``httpx2.MockTransport``; openai 3.x sends through
httpx2, so respx would not intercept it): request building, retries, error mapping and
response parsing are all the SDK's own code. Replies are built with the SDK's real
response types.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import replace
from typing import Any

import httpx2

from qa.config import Settings

TEST_API_KEY = "sk-test-FAKEKEY0123456789abcdef"
TEST_BASE_URL = "http://fake.local/v1"
TEST_MODEL = "fake-model"

ErrorReply = tuple[int, str | bytes | dict[str, Any], dict[str, str]]
Reply = str | ErrorReply | Exception


def completion_body(content: str | None, model: str = TEST_MODEL, refusal: str | None = None) -> str:
    """A chat completion body serialised from openai's own response types."""
    from openai.types.chat import ChatCompletion, ChatCompletionMessage
    from openai.types.chat.chat_completion import Choice

    return ChatCompletion(
        id="chatcmpl-fake",
        object="chat.completion",
        created=1_700_000_000,
        model=model,
        choices=[
            Choice(
                index=0,
                finish_reason="stop",
                message=ChatCompletionMessage(role="assistant", content=content, refusal=refusal),
            )
        ],
    ).model_dump_json()


def error_body(message: str, kind: str = "server_error", code: str | None = None) -> dict[str, Any]:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


# Retry-After: 0 alone does not make openai retry instantly (it then falls back to its
# exponential backoff of ~0.5 s); retry-after-ms: 1 does, and is preferred by the SDK.
INSTANT_RETRY = {"retry-after": "0", "retry-after-ms": "1"}


class FakeLLM:
    """A queue of canned replies plus a record of every request the client sent."""

    def __init__(self, *replies: Reply) -> None:
        self.queue: deque[Reply] = deque(replies)
        self.requests: list[dict[str, Any]] = []  # parsed JSON bodies, in order
        self.raw_requests: list[httpx2.Request] = []
        self.http_client = httpx2.Client(transport=httpx2.MockTransport(self._handle))

    # -- queueing -------------------------------------------------------------------
    def reply(self, content: str | None, **kwargs: Any) -> FakeLLM:
        """Queue a 200 chat completion whose message content is ``content`` (kwargs: refusal, model)."""
        self.queue.append(completion_body(content, **kwargs))
        return self

    def reply_json(self, value: Any) -> FakeLLM:
        """Queue a 200 chat completion whose content is ``value`` serialised as JSON."""
        return self.reply(json.dumps(value))

    def error(
        self,
        status: int,
        body: str | bytes | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> FakeLLM:
        """Queue an HTTP error; 429/5xx get instant-retry headers unless headers are given."""
        if body is None:
            body = error_body(f"fake error {status}")
        if headers is None:
            headers = dict(INSTANT_RETRY) if status == 429 or status >= 500 else {}
        self.queue.append((status, body, headers))
        return self

    def fail(self, exc: Exception) -> FakeLLM:
        """Queue a transport failure (e.g. ``httpx2.ConnectError``) raised while sending."""
        self.queue.append(exc)
        return self

    # -- clients --------------------------------------------------------------------
    def settings(self, **overrides: Any) -> Settings:
        """Settings pointing at the fake endpoint, with instant retries."""
        base = Settings(
            openai_api_key=TEST_API_KEY,
            openai_base_url=TEST_BASE_URL,
            model=TEST_MODEL,
            timeout=5.0,
            max_retries=2,
        )
        return replace(base, **overrides)

    def client(self, settings: Settings | None = None) -> Any:
        """A real openai.OpenAI built by qa.openai_client.make_client, sending to this fake."""
        from qa.openai_client import make_client

        return make_client(settings or self.settings(), http_client=self.http_client)

    @property
    def messages(self) -> list[list[dict[str, Any]]]:
        """The ``messages`` list of every request, in order."""
        return [request["messages"] for request in self.requests]

    # -- transport ------------------------------------------------------------------
    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.raw_requests.append(request)
        self.requests.append(json.loads(request.content or b"{}"))
        if not self.queue:
            raise AssertionError(f"FakeLLM: no reply queued for request #{len(self.requests)}")
        item = self.queue.popleft()
        if isinstance(item, Exception):
            raise item
        if isinstance(item, str):
            return httpx2.Response(200, content=item.encode(), headers={"content-type": "application/json"})
        status, body, headers = item
        if isinstance(body, dict):
            content = json.dumps(body).encode()
            headers = {"content-type": "application/json", **headers}
        else:
            content = body.encode() if isinstance(body, str) else body
        return httpx2.Response(status, content=content, headers=headers)
