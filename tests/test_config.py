"""Settings: one place, .env then environment then flags, every setting documented."""

from __future__ import annotations

import json
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
        ("QA_FETCH_TIMEOUT", "0"),
    ],
)
def test_out_of_range_settings_are_one_clear_error(name: str, value: str):
    with pytest.raises(ConfigError, match=f"^{name}="):
        load_settings(env={name: value}, dotenv=None)


def test_a_bad_byte_in_dotenv_is_one_error_naming_the_file_and_line(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"QA_MODEL=x\nQA_K=\xff\n")
    with pytest.raises(ConfigError, match=rf"^{dotenv} line 2: not valid UTF-8 \(byte 0xff\)"):
        load_settings(env={}, dotenv=dotenv)


def test_a_qa_setting_without_equals_is_an_error_another_name_a_warning(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("QA_MODEL=x\nOPENAI_BASE_URL http://127.0.0.1:11434/v1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{dotenv} line 2: OPENAI_BASE_URL has no '='"):
        load_settings(env={}, dotenv=dotenv)
    dotenv.write_text("QA_MODEL=x\nOTHER_TOOL value\n", encoding="utf-8")
    warnings: list[str] = []
    assert load_settings(env={}, dotenv=dotenv, on_warning=warnings.append).model == "x"
    expected = f"{dotenv} line 2: OTHER_TOOL has no '=' (write OTHER_TOOL=VALUE); the line is ignored."
    assert warnings == [expected]


def test_an_unknown_qa_variable_is_a_warning_with_a_suggestion(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# settings\nQA_MODLE=gpt-x\nQA_K=4\nQA_NOTHING_LIKE_IT=1\n", encoding="utf-8")
    warnings: list[str] = []
    settings = load_settings(env={}, dotenv=dotenv, on_warning=warnings.append)
    assert (settings.k, settings.model) == (4, "gpt-4o-mini")
    assert warnings == [
        f"{dotenv} line 2: unknown setting QA_MODLE (did you mean QA_MODEL?); it is ignored.",
        f"{dotenv} line 4: unknown setting QA_NOTHING_LIKE_IT; it is ignored.",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "content, expected",
    [
        (b"QA_K=3\nQA_MODEL=\xffbad\n", "line 2: not valid UTF-8 (byte 0xff)"),
        (b"OPENAI_BASE_URL http://127.0.0.1:9/v1\n", "line 1: OPENAI_BASE_URL has no '='"),
    ],
)
@pytest.mark.parametrize("command", [("ask", "How many lawmakers attended?"), ("ingest", "seeds")])
def test_a_broken_dotenv_is_one_line_and_exit_1_in_a_real_process(
    command, content, expected, seed_index_dir, tmp_path
):
    from tests.helpers.processes import run_qa

    (tmp_path / ".env").write_bytes(content)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("The session was held on Sunday in Baghdad.\n", "utf-8")
    outcome = run_qa(*command, "--index", str(seed_index_dir), cwd=tmp_path)
    assert outcome.returncode == 1 and outcome.stdout == ""
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: .env {expected}"), outcome.stderr


@pytest.mark.slow
def test_chromadb_never_reads_the_users_dotenv(seed_index_dir: Path, tmp_path: Path):
    """chromadb's own settings loader reads .env on import: this line made `import chromadb` fail."""
    from tests.helpers.processes import run_qa

    (tmp_path / ".env").write_text("CHROMA_SERVER_NOFILE=not-a-number\nQA_K=2\n", encoding="utf-8")
    outcome = run_qa("search", "Nujaba", "--json", "--index", str(seed_index_dir), cwd=tmp_path)
    assert outcome.returncode == 0, outcome.stderr
    assert len(json.loads(outcome.stdout)["hits"]) == 2  # QA_K from .env: qa itself still reads it
