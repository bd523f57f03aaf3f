"""The command line's habits: global options in either position, --version, -h, qa config, stdin, help."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import qa
from tests.helpers.seeds import GLOBAL_NEWS, ROOT, SEEDS, UNNAMED

COMMANDS = ("ingest", "sources", "stories", "remove", "search", "ask", "show", "eval", "summarize", "config")


def _qa(*args: str, columns: int = 80, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m qa`` in a child process (help is drawn by rich at COLUMNS)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OPENAI_"))}
    environ.update(PYTHONPATH=str(ROOT), COLUMNS=str(columns), **env)
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], capture_output=True, text=True, env=environ, timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--index", "{index}", "--json", "sources"),
        ("sources", "--index", "{index}", "--json"),
        ("--index", "{index}", "sources", "--format", "json"),
        ("--format", "json", "sources", "--index", "{index}"),
    ],
)
def test_index_and_json_work_before_or_after_the_command(run_cli, seed_index_dir: Path, args):
    code, out, err = run_cli(*(a.format(index=seed_index_dir) for a in args))
    assert code == 0, err
    assert {s["doc_id"] for s in json.loads(out)["sources"]} == {UNNAMED, GLOBAL_NEWS}


def test_global_options_reach_ingest_search_and_ask(run_cli, seed_index_dir: Path, tmp_path: Path):
    index = str(tmp_path / "idx")
    code, out, err = run_cli("--index", index, "--json", "ingest", str(SEEDS))
    assert code == 0, err
    assert sorted(json.loads(out)["added"]) == [UNNAMED, GLOBAL_NEWS]
    assert (tmp_path / "idx").is_dir() and not (tmp_path / ".qa-index").exists()
    code, out, _ = run_cli("--format", "json", "--index", index, "search", "quorum", "--k", "2")
    assert code == 0 and len(json.loads(out)["hits"]) == 2
    code, out, _ = run_cli("--index", index, "ask", "--offline", "--format", "json", "How many attended?")
    assert code == 0 and json.loads(out)["backend"] == "extractive"


def test_the_commands_own_index_wins_over_the_global_one(run_cli, seed_index_dir: Path, tmp_path: Path):
    code, out, _ = run_cli("--index", str(tmp_path / "empty"), "sources", "--index", str(seed_index_dir))
    assert code == 0 and GLOBAL_NEWS in out


def test_conflicting_or_unknown_formats_are_usage_errors(run_cli, seed_index_dir: Path):
    code, _, err = run_cli("--json", "sources", "--format", "text", "--index", str(seed_index_dir))
    assert code == 2 and "disagree" in err
    code, _, err = run_cli("--format", "md", "ask", "anything", "--index", str(seed_index_dir))
    assert code == 2 and "text or json" in err


def test_version_and_short_help(run_cli):
    code, out, _ = run_cli("--version")
    assert code == 0 and out == f"qa {qa.__version__}\n"
    for command in COMMANDS:
        code, out, _ = run_cli(command, "-h")
        assert code == 0 and f"Usage: qa {command}" in out, command


def test_ask_joins_unquoted_words(run_cli, seed_index_dir: Path):
    code, out, err = run_cli(
        "ask", "How", "many", "lawmakers", "attended?", "--offline", "--json", "--index", str(seed_index_dir)
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["question"] == "How many lawmakers attended?" and "168" in doc["answer"]


def test_ask_dash_reads_the_question_from_stdin(run_cli, monkeypatch, seed_index_dir: Path):
    monkeypatch.setattr("sys.stdin", io.StringIO("How many lawmakers\n attended the session?\n"))
    code, out, err = run_cli("ask", "-", "--offline", "--json", "--index", str(seed_index_dir))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["question"] == "How many lawmakers attended the session?" and "168" in doc["answer"]
    monkeypatch.setattr("sys.stdin", io.StringIO("  \n"))
    code, out, err = run_cli("ask", "-", "--index", str(seed_index_dir))
    assert code == 2 and out == "" and "empty" in err


def test_config_names_where_each_setting_came_from(run_cli, monkeypatch, tmp_path: Path):
    (tmp_path / ".env").write_text(
        "# qa\nQA_MODEL=llama3\n\nOPENAI_BASE_URL=http://user:pw@localhost:11434/v1\nQA_K=4\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("QA_K", "3")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-value-1234")
    code, out, err = run_cli("config", "--index", "elsewhere", "--json")
    assert code == 0, err
    doc = json.loads(out)
    origins = {s["name"]: (s["value"], s["origin"]) for s in doc["settings"]}
    assert origins["QA_MODEL"] == ("llama3", ".env line 2")
    assert origins["OPENAI_BASE_URL"] == ("http://localhost:11434/v1", ".env line 4")
    assert origins["QA_K"] == ("3", "environment")
    assert origins["QA_INDEX"] == ("elsewhere", "flag --index")
    assert origins["QA_TIMEOUT"] == ("60.0", "default")
    assert origins["OPENAI_API_KEY"] == ("set", "environment")
    assert (doc["reader"], doc["endpoint"], doc["model"]) == ("llm", "http://localhost:11434/v1", "llama3")
    code, text, _ = run_cli("--index", "elsewhere", "config")
    assert code == 0 and re.search(r"^QA_MODEL +llama3 +\.env line 2$", text, re.M)
    assert "reader: LLM, model llama3 at http://localhost:11434/v1" in text
    for printed in (out, text):
        assert "sk-test-secret" not in printed and "pw@" not in printed


def test_config_without_an_llm_says_the_extractive_reader_is_used(run_cli):
    code, out, _ = run_cli("config", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["reader"] == "extractive" and doc["endpoint"] is None
    assert {s["name"]: s["value"] for s in doc["settings"]}["OPENAI_API_KEY"] == "not set"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_fits_80_columns_with_an_example_and_no_noise(command: str):
    result = _qa(command, "--help")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "…" not in text  # rich cut an option's name or help short
    assert "<bool>" not in text and "<str>" not in text and "{" not in text
    assert re.search(r"^ Example: qa " + command + r"\b", text, re.M), text
    usage = re.search(r"Usage: qa " + command + r" \[OPTIONS\](.*)", text)
    assert usage and usage.group(1).strip() == usage.group(1).strip().upper()  # QUESTION, not question


def test_root_help_offers_global_options_and_completion():
    text = _qa("-h").stdout
    for option in ("--index", "--json", "--format", "--version", "--install-completion"):
        assert option in text, option
    # Completion's own script is typer's: the shell function drives `_QA_COMPLETE`.
    # typer's own switch: take the shell named here rather than detect it from the process tree, which
    # under a test runner may hold no shell at all ("Shell  not supported").
    shown = _qa("--show-completion", "bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert "_QA_COMPLETE" in shown.stdout, (shown.returncode, shown.stderr[-500:])
