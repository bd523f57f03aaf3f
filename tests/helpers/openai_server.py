"""A small OpenAI-compatible HTTP server on 127.0.0.1 for end-to-end tests over real sockets."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.helpers.fake_llm import completion_body
from tests.helpers.local_server import LocalServer


@dataclass
class Scripted:
    """One scripted response: status, body (str or dict), headers.

    Faults: ``delay`` seconds of silence before replying (a slow or hung server), ``drop``
    closes the connection without any response, ``truncate_to`` sends only that many bytes of
    the body (the content-length still announces all of it) and closes, ``content_type``
    overrides application/json.
    """

    status: int = 200
    body: str | dict[str, Any] = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    truncate_to: int | None = None
    content_type: str = "application/json"


class OpenAICompatibleServer:
    """Serves /v1/chat/completions from a queue of replies; records every request body."""

    def __init__(self, default: Callable[[dict[str, Any]], Scripted] | None = None) -> None:
        self.queue: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.default = default
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                server.paths.append(self.path)
                body = json.loads(raw or b"{}")
                server.requests.append(body)
                server.headers.append(dict(self.headers))
                reply = (
                    server.queue.popleft()
                    if server.queue
                    else (server.default(body) if server.default else Scripted(500, "no reply queued"))
                )
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    return
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = payload.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type)
                    self.send_header("content-length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data if reply.truncate_to is None else data[: reply.truncate_to])
                    self.wfile.flush()
                except OSError:
                    pass  # the client gave up (e.g. it timed out) before the reply was sent
                if reply.truncate_to is not None:
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass  # keep test output clean

        self.httpd = LocalServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The /v1 base URL clients should use."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def answer(self, obj: dict[str, Any], model: str = "local-model") -> OpenAICompatibleServer:
        """Queue a 200 chat completion whose content is ``obj`` as JSON."""
        self.queue.append(Scripted(200, completion_body(json.dumps(obj), model=model)))
        return self

    def __enter__(self) -> OpenAICompatibleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
