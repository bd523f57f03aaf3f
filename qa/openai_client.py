"""The one module that imports openai: the client, its errors as one sentence, and JSON replies.

Talks plain chat completions to any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM,
llama.cpp server): no response_format, tools or other OpenAI-only features. Retries on
429/5xx/timeouts are the openai client's own (it honours Retry-After); every failure
reaches the user as one LLMError sentence that never contains the API key. openai is
imported inside the functions that need it: it costs over a second, and `qa --help`,
`qa sources` or an offline `qa ask` never pay for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from qa.config import DEFAULT_BASE_URL, Settings
from qa.errors import ConfigError, LLMError
from qa.prompts import load_prompt
from qa.urls import shown_url

if TYPE_CHECKING:  # pragma: no cover - typing only
    import httpx2
    import openai

# Local servers (Ollama, llama.cpp) ignore the key, but the client refuses to start without one.
LOCAL_API_KEY = "not-needed"
REPAIR_PROMPT = "repair"

_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\r?\n?(.*?)```", re.DOTALL)
# Reasoning models served locally (e.g. via Ollama) put their thoughts, braces and all, first.
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_KEYLIKE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}")


def make_client(settings: Settings, http_client: httpx2.Client | None = None) -> openai.OpenAI:
    """Build an openai.OpenAI client from settings (base URL, key, timeout, retries)."""
    import openai

    if not settings.llm_configured:
        raise ConfigError("No LLM is configured: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server.")
    if settings.openai_base_url and not settings.openai_base_url.lower().startswith(("http://", "https://")):
        # Without a scheme the URL parses as something else entirely and fails obscurely later.
        raise ConfigError(
            "OPENAI_BASE_URL must start with http:// or https://, e.g. http://localhost:11434/v1."
        )
    if settings.max_retries < 0 or settings.timeout <= 0:
        raise ConfigError("QA_MAX_RETRIES must be 0 or more and QA_TIMEOUT more than 0.")
    api_key = settings.openai_api_key.strip()
    if not all(33 <= ord(ch) <= 126 for ch in api_key):
        # A header cannot carry it, and the HTTP library's error would quote it: say so without the key.
        raise ConfigError(
            "OPENAI_API_KEY contains spaces, line breaks or "
            "non-ASCII characters (a copy-paste slip?): set it again."
        )
    # Pass everything explicitly so the client never falls back to environment
    # variables that disagree with the settings qa resolved (e.g. from .env).
    return openai.OpenAI(
        api_key=api_key or LOCAL_API_KEY,
        base_url=settings.openai_base_url or DEFAULT_BASE_URL,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        http_client=http_client,
    )


class ModelUser:
    """Something that talks to the configured endpoint: it keeps the settings and builds its client lazily."""

    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        """Keep the settings; the client is built on first use unless one is given."""
        self.settings = settings
        self._client = client

    @property
    def client(self) -> openai.OpenAI:
        """The openai client, created from the settings on first use."""
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client


def _scrub(text: str, api_key: str) -> str:
    # Defensive: endpoints echo (masked) keys in error bodies; none may reach the user.
    if api_key and len(api_key) >= 4:
        text = text.replace(api_key, "***")
    return _KEYLIKE.sub("***", text)


def _detail(exc: Any, api_key: str) -> str:
    body = getattr(exc, "body", None)
    text: object = body
    if isinstance(body, dict):
        inner = body.get("error", body)
        text = inner.get("message", inner) if isinstance(inner, dict) else inner
        text = text or body.get("detail") or body.get("message") or ""
    if not text:
        return ""
    flat = " ".join(str(text).split())
    flat = _scrub(flat, api_key)
    return flat if len(flat) <= 200 else flat[:197] + "..."


def llm_error(
    exc: Exception,
    client: openai.OpenAI,
    model: str,
    *,
    endpoint: str = "LLM endpoint",
    setting: str = "QA_MODEL",
) -> LLMError:
    """Translate an openai exception into one clear sentence: what happened, what to do.

    ``endpoint`` names the service in the sentence ("The LLM endpoint at ...") and ``setting``
    the variable that chose the model: the embedder passes its own and reuses every message.
    """
    import openai

    key = str(getattr(client, "api_key", "") or "")
    url = shown_url(client.base_url)
    detail = _detail(exc, key)
    after = _after_retries(client.max_retries)
    if isinstance(exc, openai.AuthenticationError):
        # The body is not shown: OpenAI echoes a masked form of the key in it.
        return LLMError(f"The {endpoint} at {url} rejected the API key (HTTP 401): check OPENAI_API_KEY.")
    if isinstance(exc, openai.PermissionDeniedError):
        return LLMError(
            f"The {endpoint} at {url} refused access ({_http(403, detail)}): "
            f"check that OPENAI_API_KEY may use model '{model}'."
        )
    if isinstance(exc, openai.NotFoundError):
        return LLMError(
            f"Model '{model}' was not found at {url} (HTTP 404): set {setting} to a "
            "model the endpoint serves, and check that OPENAI_BASE_URL ends in /v1."
        )
    if isinstance(exc, openai.RateLimitError):
        if "quota" in detail.lower():
            return LLMError(
                f"The {endpoint} at {url} reports no quota left ({_http(429, detail)}): "
                "check the account's billing for OPENAI_API_KEY."
            )
        return LLMError(
            f"The {endpoint} at {url} was still rate limiting{after} (HTTP 429): "
            "wait a minute and try again, or lower your request rate."
        )
    if isinstance(exc, openai.APITimeoutError):
        timeout = (
            client.timeout
            if isinstance(client.timeout, (int, float))
            else getattr(client.timeout, "read", client.timeout)
        )
        return LLMError(
            f"The {endpoint} at {url} did not answer within {timeout} s{after}: "
            "is the server running and the model loaded? Raise QA_TIMEOUT for slow local models."
        )
    if isinstance(exc, openai.APIConnectionError):
        cause = type(exc.__cause__).__name__
        if cause in ("RemoteProtocolError", "ReadError", "WriteError"):
            # Connected, then the reply was cut off or never came: the server (or a proxy) broke it.
            return LLMError(
                f"The {endpoint} at {url} closed the connection before a complete "
                f"reply{after} ({cause}): try again, and check the server's logs."
            )
        return LLMError(
            f"Cannot reach the {endpoint} at {url}{after}: "
            "is the server running, and is OPENAI_BASE_URL right?"
        )
    if isinstance(exc, openai.BadRequestError):
        return LLMError(
            f"The {endpoint} at {url} rejected the request ({_http(400, detail)}): "
            f"check {setting} and the model's context length."
        )
    if isinstance(exc, openai.APIStatusError):
        # Only these statuses are retried by the client (see openai's _should_retry).
        code = exc.status_code
        retried = after if code >= 500 or code in (408, 409) else ""
        return LLMError(
            f"The {endpoint} at {url} failed ({_http(code, detail)}){retried}: "
            "try again later or check the server's logs."
        )
    return LLMError(
        f"The {endpoint} at {url} sent a reply qa could not read ({type(exc).__name__}): "
        "check that OPENAI_BASE_URL points to an OpenAI-compatible server."
    )


def _http(code: int, detail: str) -> str:
    return f"HTTP {code}: {detail}" if detail else f"HTTP {code}"


def _after_retries(retries: int) -> str:
    if retries <= 0:
        return ""
    return f" after {retries} retr{'y' if retries == 1 else 'ies'}"


def extract_json_object(text: str) -> dict[str, Any] | None:
    """Return the first JSON object in a reply, tolerating prose and ```json fences."""
    # Hand-written on purpose. json-repair (0.64) was tried on the replies tests/test_llm.py
    # sends: it also finds objects in prose and fences, but it "repairs" a truncated reply
    # ('..."answer": "168", citations: [}') into {"citations": []} -- an answer with its
    # citations silently lost -- and returns a list for a <think> block followed by the reply.
    # qa accepts only JSON the model really wrote, and asks the model once to repair the rest.
    text = _THINK.sub("", text).strip()
    candidates = [text] + [m.group(1).strip() for m in _FENCE.finditer(text)]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    pos = text.find("{")
    while pos != -1:
        try:
            value, _ = decoder.raw_decode(text, pos)
        except ValueError:
            value = None
        if isinstance(value, dict):
            return value
        pos = text.find("{", pos + 1)
    return None


_MISSING = object()


def _chat(client: openai.OpenAI, model: str, messages: list[dict[str, str]]) -> Any:
    import openai

    try:
        completion = client.chat.completions.create(model=model, messages=messages)  # type: ignore[arg-type]
    except openai.OpenAIError as exc:
        raise llm_error(exc, client, model) from None
    except ValueError as exc:  # e.g. a 200 whose body is not JSON: the client's parser raises, not openai
        raise llm_error(exc, client, model) from None
    # The client does not validate replies: any JSON body becomes a "completion", so check its shape.
    choices = getattr(completion, "choices", None)
    first = choices[0] if isinstance(choices, list) and choices else None
    message = getattr(first, "message", None)
    content = getattr(message, "content", _MISSING)
    if content is _MISSING or not (content is None or isinstance(content, str)):
        raise LLMError(
            f"The LLM endpoint at {shown_url(client.base_url)} replied without a chat completion: "
            "check that OPENAI_BASE_URL points to an OpenAI-compatible server."
        )
    return message


def _parse(message: Any) -> dict[str, Any] | None:
    content = message.content or ""
    if not content.strip() and getattr(message, "refusal", None):
        return {"refusal": str(message.refusal)}
    return extract_json_object(content)


def complete_json(
    client: openai.OpenAI, model: str, system: str, user: str, follow_up: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """Ask the model for a JSON object; one repair round trip if the reply is not one.

    ``follow_up`` continues the conversation after ``user`` with (assistant reply, next user message)
    turns, for a second round on an earlier reply. A structured refusal (``message.refusal`` with no
    content) comes back as ``{"refusal": "<text>"}`` so callers can treat it as "no answer".
    """
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}
    ]
    for said, asked in follow_up:
        messages += [{"role": "assistant", "content": said}, {"role": "user", "content": asked}]
    message = _chat(client, model, messages)
    content = message.content or ""
    parsed = _parse(message)
    if parsed is not None:
        return parsed
    repair = load_prompt(REPAIR_PROMPT).render()
    retry = [
        *messages,
        # Some servers reject an empty assistant turn; the model must still see what it said.
        {"role": "assistant", "content": content or "(empty reply)"},
        {"role": "user", "content": repair},
    ]
    parsed = _parse(_chat(client, model, retry))
    if parsed is None:
        raise LLMError("The model did not return valid JSON after one repair attempt.")
    return parsed


def recording_http_client(
    on_response: Callable[[httpx2.Response], None], transport: httpx2.BaseTransport | None = None
) -> httpx2.Client:
    """An httpx2 client with the openai SDK's defaults that calls ``on_response`` for every reply."""
    import openai

    kwargs: dict[str, Any] = {"event_hooks": {"response": [on_response]}}
    if transport is not None:
        kwargs["transport"] = transport
    return openai.DefaultHttpx2Client(**kwargs)
