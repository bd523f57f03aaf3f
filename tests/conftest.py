"""Shared fixtures. For now: the fake OpenAI-compatible endpoint (see fake_llm.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_llm import FakeLLM


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    """A FakeLLM with an empty reply queue; queue replies, then build ``fake_llm.client()``."""
    # The client must never see a real key or endpoint from the developer's shell.
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeLLM()
    yield fake
    fake.http_client.close()
    # A reply left in the queue means the code made fewer requests than the test expected.
    assert not fake.queue, f"FakeLLM: {len(fake.queue)} queued replies were never requested"

# Real-index fixtures (seeds ingested once per session) and test isolation from the environment.
pytest_plugins = ["index_fixtures"]
