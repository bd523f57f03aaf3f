"""Settings: one place, .env then environment then flags, every setting documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import describe, load_settings
from qa.errors import ConfigError
from tests.helpers.seeds import ROOT


def test_env_example_documents_every_setting():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for env, _, description in describe():
        assert f"{env}=" in example and description in example, env


def test_precedence_dotenv_then_environment_then_overrides(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "QA_MODEL=from-dotenv\nQA_K=3\nexport QA_COLLECTION='from-dotenv'\n# QA_TIMEOUT=1\n", encoding="utf-8"
    )
    settings = load_settings(env={"QA_K": "9"}, dotenv=dotenv)
    assert (settings.model, settings.k, settings.collection, settings.timeout) == (
        "from-dotenv",
        9,
        "from-dotenv",
        60.0,
    )
    assert load_settings(env={"QA_K": "9"}, dotenv=dotenv, k=2).k == 2


def test_invalid_number_is_a_clear_error():
    with pytest.raises(ConfigError, match="QA_K='many' is not a valid int"):
        load_settings(env={"QA_K": "many"}, dotenv=None)


def test_llm_is_configured_by_a_key_or_a_local_endpoint():
    assert not load_settings(env={}, dotenv=None).llm_configured
    assert load_settings(env={"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, dotenv=None).llm_configured


@pytest.mark.parametrize(
    "name, value",
    [
        ("QA_K", "0"),
        ("QA_CHUNK_SIZE", "0"),
        ("QA_CHUNK_OVERLAP", "900"),
        ("QA_MAX_FILE_MB", "nan"),
        ("QA_TIMEOUT", "-1"),
    ],
)
def test_out_of_range_settings_are_one_clear_error(name: str, value: str):
    with pytest.raises(ConfigError, match=f"^{name}="):
        load_settings(env={name: value}, dotenv=None)
